"""The risk classifier: probabilities, the fast path, persistence, thresholds."""
from __future__ import annotations

import pytest

from bot.safety.classifier import RiskClassifier, level_for_intent


def test_intents_map_to_levels():
    assert level_for_intent("risk_imminent") == "imminent"
    assert level_for_intent("risk_high") == "high"
    assert level_for_intent("risk_medium") == "medium"
    assert level_for_intent("feeling_sad") == "low"
    assert level_for_intent("bullying") == "low"
    assert level_for_intent("family_problems") == "low"
    assert level_for_intent("school_problems") == "none"
    assert level_for_intent("greet") == "none"


def test_probabilities_cover_every_level_and_sum_to_one(trained_classifier):
    probabilities = trained_classifier.probabilities("hello")
    assert set(probabilities) == {"none", "low", "medium", "high", "imminent"}
    assert sum(probabilities.values()) == pytest.approx(1.0)


def test_the_fast_path_equals_the_sklearn_pipeline(trained_classifier):
    for text in ("hi", "بدي اهرب من البيت", "ana za3lane", "i took all the pills"):
        fast = [trained_classifier.probabilities(text)[c] for c in trained_classifier.classes]
        slow = list(trained_classifier.pipeline.predict_proba([text])[0])
        assert fast == pytest.approx(slow, abs=1e-9)


def test_a_saved_classifier_loads_with_the_same_answers(trained_classifier, tmp_path):
    trained_classifier.save(tmp_path)
    loaded = RiskClassifier.load(tmp_path)
    assert loaded.assess("i want to disappear") == trained_classifier.assess("i want to disappear")


def test_greetings_are_not_risk(trained_classifier):
    for text in ("hello", "مرحبا كيفك", "salam 3alaykom", "thank you so much"):
        assert trained_classifier.assess(text)[0] in ("none", "low"), text
