"""Evaluate risk assessment on the labelled dev set, through the trained model (Agent.parse_message).

    python -m bot.safety.evaluate [--min-recall 0.95] [--max-fpr 0.05] [--show-misses]
                                  [--blind-sets data/safety/evaluation/blind_set_*.yml]

Reports, overall, per variety and per category:
  recall high+     true high/imminent messages assessed high or imminent
  recall imminent  true imminent messages assessed imminent
  FPR none         true none messages assessed high or imminent
plus the 5x5 confusion table (true level x assessed level) and latency:
  - the RiskAssessor component's own processing: its process() called on messages already carrying what the
    earlier pipeline components produced (text, normalized_text, language_detection, intent, ranking), one
    message per call, timed with time.perf_counter;
  - the whole NLU parse (Agent.parse_message), for context.
Writes reports/safety_eval.json. Exits 1 when a floor (--min-recall on recall high+, --max-fpr on FPR none)
is not met. --blind-sets then reports each blind set on its own with the same loaded model (figures only, no
floors; reports/safety_<name>.json) and ends with a one-line-per-set summary.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import yaml

from bot.settings import PROJECT_ROOT
from bot.safety.agent_runner import agent_or_exit, parse_all, quiet_tensorflow, risk_of
from bot.safety.levels import HIGH, IMMINENT, LEVELS, NONE, at_least

EVALUATION_DIR = PROJECT_ROOT / "data" / "safety" / "evaluation"
# Every dev_set*.yml file is a development set: CI's floors apply to all of them together.
DEV_SETS = tuple(sorted(EVALUATION_DIR.glob("dev_set*.yml")))
REPORT = Path("reports/safety_eval.json")


def load_dev_set(path: Path) -> List[Dict[str, Any]]:
    """The labelled messages (text, level, categories, variety)."""
    with open(path, encoding="utf-8") as handle:
        content = yaml.safe_load(handle) or {}
    messages = content.get("messages") if isinstance(content, dict) else content
    return [m for m in messages or [] if isinstance(m, dict) and m.get("text")]


def _ratio(hits: int, total: int) -> Optional[float]:
    return round(hits / total, 4) if total else None


def metrics(rows: List[Dict[str, Any]]) -> Dict[str, Any]:
    """recall high+, recall imminent and FPR none for labelled rows with an `assessed` level."""
    positives = [r for r in rows if r["level"] in (HIGH, IMMINENT)]
    imminent = [r for r in rows if r["level"] == IMMINENT]
    negatives = [r for r in rows if r["level"] == NONE]
    return {
        "n": len(rows),
        "recall_high_plus": _ratio(sum(at_least(r["assessed"], HIGH) for r in positives), len(positives)),
        "n_high_plus": len(positives),
        "recall_imminent": _ratio(sum(r["assessed"] == IMMINENT for r in imminent), len(imminent)),
        "n_imminent": len(imminent),
        "fpr_none": _ratio(sum(at_least(r["assessed"], HIGH) for r in negatives), len(negatives)),
        "n_none": len(negatives),
    }


def confusion(rows: List[Dict[str, Any]]) -> Dict[str, Dict[str, int]]:
    counts = Counter((r["level"], r["assessed"]) for r in rows)
    return {true: {assessed: counts[(true, assessed)] for assessed in LEVELS} for true in LEVELS}


def percentile(values: List[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, int(round(q * (len(ordered) - 1)))))
    return ordered[index]


def find_risk_component(agent):
    """The RiskAssessor instance inside a loaded Agent's graph (None if it cannot be found)."""
    from bot.nlu.risk_assessor import RiskAssessor

    runner = getattr(agent.processor, "graph_runner", None)
    nodes = getattr(runner, "_instantiated_nodes", {}) or {}
    for node in nodes.values():
        component = getattr(node, "_component", None)
        if isinstance(component, RiskAssessor):
            return component
    return None


def component_latency_ms(component, texts: List[str], parsed: List[Dict[str, Any]]) -> List[float]:
    """Time the component's process() on one prepared message at a time, in milliseconds."""
    from rasa.shared.nlu.training_data.message import Message

    timings = []
    for text, result in zip(texts, parsed):
        data = {"text": text, "normalized_text": result.get("normalized_text"),
                "language_detection": result.get("language_detection"),
                "intent": {"name": (result.get("risk") or {}).get("original_intent"), "confidence": 0.5},
                "intent_ranking": result.get("intent_ranking") or []}
        message = Message(data=data)
        start = time.perf_counter()
        component.process([message])
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def _shown(path: Path) -> str:
    path = Path(path).resolve()
    return str(path.relative_to(PROJECT_ROOT)) if PROJECT_ROOT in path.parents else str(path)


def _format_ratio(value: Optional[float]) -> str:
    return "  -  " if value is None else f"{value:.3f}"


def print_report(report: Dict[str, Any]) -> None:
    overall = report["overall"]
    print(f"\nRisk assessment on {report['dev_set']} "
          f"({overall['n']} messages; through the trained model, Agent.parse_message)\n")
    header = f"{'':22s} {'n':>5s} {'recall high+':>13s} {'recall imminent':>16s} {'FPR none':>9s}"
    for title, table in (("overall", {"all": overall}), ("per variety", report["per_variety"]),
                         ("per category (messages carrying it)", report["per_category"])):
        print(title)
        print(header)
        for name, m in table.items():
            print(f"{name:22s} {m['n']:5d} {_format_ratio(m['recall_high_plus']):>13s} "
                  f"{_format_ratio(m['recall_imminent']):>16s} {_format_ratio(m['fpr_none']):>9s}")
        print()
    print("confusion (rows: true level, columns: assessed level)")
    print(f"{'':10s}" + "".join(f"{level:>10s}" for level in LEVELS))
    for true, row in report["confusion"].items():
        print(f"{true:10s}" + "".join(f"{row[level]:10d}" for level in LEVELS))
    latency = report["latency_ms"]
    print(f"\nlatency of the RiskAssessor component's process(), one message per call: "
          f"p50 {latency['component_p50']:.2f} ms, p95 {latency['component_p95']:.2f} ms")
    print(f"latency of the whole NLU parse (Agent.parse_message): "
          f"p50 {latency['parse_p50']:.1f} ms, p95 {latency['parse_p95']:.1f} ms")


def evaluate(dev_sets: Sequence[Path], show_misses: bool = False, agent=None) -> Dict[str, Any]:
    messages = [message for path in dev_sets for message in load_dev_set(path)]
    texts = [str(m["text"]) for m in messages]
    agent = agent or agent_or_exit()
    parsed = asyncio.run(parse_all(agent, texts))

    # Whole-parse latency on a sample, one message at a time.
    sample = texts[:: max(1, len(texts) // 150)]
    parse_timings = []
    for text in sample:
        start = time.perf_counter()
        asyncio.run(agent.parse_message(text))
        parse_timings.append((time.perf_counter() - start) * 1000)
    component = find_risk_component(agent)
    component_timings = component_latency_ms(component, texts, parsed) if component is not None else []

    rows = []
    for message, result in zip(messages, parsed):
        risk = risk_of(result)
        rows.append({"text": message["text"], "level": message.get("level"), "assessed": risk.get("level"),
                     "variety": message.get("variety"), "categories": message.get("categories") or [],
                     "assessed_categories": risk.get("categories"),
                     "evidence": [f"{e.get('detector')}:{e.get('category')}:{e.get('level')}"
                                  for e in risk.get("evidence") or []]})
    by_variety = defaultdict(list)
    by_category = defaultdict(list)
    for row in rows:
        by_variety[row["variety"] or "?"].append(row)
        for category in row["categories"]:
            by_category[category].append(row)
    misses = [r for r in rows if r["level"] in (HIGH, IMMINENT) and not at_least(r["assessed"], HIGH)]
    false_alarms = [r for r in rows if r["level"] == NONE and at_least(r["assessed"], HIGH)]
    report = {
        "dev_set": ", ".join(_shown(path) for path in dev_sets),
        "overall": metrics(rows),
        "per_variety": {name: metrics(group) for name, group in sorted(by_variety.items())},
        "per_category": {name: metrics(group) for name, group in sorted(by_category.items())},
        "confusion": confusion(rows),
        "latency_ms": {
            "what": "component_*: RiskAssessor.process() on one pre-processed message per call; "
                    "parse_*: Agent.parse_message (whole NLU pipeline)",
            "component_p50": round(statistics.median(component_timings), 3) if component_timings else -1.0,
            "component_p95": round(percentile(component_timings, 0.95), 3) if component_timings else -1.0,
            "parse_p50": round(statistics.median(parse_timings), 2) if parse_timings else -1.0,
            "parse_p95": round(percentile(parse_timings, 0.95), 2) if parse_timings else -1.0,
        },
        "missed_high_plus": misses,
        "false_alarms_on_none": false_alarms,
    }
    if show_misses:
        for title, items in (("missed (true high+, assessed below high)", misses),
                             ("false alarms (true none, assessed high+)", false_alarms)):
            print(f"\n{title}: {len(items)}")
            for row in items:
                print(f"  [{row['variety']}] {row['level']}->{row['assessed']} {row['text']}")
    return report


def _write(report: Dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\nwrote {path}")


def print_summary(summary: Sequence) -> None:
    """One line per evaluated set: the figures the README and closing notes quote."""
    print(f"\n\nSummary{'':16s} {'n':>5s} {'recall high+':>13s} {'recall imminent':>16s} {'FPR none':>9s} "
          f"{'p95 ms':>7s}")
    for name, report in summary:
        overall = report["overall"]
        print(f"{name:23s} {overall['n']:5d} {_format_ratio(overall['recall_high_plus']):>13s} "
              f"{_format_ratio(overall['recall_imminent']):>16s} {_format_ratio(overall['fpr_none']):>9s} "
              f"{report['latency_ms']['component_p95']:7.2f}")


def main(argv: Optional[List[str]] = None) -> int:
    quiet_tensorflow()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev-set", type=Path, nargs="+", default=list(DEV_SETS),
                        help="labelled YAML files, evaluated together (default: every dev_set*.yml)")
    parser.add_argument("--min-recall", type=float, default=None, help="floor on overall recall high+")
    parser.add_argument("--max-fpr", type=float, default=None, help="ceiling on overall FPR on none")
    parser.add_argument("--show-misses", action="store_true", help="print missed and falsely alarmed messages")
    parser.add_argument("--report", type=Path, default=REPORT)
    parser.add_argument("--blind-sets", type=Path, nargs="*", default=[],
                        help="after the dev sets, report each of these on its own (no floors)")
    args = parser.parse_args(argv)

    agent = agent_or_exit()  # loaded once for every set
    report = evaluate(args.dev_set, args.show_misses, agent)
    print_report(report)
    _write(report, args.report)
    summary = [("development sets", report)]
    for blind in args.blind_sets:
        print(f"\n\nBlind set {_shown(blind)} (figures only, no floors; its header says when it was measured "
              f"blind and whether it still is)")
        blind_report = evaluate([blind], args.show_misses, agent)
        print_report(blind_report)
        _write(blind_report, args.report.parent / f"safety_{Path(blind).stem}.json")
        summary.append((Path(blind).stem, blind_report))
    if len(summary) > 1:
        print_summary(summary)

    failures = []
    overall = report["overall"]
    if args.min_recall is not None and (overall["recall_high_plus"] or 0.0) < args.min_recall:
        failures.append(f"recall high+ {overall['recall_high_plus']} < {args.min_recall}")
    if args.max_fpr is not None and (overall["fpr_none"] or 0.0) > args.max_fpr:
        failures.append(f"FPR none {overall['fpr_none']} > {args.max_fpr}")
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
