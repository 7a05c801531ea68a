"""action_next_profile_question: age, then country, asked once, after helping; "no" means prefer not to say."""
from __future__ import annotations

from actions.profile import ActionNextProfileQuestion, next_question
from tests.actions.conftest import make_tracker, slot_values


async def ask(dispatcher, slots, intent):
    return slot_values(await ActionNextProfileQuestion().run(dispatcher, make_tracker(slots, intent), {}))


async def test_the_first_topic_message_leads_to_the_age_question(dispatcher):
    slots = await ask(dispatcher, {}, "feeling_sad")
    assert slots == {"profile_asked": ["age_group"], "profile_question": "age_group"}
    assert dispatcher.messages == []


async def test_a_later_topic_message_does_not_ask_again_even_if_the_child_did_not_answer(dispatcher):
    slots = await ask(dispatcher, {"profile_asked": ["age_group"], "profile_question": "age_group"}, "bullying")
    assert slots == {"profile_question": "nothing"}


async def test_after_the_age_comes_the_country_question(dispatcher):
    slots = await ask(dispatcher, {"age_group": "10_13", "profile_asked": ["age_group"],
                                   "profile_question": "age_group"}, "inform_age")
    assert slots["profile_question"] == "country"
    assert slots["profile_asked"] == ["age_group", "country"]


async def test_no_to_the_age_question_means_prefer_not_to_say_and_moves_on(dispatcher):
    slots = await ask(dispatcher, {"profile_asked": ["age_group"], "profile_question": "age_group"}, "deny")
    assert slots["age_group"] == "unknown"
    assert slots["profile_question"] == "country"


async def test_the_last_answer_is_thanked(dispatcher):
    slots = await ask(dispatcher, {"age_group": "14_17", "country": "QA", "profile_asked": ["age_group", "country"],
                                   "profile_question": "country"}, "inform_country")
    assert slots == {"profile_question": "thanks"}


async def test_a_child_who_already_said_their_age_is_only_asked_the_country(dispatcher):
    slots = await ask(dispatcher, {"age_group": "under_10"}, "family_problems")
    assert slots["profile_question"] == "country"


async def test_nothing_is_asked_when_everything_is_known(dispatcher):
    slots = await ask(dispatcher, {"age_group": "18_plus", "country": "EG"}, "school_problems")
    assert slots == {"profile_question": "nothing"}


def test_a_no_out_of_context_never_overwrites_a_known_value():
    decision = next_question("deny", {"age_group": "10_13", "country": None}, ["age_group"], "age_group")
    assert "age_group" not in decision["set"]
