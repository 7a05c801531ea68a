"""The handoff queue: order, rising risk, atomic claims (real Redis)."""
from __future__ import annotations

import asyncio

import redis.asyncio

from bot.handoff.queue import HandoffQueue, priority_score
from tests.handoff.conftest import UNIT_TEST_DB, child_message, packet


async def _ids(queue):
    return [ticket["conversation_id"] for ticket in await queue.waiting()]


async def test_imminent_risk_jumps_the_queue(queue):
    await queue.open_ticket("a" * 16, packet("waited-long-high", "high", waiting_since_ms=1_000))
    await queue.open_ticket("b" * 16, packet("just-now-imminent", "imminent", waiting_since_ms=9_000))
    await queue.open_ticket("c" * 16, packet("medium", "medium", waiting_since_ms=500))
    assert await _ids(queue) == ["just-now-imminent", "waited-long-high", "medium"]


async def test_within_a_level_the_longest_wait_comes_first(queue):
    for index, since in enumerate((3_000, 1_000, 2_000)):
        await queue.open_ticket(f"{index:016x}", packet(f"child-{since}", "high", waiting_since_ms=since))
    assert await _ids(queue) == ["child-1000", "child-2000", "child-3000"]


async def test_queue_position_counts_from_one_for_the_child_served_next(queue):
    await queue.open_ticket("a" * 16, packet("first", "imminent", waiting_since_ms=1_000))
    await queue.open_ticket("b" * 16, packet("second", "high", waiting_since_ms=1_000))
    assert await queue.position("a" * 16) == 1
    assert await queue.position("b" * 16) == 2
    await queue.claim("a" * 16, "mona")
    assert await queue.position("a" * 16) is None
    assert await queue.position("b" * 16) == 1


async def test_rising_risk_moves_a_waiting_ticket_up(queue):
    await queue.open_ticket("a" * 16, packet("older", "high", waiting_since_ms=1_000))
    await queue.open_ticket("b" * 16, packet("rising", "high", waiting_since_ms=2_000, trigger_ts=100.0))
    result = await queue.record_child_messages("rising", [child_message("m1", "imminent", 101.0,
                                                                        ["immediate_danger"])])
    assert result == ("b" * 16, 1, True)
    assert await _ids(queue) == ["rising", "older"]
    ticket = await queue.ticket("b" * 16)
    assert ticket["risk_level"] == "imminent"
    assert ticket["opened_risk_level"] == "high"
    assert ticket["categories"] == ["suicide", "immediate_danger"]
    assert ticket["child_message_count"] == 1


async def test_lower_risk_never_moves_a_ticket_down(queue, aredis):
    await queue.open_ticket("a" * 16, packet("imminent-child", "imminent", waiting_since_ms=5_000))
    await queue.open_ticket("b" * 16, packet("high-child", "high", waiting_since_ms=1_000))
    score_before = await aredis.zscore("handoff:queue", "a" * 16)
    await queue.record_child_messages("imminent-child", [child_message("m1", "low", 200.0),
                                                         child_message("m2", "none", 201.0)])
    assert await aredis.zscore("handoff:queue", "a" * 16) == score_before
    assert (await queue.ticket("a" * 16))["risk_level"] == "imminent"
    assert await _ids(queue) == ["imminent-child", "high-child"]


async def test_rising_risk_never_puts_a_claimed_ticket_back_in_the_queue(queue):
    await queue.open_ticket("a" * 16, packet("claimed-child", "high"))
    assert await queue.claim("a" * 16, "mona")
    await queue.record_child_messages("claimed-child", [child_message("m1", "imminent", 300.0)])
    assert await queue.waiting() == []
    ticket = await queue.ticket("a" * 16)
    assert (ticket["status"], ticket["risk_level"], ticket["counsellor"]) == ("claimed", "imminent", "mona")


async def test_a_second_handoff_for_the_same_conversation_keeps_one_ticket_and_raises_its_risk(queue):
    first, created = await queue.open_ticket("a" * 16, packet("same-child", "medium", categories=("bullying",)))
    second, created_again = await queue.open_ticket("b" * 16, packet("same-child", "imminent",
                                                                     categories=("immediate_danger",)))
    assert (first, created, second, created_again) == ("a" * 16, True, "a" * 16, False)
    assert await queue.queue_length() == 1
    ticket = await queue.ticket(first)
    assert ticket["risk_level"] == "imminent"
    assert ticket["categories"] == ["bullying", "immediate_danger"]


async def test_the_same_message_saved_twice_is_recorded_once(queue):
    await queue.open_ticket("a" * 16, packet("retrying-child", "high"))
    message = child_message("m1", "high", 150.0)
    assert (await queue.record_child_messages("retrying-child", [message]))[1] == 1
    assert (await queue.record_child_messages("retrying-child", [message]))[1] == 0
    assert len(await queue.messages("a" * 16)) == 1


async def test_messages_of_a_conversation_without_open_ticket_are_not_recorded(queue):
    assert await queue.record_child_messages("nobody-waits", [child_message("m1", "high", 1.0)]) is None


async def test_exactly_one_of_fifty_concurrent_claims_wins(redis_server, queue):
    await queue.open_ticket("a" * 16, packet("contested", "imminent"))
    clients = [redis.asyncio.Redis(host=redis_server.host, port=redis_server.port, db=UNIT_TEST_DB,
                                   decode_responses=True) for _ in range(50)]
    try:
        results = await asyncio.gather(*(HandoffQueue(client).claim("a" * 16, f"counsellor{index}")
                                         for index, client in enumerate(clients)))
    finally:
        await asyncio.gather(*(client.close() for client in clients))
    assert sum(results) == 1
    winner = f"counsellor{results.index(True)}"
    ticket = await queue.ticket("a" * 16)
    assert (ticket["status"], ticket["counsellor"]) == ("claimed", winner)
    assert [t["id"] for t in await queue.active()] == ["a" * 16]


async def test_transfer_back_to_the_queue_keeps_the_childs_place(queue):
    await queue.open_ticket("a" * 16, packet("waited-longest", "high", waiting_since_ms=1_000))
    await queue.open_ticket("b" * 16, packet("came-later", "high", waiting_since_ms=2_000))
    await queue.claim("a" * 16, "mona")
    assert await queue.transfer("a" * 16, None, expected_counsellor="sami") == "not_yours"
    assert await queue.transfer("a" * 16, None, expected_counsellor="mona") == "ok"
    assert await _ids(queue) == ["waited-longest", "came-later"]
    assert (await queue.ticket("a" * 16))["counsellor"] == ""


async def test_transfer_to_a_colleague_keeps_the_ticket_claimed(queue):
    await queue.open_ticket("a" * 16, packet("child", "high"))
    await queue.claim("a" * 16, "mona")
    assert await queue.transfer("a" * 16, "sami", expected_counsellor=None) == "ok"
    ticket = await queue.ticket("a" * 16)
    assert (ticket["status"], ticket["counsellor"]) == ("claimed", "sami")


async def test_after_return_to_bot_a_new_risk_opens_a_new_ticket(queue):
    await queue.open_ticket("a" * 16, packet("returning-child", "high"))
    await queue.claim("a" * 16, "mona")
    assert await queue.finish("a" * 16, "returned", "mona", "mona") == "ok"
    assert await queue.open_ticket_id("returning-child") is None
    assert await queue.record_child_messages("returning-child", [child_message("m9", "high", 999.0)]) is None
    new_id, created = await queue.open_ticket("b" * 16, packet("returning-child", "high"))
    assert (new_id, created) == ("b" * 16, True)


async def test_closing_needs_a_claimed_or_returned_ticket_and_records_the_category(queue):
    await queue.open_ticket("a" * 16, packet("child", "high"))
    assert await queue.finish("a" * 16, "closed", "mona", None, "violence", "physical_abuse") == "not_claimed"
    await queue.claim("a" * 16, "mona")
    assert await queue.finish("a" * 16, "closed", "mona", "mona", "violence", "physical_abuse") == "ok"
    ticket = await queue.ticket("a" * 16)
    assert (ticket["status"], ticket["case_category"], ticket["case_subcategory"]) == \
        ("closed", "violence", "physical_abuse")
    assert await queue.active() == []


def test_every_imminent_score_beats_every_high_score():
    assert priority_score("imminent", 4_000_000_000_000) < priority_score("high", 0)
    assert priority_score("high", 1) < priority_score("high", 2)
