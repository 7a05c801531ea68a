"""Fixtures for the handoff tests: the session's real redis-server, on a database of their own.

Database 3 is emptied before each test, so tests never see each other's tickets, and the integration stack
(database 0) never sees theirs.
"""
from __future__ import annotations

import pytest
import redis
import redis.asyncio

from bot.handoff.queue import HandoffQueue

UNIT_TEST_DB = 3


@pytest.fixture
def sync_redis(redis_server):
    client = redis.Redis(host=redis_server.host, port=redis_server.port, db=UNIT_TEST_DB, decode_responses=True)
    client.flushdb()
    yield client
    client.close()


@pytest.fixture
async def aredis(redis_server, sync_redis):
    client = redis.asyncio.Redis(host=redis_server.host, port=redis_server.port, db=UNIT_TEST_DB,
                                 decode_responses=True)
    yield client
    await client.close()


@pytest.fixture
def queue(aredis) -> HandoffQueue:
    return HandoffQueue(aredis)


def packet(conversation_id: str, level: str = "high", waiting_since_ms: int = 1_000_000, categories=("suicide",),
           language: str = "en", trigger_ts: float = 100.0, channel: str = "rest"):
    """A handoff packet as actions/handoff.py builds it."""
    from bot.handoff.tickets import build_packet

    event = {"event": "user", "text": "synthetic message", "timestamp": trigger_ts, "message_id": "m0",
             "parse_data": {"risk": {"level": level, "categories": list(categories),
                                     "evidence": [{"detector": "lexicon", "category": categories[0] if categories
                                                   else "unknown", "level": level, "matched": "synthetic"}]}}}
    return build_packet(conversation_id, channel, {"risk_level": level, "language": language}, event["parse_data"],
                        [event], waiting_since_ms)


def child_message(message_id: str, level: str, ts: float, categories=(), text: str = "synthetic"):
    from bot.handoff.tickets import child_message as build

    return build({"message_id": message_id, "timestamp": ts, "text": text,
                  "parse_data": {"risk": {"level": level, "categories": list(categories), "evidence": []}}})
