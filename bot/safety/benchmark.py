"""Latency of risk assessment (lexicon + modifiers + classifier), without Rasa.

    python -m bot.safety.benchmark [--repeat 5]

Builds the assessor exactly as the RiskAssessor component does at training time (lexicon from data/safety,
classifier trained on data/nlu and data/safety/classifier, category guesser), then times `Assessor.assess()`
on every NLU training example and lexicon
example (short greetings to long disclosures, all scripts), one message per call. The budget is 5 ms p95.
`make eval-safety` also reports the component's latency inside a trained model.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from typing import List

from bot.nlu.arabic_normalizer import normalize_text
from bot.safety.assessment import Assessor, default_lexicon_dir
from bot.safety.classifier import CategoryGuesser, RiskClassifier
from bot.safety.lexicon import read_lexicon_data
from bot.safety.training_data import category_examples, examples_from_nlu_files, level_examples
from bot.settings import PROJECT_ROOT

BUDGET_P95_MS = 5.0


def build_assessor() -> Assessor:
    data = read_lexicon_data(default_lexicon_dir())
    pairs = examples_from_nlu_files(PROJECT_ROOT / "data" / "nlu")
    texts, levels = level_examples(pairs, data)
    return Assessor.from_lexicon_data(data, RiskClassifier.train(texts, levels),
                                      CategoryGuesser.train(*category_examples(data)))


def sample_texts() -> List[str]:
    data = read_lexicon_data(default_lexicon_dir())
    texts = [text for text, _ in examples_from_nlu_files(PROJECT_ROOT / "data" / "nlu")]
    texts += category_examples(data)[0]
    return texts


def time_assessments(assessor: Assessor, texts: List[str], repeat: int) -> List[float]:
    """Milliseconds per assess() call (normalisation included, as in the pipeline it is done earlier)."""
    timings = []
    for _ in range(repeat):
        for text in texts:
            normalized = normalize_text(text)  # done by ArabicNormalizer before the RiskAssessor runs
            start = time.perf_counter()
            assessor.assess(text, normalized)
            timings.append((time.perf_counter() - start) * 1000)
    return timings


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    assessor = build_assessor()
    texts = sample_texts()
    time_assessments(assessor, texts[:50], 1)  # warm up caches
    timings = sorted(time_assessments(assessor, texts, args.repeat))
    p95 = timings[int(0.95 * (len(timings) - 1))]
    print(f"assess() on {len(texts)} messages x {args.repeat}: p50 {statistics.median(timings):.2f} ms, "
          f"p95 {p95:.2f} ms, max {timings[-1]:.2f} ms (budget p95 {BUDGET_P95_MS} ms)")
    return 0 if p95 <= BUDGET_P95_MS else 1


if __name__ == "__main__":
    sys.exit(main())
