"""Intent classification quality per language on held-out examples (`make eval-nlu`).

The held-out files tests/nlu/heldout_{ar,arabizi,en}[_b].yml are never used for training. Each message goes
through the trained model exactly as a child's message would (Agent.parse_message).

Headline figure: macro-F1 of the conversation intent the assistant acts on when the risk layer does not
escalate, i.e. the classifier's best intent other than the risk_* intents and nlu_fallback (the risk
assessor makes the same choice for none/low messages). Risk intents are judged by `make eval-safety`.
Also printed: macro-F1 counting the low-confidence fallback as an error, the fallback rate, and how many
held-out (non-risk) messages the risk layer escalated. Writes reports/nlu_eval.json.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Dict, List, Optional, Tuple

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from bot.settings import PROJECT_ROOT  # noqa: E402
from bot.training import newest_model  # noqa: E402

HELDOUT_DIR = PROJECT_ROOT / "tests" / "nlu"
LANGUAGES = ("ar", "arabizi", "en")


def heldout_files(language: str) -> List[Path]:
    """heldout_<language>.yml and any further held-out set for it (heldout_<language>_b.yml, ...)."""
    return sorted(HELDOUT_DIR.glob(f"heldout_{language}.yml")) + sorted(HELDOUT_DIR.glob(f"heldout_{language}_*.yml"))


def load_heldout(language: str) -> List[Tuple[str, str]]:
    from rasa.shared.nlu.training_data.loading import load_data

    examples: List[Tuple[str, str]] = []
    for path in heldout_files(language):
        examples += [(m.get("text"), m.get("intent")) for m in load_data(str(path)).intent_examples]
    return examples


def conversation_intent(parse: Dict) -> str:
    """The best-ranked intent that is neither a risk intent nor the fallback."""
    for candidate in parse.get("intent_ranking") or []:
        name = candidate.get("name", "")
        if not name.startswith("risk_") and name != "nlu_fallback":
            return name
    return "none"


def final_intent(parse: Dict) -> str:
    """The intent after the fallback threshold (nlu_fallback when unsure), ignoring a risk escalation."""
    risk = parse.get("risk") or {}
    name = (parse.get("intent") or {}).get("name") or "none"
    if name.startswith("risk_"):
        return conversation_intent(parse)
    return risk.get("original_intent") or name


async def evaluate(model: Path) -> Dict:
    from rasa.core.agent import Agent
    from sklearn.metrics import accuracy_score, f1_score

    agent = Agent.load(str(model))
    report: Dict = {"model": model.name, "languages": {}}
    for language in LANGUAGES:
        examples = load_heldout(language)
        gold, predicted, with_fallback, escalated = [], [], [], 0
        for text, intent in examples:
            parse = await agent.parse_message(text)
            gold.append(intent)
            predicted.append(conversation_intent(parse))
            with_fallback.append(final_intent(parse))
            escalated += (parse.get("intent") or {}).get("name", "").startswith("risk_")
        labels = sorted(set(gold))
        per_intent = f1_score(gold, predicted, labels=labels, average=None, zero_division=0)
        errors = Counter((g, p) for g, p in zip(gold, predicted) if g != p)
        report["languages"][language] = {
            "examples": len(gold),
            "macro_f1": round(float(f1_score(gold, predicted, labels=labels, average="macro",
                                              zero_division=0)), 4),
            "accuracy": round(float(accuracy_score(gold, predicted)), 4),
            "macro_f1_fallback_as_error": round(float(f1_score(gold, with_fallback, labels=labels,
                                                                 average="macro", zero_division=0)), 4),
            "fallback_rate": round(with_fallback.count("nlu_fallback") / max(len(gold), 1), 4),
            "escalated_by_risk_layer": escalated,
            "f1_per_intent": {label: round(float(score), 3) for label, score in zip(labels, per_intent)},
            "top_confusions": [{"gold": g, "predicted": p, "count": c} for (g, p), c in errors.most_common(5)],
        }
    return report


def print_report(report: Dict) -> None:
    print(f"\nIntent classification on held-out examples (model {report['model']})\n")
    print(f"{'language':<10}{'examples':>10}{'macro-F1':>10}{'accuracy':>10}{'F1 w/ fallback':>16}"
          f"{'fallback':>10}{'escalated':>11}")
    for language, figures in report["languages"].items():
        print(f"{language:<10}{figures['examples']:>10}{figures['macro_f1']:>10.3f}{figures['accuracy']:>10.3f}"
              f"{figures['macro_f1_fallback_as_error']:>16.3f}{figures['fallback_rate']:>10.1%}"
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
    # Rasa's debug logs (stdlib and structlog) would print every held-out text.
    logging.disable(logging.WARNING)
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
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
