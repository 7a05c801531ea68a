"""The evaluation sets measure generalisation: none of their texts may appear in training data or the lexicon."""
from __future__ import annotations

import re

import pytest
import yaml

from bot.nlu.arabic_normalizer import normalize_text
from bot.safety.training_data import classifier_level_examples, examples_from_nlu_files

from tests.safety.conftest import NLU_DIR, SAFETY_DIR
from tests.separation import comparison_key

# Every labelled set: the development sets (dev_set*.yml), the blind sets (blind_set*.yml) and the sealed sets
# not yet measured (sealed/*.yml): training data must not copy those either.
EVALUATION_SETS = sorted((SAFETY_DIR / "evaluation").rglob("*.yml"))


def _classifier_examples(lexicon_data):
    """Every text the classifier learns from beyond the NLU data (classifier files, idioms, negations)."""
    return [text for text, _ in classifier_level_examples(lexicon_data)]


def _lexicon_examples(lexicon_data):
    for entry in lexicon_data["entries"]:
        yield from entry.get("examples") or []
    modifiers = lexicon_data.get("modifiers") or {}
    for key in ("idioms", "negations"):
        for item in modifiers.get(key) or []:
            if isinstance(item, dict):
                yield from item.get("examples") or []


@pytest.mark.parametrize("evaluation_set", EVALUATION_SETS, ids=lambda path: path.name)
def test_evaluation_texts_are_not_in_the_training_data_or_the_lexicon(lexicon_data, evaluation_set):
    # One- and two-word messages ("hi", "thank you") cannot be unique; everything longer must be.
    dev = {key for key in (comparison_key(m["text"]) for m in yaml.safe_load(evaluation_set.read_text(encoding="utf-8"))["messages"])
           if len(key.split()) >= 3}
    training = {comparison_key(text) for text, _ in examples_from_nlu_files(NLU_DIR)}
    training |= {comparison_key(text) for text in _classifier_examples(lexicon_data)}
    lexicon = {comparison_key(text) for text in _lexicon_examples(lexicon_data)}
    assert sorted(dev & training) == []
    assert sorted(dev & lexicon) == []


def _words(text: str) -> set:
    return set(re.findall(r"\w+", normalize_text(str(text))))


@pytest.mark.parametrize("evaluation_set", EVALUATION_SETS, ids=lambda path: path.name)
def test_no_training_or_lexicon_example_is_a_near_copy_of_an_evaluation_message(lexicon_data, evaluation_set):
    dev = [_words(m["text"]) for m in yaml.safe_load(evaluation_set.read_text(encoding="utf-8"))["messages"]]
    ours = list(_lexicon_examples(lexicon_data))
    ours += _classifier_examples(lexicon_data)
    ours += [text for text, intent in examples_from_nlu_files(NLU_DIR) if intent.startswith("risk_")]
    near = []
    for text in ours:
        words = _words(text)
        if len(words) < 4:
            continue
        for other in dev:
            if len(words & other) / len(words | other) >= 0.8:
                near.append(text)
    assert near == []
