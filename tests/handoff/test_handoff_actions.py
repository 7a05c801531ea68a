"""action_handoff and action_pause_for_counsellor, against real Redis."""
from __future__ import annotations

import time

import pytest
import redis.asyncio
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import ActionHandoff, ActionPauseForCounsellor
from bot.handoff.availability import mark_present
from bot.stack import free_port

ALWAYS_OPEN = """
timezone: Asia/Qatar
opening_hours: {monday: ["00:00-24:00"], tuesday: ["00:00-24:00"], wednesday: ["00:00-24:00"],
  thursday: ["00:00-24:00"], friday: ["00:00-24:00"], saturday: ["00:00-24:00"], sunday: ["00:00-24:00"]}
"""
ALWAYS_CLOSED = "timezone: Asia/Qatar\nopening_hours: {}\n"


@pytest.fixture
def settings_file(tmp_path):
    def write(text: str) -> str:
        path = tmp_path / "settings.yml"
        path.write_text(text, encoding="utf-8")
        return str(path)
    return write


def child_tracker(conversation_id: str = "child-7", level: str = "high", language: str = "ar",
                  intent: str = "risk_high", channel: str = "whatsapp") -> Tracker:
    parse_data = {"text": "synthetic", "intent": {"name": intent, "confidence": 1.0},
                  "risk": {"level": level, "categories": ["physical_abuse", "suicide"],
                           "evidence": [{"detector": "lexicon", "category": "suicide", "level": level,
                                         "pattern": "want to die", "matched": "want to die"}]}}
    events = [
        {"event": "action", "name": "action_listen", "timestamp": 1.0},
        {"event": "user", "text": "hi", "timestamp": 2.0, "input_channel": channel,
         "parse_data": {"intent": {"name": "greet"}, "risk": {"level": "none", "categories": [], "evidence": []}}},
        {"event": "bot", "text": "Hello, I am the helpline assistant.", "timestamp": 3.0},
        {"event": "user", "text": "synthetic", "timestamp": 4.0, "input_channel": channel, "parse_data": parse_data},
    ]
    slots = {"language": language, "age_group": "10_13", "country": "AE", "risk_level": level,
             "risk_categories": ["physical_abuse", "suicide"]}
    return Tracker(conversation_id, slots, parse_data, events, False, None, None, "action_listen")


def slots_of(events):
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


async def test_handoff_queues_the_packet_and_says_a_counsellor_is_coming(aredis, queue, settings_file):
    await mark_present(aredis, "mona")
    action = ActionHandoff(redis=aredis, settings_file=settings_file(ALWAYS_OPEN))
    events = await action.run(CollectingDispatcher(), child_tracker(), {})
    slots = slots_of(events)
    assert slots["handoff_status"] == "queued"
    assert slots["queue_position"] == "1"
    ticket = await queue.ticket(slots["handoff_ticket_id"])
    assert ticket["conversation_id"] == "child-7"
    assert (ticket["channel"], ticket["language"], ticket["age_group"], ticket["country"]) == \
        ("whatsapp", "ar", "10_13", "AE")
    assert (ticket["risk_level"], ticket["categories"]) == ("high", ["physical_abuse", "suicide"])
    assert ticket["evidence"][0]["matched"] == "want to die"
    assert [line["who"] for line in ticket["transcript"]] == ["child", "bot", "child"]
    assert ticket["status"] == "waiting" and ticket["waiting_since_ms"] <= time.time() * 1000


async def test_nobody_online_means_no_counsellor_but_the_ticket_stays_queued(aredis, queue, settings_file):
    action = ActionHandoff(redis=aredis, settings_file=settings_file(ALWAYS_OPEN))
    slots = slots_of(await action.run(CollectingDispatcher(), child_tracker(), {}))
    assert slots["handoff_status"] == "no_counsellor"
    assert [t["id"] for t in await queue.waiting()] == [slots["handoff_ticket_id"]]


async def test_a_counsellor_who_left_long_ago_does_not_count_as_online(aredis, settings_file):
    await mark_present(aredis, "mona", at=time.time() - 3600)
    action = ActionHandoff(redis=aredis, settings_file=settings_file(ALWAYS_OPEN))
    assert slots_of(await action.run(CollectingDispatcher(), child_tracker(), {}))["handoff_status"] == \
        "no_counsellor"


async def test_outside_opening_hours_means_no_counsellor_even_with_someone_logged_in(aredis, queue, settings_file):
    await mark_present(aredis, "mona")
    action = ActionHandoff(redis=aredis, settings_file=settings_file(ALWAYS_CLOSED))
    slots = slots_of(await action.run(CollectingDispatcher(), child_tracker(), {}))
    assert slots["handoff_status"] == "no_counsellor"
    assert await queue.queue_length() == 1


async def test_asking_for_a_person_is_queued_with_its_reason(aredis, queue, settings_file):
    action = ActionHandoff(redis=aredis, settings_file=settings_file(ALWAYS_OPEN))
    slots = slots_of(await action.run(CollectingDispatcher(),
                                      child_tracker(level="none", intent="request_human"), {}))
    ticket = await queue.ticket(slots["handoff_ticket_id"])
    assert (ticket["reason"], ticket["risk_level"]) == ("request", "none")


async def test_a_second_handoff_keeps_the_same_ticket(aredis, queue, settings_file):
    action = ActionHandoff(redis=aredis, settings_file=settings_file(ALWAYS_OPEN))
    first = slots_of(await action.run(CollectingDispatcher(), child_tracker(), {}))
    second = slots_of(await action.run(CollectingDispatcher(), child_tracker(level="imminent"), {}))
    assert first["handoff_ticket_id"] == second["handoff_ticket_id"]
    assert (await queue.ticket(first["handoff_ticket_id"]))["risk_level"] == "imminent"


async def test_when_the_queue_is_unreachable_the_child_is_told_nobody_is_available(settings_file):
    dead = redis.asyncio.Redis(host="127.0.0.1", port=free_port(), decode_responses=True,
                               socket_connect_timeout=0.5)
    action = ActionHandoff(redis=dead, settings_file=settings_file(ALWAYS_OPEN))
    slots = slots_of(await action.run(CollectingDispatcher(), child_tracker(), {}))
    assert slots == {"handoff_status": "no_counsellor", "queue_position": None, "handoff_ticket_id": None}
    await dead.close()


async def test_pause_only_when_there_is_a_ticket():
    pause = ActionPauseForCounsellor()
    with_ticket = child_tracker()
    with_ticket.slots["handoff_ticket_id"] = "a" * 16
    assert [e["event"] for e in await pause.run(CollectingDispatcher(), with_ticket, {})] == ["pause"]
    assert await pause.run(CollectingDispatcher(), child_tracker(), {}) == []
