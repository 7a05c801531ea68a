"""Intent classification quality per language on held-out examples (`make eval-nlu`).

The held-out files tests/nlu/heldout_{ar,arabizi,en}.yml are never used for training. Each message goes
through the trained model exactly as a child's message would (Agent.parse_message). We score the intent the
classifier chose before the risk layer (the risk assessor may replace it with risk_*; that is measured by
`make eval-safety`), and count how many held-out messages the risk layer escalated.
Prints macro-F1 and accuracy per language, the weakest intents, and writes reports/nlu_eval.json.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Dict, List, Optional, Tuple

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from bot.settings import PROJECT_ROOT  # noqa: E402
from bot.training import newest_model  # noqa: E402

HELDOUT = {"ar": "heldout_ar.yml", "arabizi": "heldout_arabizi.yml", "en": "heldout_en.yml"}


def load_heldout(language: str) -> List[Tuple[str, str]]:
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(PROJECT_ROOT / "tests" / "nlu" / HELDOUT[language]))
    return [(m.get("text"), m.get("intent")) for m in data.intent_examples]


def classifier_intent(parse: Dict) -> str:
    risk = parse.get("risk") or {}
    return risk.get("original_intent") or (parse.get("intent") or {}).get("name") or "none"


async def evaluate(model: Path) -> Dict:
    from rasa.core.agent import Agent
    from sklearn.metrics import accuracy_score, f1_score

    agent = Agent.load(str(model))
    report: Dict = {"model": model.name, "languages": {}}
    for language in HELDOUT:
        examples = load_heldout(language)
        gold, predicted, escalated = [], [], 0
        for text, intent in examples:
            parse = await agent.parse_message(text)
            gold.append(intent)
            predicted.append(classifier_intent(parse))
            escalated += (parse.get("intent") or {}).get("name", "").startswith("risk_")
        labels = sorted(set(gold))
        per_intent = f1_score(gold, predicted, labels=labels, average=None, zero_division=0)
        errors = Counter((g, p) for g, p in zip(gold, predicted) if g != p)
        report["languages"][language] = {
            "examples": len(gold),
            "macro_f1": round(float(f1_score(gold, predicted, labels=labels, average="macro",
                                              zero_division=0)), 4),
            "accuracy": round(float(accuracy_score(gold, predicted)), 4),
            "escalated_by_risk_layer": escalated,
            "f1_per_intent": {label: round(float(score), 3) for label, score in zip(labels, per_intent)},
            "top_confusions": [{"gold": g, "predicted": p, "count": c} for (g, p), c in errors.most_common(5)],
        }
    return report


def print_report(report: Dict) -> None:
    print(f"\nIntent classification on held-out examples (model {report['model']})\n")
    print(f"{'language':<10}{'examples':>10}{'macro-F1':>10}{'accuracy':>10}{'escalated':>11}")
    for language, figures in report["languages"].items():
        print(f"{language:<10}{figures['examples']:>10}{figures['macro_f1']:>10.3f}{figures['accuracy']:>10.3f}"
              f"{figures['escalated_by_risk_layer']:>11}")
    weakest: Dict[str, List[str]] = defaultdict(list)
    for language, figures in report["languages"].items():
        for intent, score in sorted(figures["f1_per_intent"].items(), key=lambda kv: kv[1])[:3]:
            weakest[language].append(f"{intent} {score:.2f}")
        confusions = ", ".join(f"{c['gold']}→{c['predicted']} ×{c['count']}" for c in figures["top_confusions"])
        print(f"\n{language}: weakest intents: {'; '.join(weakest[language])}")
        if confusions:
            print(f"{language}: most frequent confusions: {confusions}")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-f1", type=float, default=None, help="exit 1 if a language's macro-F1 is lower")
    args = parser.parse_args(argv)
    model = newest_model()
    if model is None:
        print("No trained model in models/: run `make train` first.", file=sys.stderr)
        return 2
    report = asyncio.run(evaluate(model))
    print_report(report)
    out = PROJECT_ROOT / "reports" / "nlu_eval.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\nFull figures: {out.relative_to(PROJECT_ROOT)}")
    if args.min_f1 is not None:
        failing = [lang for lang, f in report["languages"].items() if f["macro_f1"] < args.min_f1]
        if failing:
            print(f"FAIL: macro-F1 below {args.min_f1} for {', '.join(failing)}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
