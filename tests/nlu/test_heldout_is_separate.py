"""The held-out NLU sets measure generalisation: none of their messages may be a training example."""
from __future__ import annotations

import pytest

from bot.evaluate_nlu import LANGUAGES, heldout_files, load_heldout
from bot.safety.training_data import examples_from_nlu_files
from bot.settings import PROJECT_ROOT

from tests.separation import comparison_key


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_a_held_out_set(language):
    assert heldout_files(language), f"no tests/nlu/heldout_{language}.yml"


@pytest.mark.parametrize("language", LANGUAGES)
def test_held_out_messages_are_not_training_examples(language):
    training = {comparison_key(text) for text, _ in examples_from_nlu_files(PROJECT_ROOT / "data" / "nlu")}
    # One- and two-word messages ("hi", "thank you") cannot be unique; everything longer must be.
    heldout = {key for key in (comparison_key(text) for text, _ in load_heldout(language)) if len(key.split()) >= 3}
    assert sorted(heldout & training) == []
