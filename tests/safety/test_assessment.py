"""The assessment function without Rasa: combining detectors, the fail-safe, privacy of logs, intents."""
from __future__ import annotations

import logging

import pytest

from bot.nlu.risk_assessor import choose_intent
from bot.safety.assessment import Assessor


class ExplodingClassifier:
    def assess(self, normalized_text):
        raise RuntimeError("model file corrupted")


class AlwaysHighClassifier:
    def assess(self, normalized_text):
        return "high", 0.9, {"none": 0.05, "low": 0.05, "medium": 0.0, "high": 0.9, "imminent": 0.0}


def test_a_failing_classifier_gives_high_unknown_from_the_failsafe(lexicon_data):
    assessor = Assessor.from_lexicon_data(lexicon_data, ExplodingClassifier())
    risk = assessor.assess("hello there")
    assert risk["level"] == "high"
    assert risk["categories"] == ["unknown"]
    assert risk["evidence"][0]["detector"] == "failsafe"


def test_the_failsafe_log_never_contains_the_message(lexicon_data, caplog):
    assessor = Assessor.from_lexicon_data(lexicon_data, ExplodingClassifier())
    with caplog.at_level(logging.ERROR):
        assessor.assess("my secret sentence 12345")
    assert caplog.records, "the failure must be logged"
    assert all("my secret sentence" not in record.getMessage() for record in caplog.records)
    assert all("my secret sentence" not in (record.exc_text or "") for record in caplog.records)


def test_a_missing_detector_gives_the_failsafe(lexicon_data):
    assert Assessor(None, None, None).assess("hi")["categories"] == ["unknown"]
    assert Assessor.from_lexicon_data(lexicon_data, None).assess("hi")["level"] == "high"


def test_unreadable_input_gives_the_failsafe(lexicon_only):
    assert lexicon_only.assess(b"\xff\xfe")["level"] == "high"


@pytest.mark.parametrize("text", ["", "   ", None])
def test_an_empty_message_is_none(lexicon_only, text):
    risk = lexicon_only.assess(text)
    assert risk["level"] == "none" and risk["categories"] == []


def test_the_higher_detector_wins_and_evidence_says_who_saw_what(lexicon_data):
    assessor = Assessor.from_lexicon_data(lexicon_data, AlwaysHighClassifier())
    risk = assessor.assess("i'm a bit sad today")
    assert risk["level"] == "high"
    detectors = {item["detector"] for item in risk["evidence"]}
    assert detectors == {"lexicon", "classifier"}


def test_evidence_quotes_the_childs_own_words(lexicon_only):
    risk = lexicon_only.assess("Honestly I want to DIE.")
    item = risk["evidence"][0]
    assert item["detector"] == "lexicon" and item["category"] == "suicide" and item["level"] == "high"
    assert item["matched"] == "I want to DIE."
    assert item["pattern"]


def test_the_result_carries_language_and_original_intent(lexicon_only):
    risk = lexicon_only.assess("بدي موت", language="ar", intent={"name": "feeling_sad", "confidence": 0.8})
    assert risk["language"] == "ar" and risk["original_intent"] == "feeling_sad"
    assert risk["categories"] == ["suicide"]


def test_the_classifier_does_not_read_idioms(lexicon_data):
    seen = []

    class RecordingClassifier:
        def assess(self, normalized_text):
            seen.append(normalized_text)
            return "none", 0.0, {"none": 1.0, "low": 0.0, "medium": 0.0, "high": 0.0, "imminent": 0.0}

    Assessor.from_lexicon_data(lexicon_data, RecordingClassifier()).assess("موتتني من الضحك")
    assert seen == []  # nothing left once the idiom is set aside


def _fixed_classifier(level, medium, high):
    class FixedClassifier:
        def assess(self, normalized_text):
            rest = 1.0 - medium - high
            return level, medium + high, {"none": rest / 2, "low": rest / 2, "medium": medium, "high": high,
                                          "imminent": 0.0}
    return FixedClassifier()


def test_diet_counts_only_when_confident_and_corroborated(lexicon_data):
    leaning = Assessor.from_lexicon_data(lexicon_data, _fixed_classifier("medium", 0.45, 0.1))   # P(medium+) 0.55
    confident = leaning.assess("something vague", intent={"name": "risk_imminent", "confidence": 0.97})
    unsure = leaning.assess("something vague", intent={"name": "risk_imminent", "confidence": 0.6})
    assert confident["level"] == "high"  # DIET is capped at high: it is not calibrated
    assert unsure["level"] == "medium"


def test_diet_needs_the_classifier_to_lean_towards_risk(lexicon_data):
    # A confident DIET intent with a classifier that gives medium or above only 0.3 does not count.
    doubtful = Assessor.from_lexicon_data(lexicon_data, _fixed_classifier("low", 0.2, 0.1))
    result = doubtful.assess("something vague", intent={"name": "risk_high", "confidence": 0.98})
    assert result["level"] == "low"
    assert not any(item["detector"] == "diet" for item in result["evidence"])


def test_a_trained_classifier_catches_risk_the_lexicon_has_no_words_for(assessor):
    risk = assessor.assess("i have been giving away all my things and saying goodbye to everyone")
    assert risk["level"] in ("medium", "high", "imminent")


def test_imminent_risk_jumps_the_queue_by_intent():
    assert choose_intent({"name": "greet", "confidence": 0.9}, [], "imminent", 0.45) == {
        "name": "risk_imminent", "confidence": 1.0}
    assert choose_intent({"name": "greet"}, [], "medium", 0.45)["name"] == "risk_medium"


def test_a_risk_intent_without_risk_falls_back_to_the_best_topic():
    ranking = [{"name": "risk_high", "confidence": 0.5}, {"name": "school_problems", "confidence": 0.4},
               {"name": "greet", "confidence": 0.1}]
    assert choose_intent({"name": "risk_high", "confidence": 0.5}, ranking, "none", 0.3)["name"] == "school_problems"
    assert choose_intent({"name": "risk_high", "confidence": 0.5}, ranking, "low", 0.45)["name"] == "nlu_fallback"


def test_a_topic_intent_is_left_alone_when_there_is_no_risk():
    assert choose_intent({"name": "greet", "confidence": 0.9}, [], "none", 0.45) is None
