"""The tracker store records what a waiting child writes on their ticket, fast, and never breaks a save."""
from __future__ import annotations

import logging
import time

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, ConversationPaused, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.handoff.tracker_store import HandoffAwareRedisTrackerStore
from tests.handoff.conftest import UNIT_TEST_DB, packet

SECRET_WORDS = "my uncle is at the door again"


@pytest.fixture
def store(redis_server, sync_redis):
    return HandoffAwareRedisTrackerStore(Domain.empty(), host=redis_server.host, port=str(redis_server.port),
                                         db=str(UNIT_TEST_DB), record_exp="0", key_prefix="tracker")


def user(text: str, ts: float, level: str = "none", categories=(), message_id: str | None = None) -> UserUttered:
    return UserUttered(text, {"name": "risk_high" if level in ("high", "imminent") else "greet", "confidence": 1.0},
                       parse_data={"risk": {"level": level, "categories": list(categories), "evidence": [
                           {"detector": "lexicon", "category": (list(categories) or ["unknown"])[0], "level": level,
                            "matched": text.split()[0]}] if level != "none" else []}},
                       timestamp=ts, message_id=message_id or f"id-{ts}")


def tracker_with(*events) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("child-1", list(events))


def handoff_events(trigger_ts: float = 100.0):
    return [user("i want to die", trigger_ts, "high", ["suicide"]), ActionExecuted("action_handoff", timestamp=101),
            BotUttered("A counsellor will be with you soon.", timestamp=102),
            ActionExecuted("action_pause_for_counsellor", timestamp=103), ConversationPaused(timestamp=103)]


async def test_a_waiting_childs_new_message_is_recorded_on_the_ticket(store, queue):
    await queue.open_ticket("a" * 16, packet("child-1", "high", trigger_ts=100.0))
    await store.save(tracker_with(*handoff_events(), user("hello? anyone?", 110.0, "low")))
    messages = await queue.messages("a" * 16)
    assert [m["text"] for m in messages] == ["hello? anyone?"]
    ticket = await queue.ticket("a" * 16)
    assert (ticket["child_message_count"], ticket["risk_level"]) == (1, "high")


async def test_an_imminent_message_while_waiting_moves_the_ticket_to_the_front(store, queue):
    await queue.open_ticket("b" * 16, packet("someone-else", "high", waiting_since_ms=1))
    await queue.open_ticket("a" * 16, packet("child-1", "high", waiting_since_ms=2, trigger_ts=100.0))
    await store.save(tracker_with(*handoff_events(), user("he has a knife", 120.0, "imminent", ["immediate_danger"])))
    waiting = await queue.waiting()
    assert [t["conversation_id"] for t in waiting] == ["child-1", "someone-else"]
    assert waiting[0]["categories"] == ["suicide", "immediate_danger"]
    assert any(e.get("matched") == "he" for e in waiting[0]["evidence"])


async def test_messages_from_before_the_handoff_are_not_recorded_again(store, queue):
    await queue.open_ticket("a" * 16, packet("child-1", "high", trigger_ts=100.0))
    await store.save(tracker_with(user("hi", 90.0), *handoff_events()))
    assert await queue.messages("a" * 16) == []


async def test_saving_the_same_conversation_twice_records_each_message_once(store, queue):
    await queue.open_ticket("a" * 16, packet("child-1", "high", trigger_ts=100.0))
    first = tracker_with(*handoff_events(), user("one", 110.0))
    await store.save(first)
    await store.save(tracker_with(*handoff_events(), user("one", 110.0), user("two", 111.0)))
    assert [m["text"] for m in await queue.messages("a" * 16)] == ["one", "two"]


async def test_a_conversation_without_ticket_is_stored_as_usual(store, queue):
    await store.save(tracker_with(user("hello", 1.0)))
    stored = await store.retrieve("child-1")
    assert stored.latest_message.text == "hello"
    assert await queue.waiting() == []


async def test_a_broken_queue_never_breaks_the_save_nor_logs_the_childs_words(store, queue, caplog):
    await queue.open_ticket("a" * 16, packet("child-1", "high", trigger_ts=100.0))

    def broken(conversation_id, messages):
        raise RuntimeError(f"boom: {messages[0]['text']}")

    store.handoff.record_child_messages = broken
    with caplog.at_level(logging.DEBUG):
        await store.save(tracker_with(*handoff_events(), user(SECRET_WORDS, 130.0, "imminent")))
    assert (await store.retrieve("child-1")).latest_message.text == SECRET_WORDS
    assert "could not record" in caplog.text
    assert SECRET_WORDS not in caplog.text and "child-1" not in caplog.text


async def test_checking_for_a_ticket_costs_well_under_a_millisecond_per_save(store):
    tracker = tracker_with(user("hello", 1.0))
    rounds = 300
    started = time.perf_counter()
    for _ in range(rounds):
        store.record_waiting_child_messages(tracker)
    per_save_ms = (time.perf_counter() - started) * 1000 / rounds
    assert per_save_ms < 2.0, per_save_ms
