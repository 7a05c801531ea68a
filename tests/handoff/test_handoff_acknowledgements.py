"""A waiting child who writes hears that a person is coming, at most every few minutes (console worker).

Redis is real; the Rasa server is replaced by a recorder of what would have been sent, because this test is
about when and what the worker says (the end-to-end test covers delivery through Rasa).
"""
from __future__ import annotations

import dataclasses

import pytest

from bot.console.rasa_client import RasaError
from bot.console.resources import ConsoleContent
from bot.console.worker import AcknowledgementWorker
from bot.handoff.availability import mark_present
from bot.handoff.service_settings import load_service_settings
from tests.handoff.conftest import child_message, packet


class RecordingRasa:
    def __init__(self, fail: bool = False):
        self.sent = []
        self.fail = fail

    async def send_bot_message(self, conversation_id, text, metadata):
        if self.fail:
            raise RasaError(0, "the Rasa server is not reachable")
        self.sent.append((conversation_id, text, metadata))


@pytest.fixture
def content():
    return ConsoleContent()


def worker_for(aredis, queue, content, rasa, interval_s=180):
    service = dataclasses.replace(load_service_settings(), acknowledgement_interval_s=interval_s)
    return AcknowledgementWorker(aredis, queue, rasa, content, service, consumer="test")


async def _child_writes(queue, aredis, worker, conversation_id, message_id, ts):
    await queue.record_child_messages(conversation_id, [child_message(message_id, "high", ts)])
    await worker.process_once(block_ms=100)


async def test_a_waiting_child_who_writes_is_told_a_counsellor_is_coming(aredis, queue, content):
    rasa = RecordingRasa()
    worker = worker_for(aredis, queue, content, rasa)
    await worker.ensure_group()
    await mark_present(aredis, "mona")
    await queue.open_ticket("a" * 16, packet("child-ar", "high", language="ar", trigger_ts=10.0), ack_interval_s=180)
    await aredis.delete("handoff:ack:" + "a" * 16)  # the handoff message itself was a while ago
    await _child_writes(queue, aredis, worker, "child-ar", "m1", 11.0)
    assert len(rasa.sent) == 1
    conversation_id, text, metadata = rasa.sent[0]
    assert conversation_id == "child-ar"
    assert "ترتيبك في الانتظار: 1" in text and "999" in text  # Qatar (default country): emergency 999
    assert metadata == {"system": True, "kind": "waiting_ack"}


async def test_a_child_who_keeps_writing_is_not_flooded_with_acknowledgements(aredis, queue, content):
    rasa = RecordingRasa()
    worker = worker_for(aredis, queue, content, rasa)
    await worker.ensure_group()
    await queue.open_ticket("a" * 16, packet("child-en", "high", language="en", trigger_ts=10.0), ack_interval_s=1)
    await aredis.delete("handoff:ack:" + "a" * 16)
    for index in range(5):
        await _child_writes(queue, aredis, worker, "child-en", f"m{index}", 11.0 + index)
    assert len(rasa.sent) == 1
    assert "nobody is online right now" in rasa.sent[0][1]


async def test_right_after_the_handoff_message_no_extra_acknowledgement_is_sent(aredis, queue, content):
    rasa = RecordingRasa()
    worker = worker_for(aredis, queue, content, rasa)
    await worker.ensure_group()
    await queue.open_ticket("a" * 16, packet("child-en", "high", language="en", trigger_ts=10.0))
    await _child_writes(queue, aredis, worker, "child-en", "m1", 11.0)
    assert rasa.sent == []


async def test_a_child_talking_with_a_counsellor_gets_no_automatic_message(aredis, queue, content):
    rasa = RecordingRasa()
    worker = worker_for(aredis, queue, content, rasa)
    await worker.ensure_group()
    await queue.open_ticket("a" * 16, packet("child-en", "high", language="en", trigger_ts=10.0))
    await aredis.delete("handoff:ack:" + "a" * 16)
    await queue.claim("a" * 16, "mona")
    await _child_writes(queue, aredis, worker, "child-en", "m1", 11.0)
    assert rasa.sent == []


async def test_when_rasa_is_down_the_next_message_tries_again(aredis, queue, content):
    rasa = RecordingRasa(fail=True)
    worker = worker_for(aredis, queue, content, rasa)
    await worker.ensure_group()
    await queue.open_ticket("a" * 16, packet("child-en", "high", language="en", trigger_ts=10.0))
    await aredis.delete("handoff:ack:" + "a" * 16)
    await _child_writes(queue, aredis, worker, "child-en", "m1", 11.0)
    rasa.fail = False
    await _child_writes(queue, aredis, worker, "child-en", "m2", 12.0)
    assert len(rasa.sent) == 1
