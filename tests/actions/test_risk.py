"""action_assess_risk: conversation-level risk that only goes up, and medium messages that add up."""
from __future__ import annotations

from actions.risk import ActionAssessRisk, fold_message, message_level
from tests.actions.conftest import make_tracker, slot_values


async def assess(dispatcher, slots, intent, risk=None):
    events = await ActionAssessRisk().run(dispatcher, make_tracker(slots, intent, risk), {})
    return slot_values(events)


async def test_a_high_message_sets_the_conversation_to_high(dispatcher):
    slots = await assess(dispatcher, {"risk_level": "none"}, "risk_high",
                         {"level": "high", "categories": ["physical_abuse"]})
    assert slots["risk_level"] == "high"
    assert slots["risk_categories"] == ["physical_abuse"]
    assert dispatcher.messages == []  # the rules say the words, not this action


async def test_imminent_is_never_lowered_by_a_later_medium_message(dispatcher):
    slots = await assess(dispatcher, {"risk_level": "imminent", "medium_risk_count": 0}, "risk_medium",
                         {"level": "medium", "categories": ["bullying"]})
    assert slots["risk_level"] == "imminent"


async def test_high_is_never_lowered_by_a_later_medium_message_and_the_medium_is_counted(dispatcher):
    slots = await assess(dispatcher, {"risk_level": "high", "medium_risk_count": 0}, "risk_medium",
                         {"level": "medium"})
    assert slots["risk_level"] == "high"
    assert slots["medium_risk_count"] == 1


async def test_the_first_and_second_medium_messages_stay_medium(dispatcher):
    first = await assess(dispatcher, {"risk_level": "none", "medium_risk_count": 0}, "risk_medium",
                         {"level": "medium"})
    second = await assess(dispatcher, {"risk_level": "medium", "medium_risk_count": first["medium_risk_count"]},
                          "risk_medium", {"level": "medium"})
    assert (first["risk_level"], first["medium_risk_count"]) == ("medium", 1)
    assert (second["risk_level"], second["medium_risk_count"]) == ("medium", 2)


async def test_the_third_medium_message_escalates_to_high(dispatcher):
    slots = await assess(dispatcher, {"risk_level": "medium", "medium_risk_count": 2}, "risk_medium",
                         {"level": "medium", "categories": ["emotional_distress"]})
    assert slots["risk_level"] == "high"
    assert slots["medium_risk_count"] == 3


async def test_categories_accumulate_over_the_conversation(dispatcher):
    slots = await assess(dispatcher, {"risk_level": "medium", "risk_categories": ["bullying"]}, "risk_high",
                         {"level": "high", "categories": ["self_harm", "bullying"]})
    assert slots["risk_categories"] == ["bullying", "self_harm"]


async def test_a_risk_intent_without_an_assessment_still_counts_at_its_own_level(dispatcher):
    slots = await assess(dispatcher, {"risk_level": "none"}, "risk_imminent", risk=None)
    assert slots["risk_level"] == "imminent"


async def test_the_assessment_refreshes_the_numbers_for_the_childs_country(dispatcher):
    slots = await assess(dispatcher, {"risk_level": "none", "country": "AE"}, "risk_high", {"level": "high"})
    assert "800111" in slots["helplines_en"]


def test_the_intent_is_a_floor_under_the_assessed_level():
    assert message_level({"level": "medium"}, "risk_high") == "high"
    assert message_level({"level": "imminent"}, "risk_high") == "imminent"
    assert message_level({"level": "nonsense"}, None) == "none"


def test_folding_a_low_message_never_lowers_the_conversation():
    assert fold_message("high", 0, "low").level == "high"
    assert fold_message(None, None, "low").level == "low"
