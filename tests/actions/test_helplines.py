"""action_set_helplines: the numbers responses show come from the directory, for the child's country."""
from __future__ import annotations

from actions.helplines import NO_EMERGENCY_NUMBER, NO_NUMBERS, ActionSetHelplines, helpline_slots
from bot.helplines import format_numbers, load_directory
from tests.actions.conftest import make_tracker, slot_values


def test_numbers_for_a_known_country_come_from_the_directory():
    slots = helpline_slots("AE")
    assert slots["helplines_en"] == format_numbers("AE", "en")
    assert slots["helplines_ar"] == format_numbers("AE", "ar")
    assert slots["emergency_en"] == "Police 999"
    assert slots["emergency_number"] == "999"


def test_unknown_or_skipped_country_gets_the_default_countrys_numbers():
    default = load_directory().default_code
    for code in (None, "unknown", "ZZ"):
        assert helpline_slots(code) == helpline_slots(default)
    assert "919" in helpline_slots(None)["helplines_en"]


def test_a_country_without_an_emergency_number_gets_its_child_protection_line_for_danger():
    bahrain = load_directory().lookup("BH")
    assert not bahrain.emergency
    assert helpline_slots("BH")["emergency_number"] == bahrain.child_helplines[0].number


def test_a_country_without_any_verified_number_is_sent_to_a_person_not_a_made_up_number():
    yemen = load_directory().lookup("YE")
    assert not yemen.has_numbers
    slots = helpline_slots("YE")
    assert slots["helplines_en"] == NO_NUMBERS["en"] and slots["helplines_ar"] == NO_NUMBERS["ar"]
    assert slots["emergency_en"] == NO_EMERGENCY_NUMBER["en"]
    assert slots["emergency_number"] is None


def test_every_number_shown_is_in_the_directory():
    directory = load_directory()
    for code in directory.countries:
        number = helpline_slots(code)["emergency_number"]
        if number is not None:
            assert number in {entry.number for entry in directory.lookup(code).entries}


async def test_a_country_named_in_this_message_wins_over_the_slot(dispatcher):
    tracker = make_tracker({"country": "QA"}, "inform_country", entities=[{"entity": "country", "value": "SA"}])
    slots = slot_values(await ActionSetHelplines().run(dispatcher, tracker, {}))
    assert "116111" in slots["helplines_en"] and slots["emergency_number"] == "911"


async def test_nothing_is_set_when_the_numbers_are_already_right(dispatcher):
    tracker = make_tracker({"country": "KW", **helpline_slots("KW")}, "greet")
    assert await ActionSetHelplines().run(dispatcher, tracker, {}) == []
