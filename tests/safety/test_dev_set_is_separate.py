"""The dev set measures generalisation: none of its texts may appear in the training data or the lexicon."""
from __future__ import annotations

import pytest
import yaml

from bot.nlu.arabic_normalizer import normalize_text
from bot.safety.training_data import examples_from_nlu_files

from tests.safety.conftest import NLU_DIR, SAFETY_DIR

DEV_SET = SAFETY_DIR / "evaluation" / "dev_set.yml"


def _key(text: str) -> str:
    return " ".join(normalize_text(str(text)).strip(" .!?,؟").split())


def _lexicon_examples(lexicon_data):
    for entry in lexicon_data["entries"]:
        yield from entry.get("examples") or []
    modifiers = lexicon_data.get("modifiers") or {}
    for key in ("idioms", "negations"):
        for item in modifiers.get(key) or []:
            if isinstance(item, dict):
                yield from item.get("examples") or []


@pytest.mark.skipif(not DEV_SET.exists(), reason="no dev set")
def test_dev_set_texts_are_not_in_the_training_data_or_the_lexicon(lexicon_data):
    dev = {_key(m["text"]) for m in yaml.safe_load(DEV_SET.read_text(encoding="utf-8"))["messages"]}
    training = {_key(text) for text, _ in examples_from_nlu_files(NLU_DIR)}
    lexicon = {_key(text) for text in _lexicon_examples(lexicon_data)}
    assert sorted(dev & training) == []
    assert sorted(dev & lexicon) == []
