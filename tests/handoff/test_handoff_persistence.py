"""Nothing is lost across a Redis restart: tickets, the child's messages, notes, sessions, the audit log.

A redis-server of its own, configured like `make run` (append-only file, fsync every second), is stopped and
started again on the same data directory.
"""
from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import pytest
import redis.asyncio

from bot.console.audit import AuditLog
from bot.handoff.queue import HandoffQueue
from bot.stack import free_port, port_is_open
from tests.handoff.conftest import child_message, packet


class OwnRedis:
    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.port = free_port()
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.data_dir),
             "--appendonly", "yes", "--appendfsync", "everysec", "--save", "60 1"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while not port_is_open("127.0.0.1", self.port):
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)

    def stop(self, sig=signal.SIGTERM) -> None:
        self.process.send_signal(sig)
        self.process.wait(timeout=10)

    def client(self):
        return redis.asyncio.Redis(host="127.0.0.1", port=self.port, decode_responses=True)


@pytest.fixture
def own_redis(tmp_path):
    server = OwnRedis(tmp_path)
    server.start()
    yield server
    if server.process.poll() is None:
        server.stop()


async def _write_a_busy_night(client) -> HandoffQueue:
    queue = HandoffQueue(client)
    await queue.open_ticket("a" * 16, packet("claimed-child", "high", waiting_since_ms=1_000))
    await queue.open_ticket("b" * 16, packet("waiting-child", "high", waiting_since_ms=2_000, trigger_ts=50.0))
    await queue.open_ticket("c" * 16, packet("imminent-child", "imminent", waiting_since_ms=3_000))
    await queue.record_child_messages("waiting-child", [child_message("m1", "high", 60.0, text="are you there?")])
    await queue.claim("a" * 16, "mona")
    await queue.add_note("a" * 16, "mona", "Child safe at a relative's house tonight.")
    await AuditLog(client).record("mona", "claimed", "a" * 16, "claimed-child")
    return queue


async def _assert_everything_is_there(client) -> None:
    queue = HandoffQueue(client)
    assert [t["conversation_id"] for t in await queue.waiting()] == ["imminent-child", "waiting-child"]
    claimed = await queue.ticket("a" * 16)
    assert (claimed["status"], claimed["counsellor"]) == ("claimed", "mona")
    assert [m["text"] for m in await queue.messages("b" * 16)] == ["are you there?"]
    assert (await queue.notes("a" * 16))[0]["text"] == "Child safe at a relative's house tonight."
    assert await queue.open_ticket_id("waiting-child") == "b" * 16
    assert (await AuditLog(client).recent())[0]["action"] == "claimed"
    # The queue keeps working after the restart.
    assert await queue.claim("c" * 16, "sami")


@pytest.mark.parametrize("how", ["restart", "crash"])
async def test_the_queue_survives_a_redis_restart(own_redis, how):
    client = own_redis.client()
    await _write_a_busy_night(client)
    await client.close()
    if how == "crash":
        time.sleep(1.5)  # appendfsync everysec: a crash loses at most the last second
        own_redis.stop(signal.SIGKILL)
    else:
        own_redis.stop(signal.SIGTERM)
    own_redis.start()
    client = own_redis.client()
    try:
        await _assert_everything_is_there(client)
    finally:
        await client.close()
