"""action_session_start: what a new session keeps, the numbers, and a child waiting for a counsellor."""
from __future__ import annotations

from actions.helplines import helpline_slots
from actions.session import ActionSessionStart
from tests.actions.conftest import make_tracker, slot_values


async def no_open_ticket(conversation_id):
    return None


async def open_ticket(conversation_id):
    return "ticket-1"


async def queue_down(conversation_id):
    raise ConnectionError("redis unreachable")


PREVIOUS_SESSION = {"language": "en", "age_group": "10_13", "country": "JO", "risk_level": "high",
                    "medium_risk_count": 2.0, "handoff_status": "queued", "profile_asked": ["age_group"]}


async def start(dispatcher, slots, lookup=no_open_ticket, paused=False):
    return await ActionSessionStart(ticket_lookup=lookup).run(dispatcher, make_tracker(slots, paused=paused), {})


async def test_session_starts_then_listens(dispatcher):
    events = await start(dispatcher, PREVIOUS_SESSION)
    assert events[0]["event"] == "session_started"
    assert events[-1] == {**events[-1], "event": "action", "name": "action_listen"}
    assert dispatcher.messages == []


async def test_language_age_group_and_country_carry_over(dispatcher):
    slots = slot_values(await start(dispatcher, PREVIOUS_SESSION))
    assert (slots["language"], slots["age_group"], slots["country"]) == ("en", "10_13", "JO")


async def test_risk_handoff_and_profile_questions_start_fresh(dispatcher):
    slots = slot_values(await start(dispatcher, PREVIOUS_SESSION))
    for fresh in ("risk_level", "medium_risk_count", "handoff_status", "profile_asked"):
        assert fresh not in slots


async def test_the_numbers_are_filled_for_the_known_country(dispatcher):
    slots = slot_values(await start(dispatcher, PREVIOUS_SESSION))
    assert {k: slots[k] for k in helpline_slots("JO")} == helpline_slots("JO")


async def test_a_first_session_gets_the_default_countrys_numbers(dispatcher):
    slots = slot_values(await start(dispatcher, {}))
    assert slots["helplines_en"] == helpline_slots(None)["helplines_en"]
    assert "country" not in slots


async def test_a_child_waiting_for_a_counsellor_stays_paused_and_keeps_the_risk(dispatcher):
    events = await start(dispatcher, PREVIOUS_SESSION, lookup=open_ticket)
    assert {"event": "pause"}.items() <= next(e for e in events if e["event"] == "pause").items()
    slots = slot_values(events)
    assert (slots["risk_level"], slots["handoff_status"]) == ("high", "queued")


async def test_a_paused_conversation_stays_paused_even_if_the_queue_is_down(dispatcher):
    events = await start(dispatcher, PREVIOUS_SESSION, lookup=queue_down, paused=True)
    assert any(e["event"] == "pause" for e in events)


async def test_a_queue_outage_does_not_stop_a_new_session(dispatcher):
    events = await start(dispatcher, PREVIOUS_SESSION, lookup=queue_down)
    assert not any(e["event"] == "pause" for e in events)
    assert events[-1]["name"] == "action_listen"
