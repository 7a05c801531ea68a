"""Fixtures for the safety tests: the real lexicon and a classifier trained on the real NLU data (no Rasa)."""
from __future__ import annotations

import pytest

from bot.safety.assessment import Assessor
from bot.safety.classifier import RiskClassifier
from bot.safety.lexicon import read_lexicon_data
from bot.safety.training_data import examples_from_nlu_files, level_examples
from bot.settings import PROJECT_ROOT

SAFETY_DIR = PROJECT_ROOT / "data" / "safety"
NLU_DIR = PROJECT_ROOT / "data" / "nlu"


class NoRiskClassifier:
    """A classifier stub that never sees risk: isolates what the lexicon and modifiers decide."""

    def assess(self, normalized_text: str):
        return "none", 0.0, {"none": 1.0, "low": 0.0, "medium": 0.0, "high": 0.0, "imminent": 0.0}


class HighClassifier:
    """A classifier stub that rates every message high, as the learned detector does for unlisted phrasings."""

    def assess(self, normalized_text: str):
        return "high", 0.9, {"none": 0.05, "low": 0.0, "medium": 0.05, "high": 0.9, "imminent": 0.0}


@pytest.fixture(scope="session")
def lexicon_data() -> dict:
    return read_lexicon_data(SAFETY_DIR)


@pytest.fixture(scope="session")
def lexicon_only(lexicon_data) -> Assessor:
    """The assessor with the real lexicon and modifiers and a classifier that never fires."""
    return Assessor.from_lexicon_data(lexicon_data, NoRiskClassifier())


@pytest.fixture(scope="session")
def trained_classifier(lexicon_data) -> RiskClassifier:
    texts, levels = level_examples(examples_from_nlu_files(NLU_DIR), lexicon_data)
    return RiskClassifier.train(texts, levels)


@pytest.fixture(scope="session")
def assessor(lexicon_data, trained_classifier) -> Assessor:
    """Both detectors, as the RiskAssessor component builds them at training time."""
    return Assessor.from_lexicon_data(lexicon_data, trained_classifier)


def level_of(assessor: Assessor, text: str) -> str:
    return assessor.assess(text)["level"]


@pytest.fixture()
def level(lexicon_only):
    """level(text): the lexicon-only level of a text."""
    return lambda text: level_of(lexicon_only, text)

