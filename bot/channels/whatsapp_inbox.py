"""The durable WhatsApp inbox: a Redis stream between the webhook and the assistant.

The webhook stores each message here before answering Meta with 200, so a crash or restart of the Rasa
server never loses one. Storing is idempotent: a message id seen in the last few days is not stored again
(Meta re-delivers webhooks it thinks failed). Workers read with a consumer group; an entry is acknowledged
and deleted only after it was handled, so entries of a worker that died are claimed again by another one
(or by the same one after a restart). Entries are deleted once handled, so the stream holds no text for
longer than it takes to answer.
"""
from __future__ import annotations

import json
import logging
import os
import socket
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Text, Tuple

logger = logging.getLogger(__name__)

STREAM = "whatsapp:inbox"
GROUP = "rasa"
DEAD_LETTERS = "whatsapp:dead_letters"
SEEN_PREFIX = "whatsapp:seen:"
ATTEMPTS_PREFIX = "whatsapp:attempts:"
WA_ID_PREFIX = "whatsapp:wa_id:"
LAST_INBOUND_PREFIX = "whatsapp:last_inbound:"

# KEYS: seen, stream, wa_id mapping, last inbound. ARGV: seen TTL, record JSON, stream max length, wa_id,
# message epoch seconds, mapping TTL. Atomic, so "seen" is never set for a message that was not stored.
_STORE_SCRIPT = """
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
  return 0
end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', 'data', ARGV[2])
redis.call('SET', KEYS[3], ARGV[4], 'EX', ARGV[6])
local previous = tonumber(redis.call('GET', KEYS[4]) or '0')
if tonumber(ARGV[5]) > previous then
  redis.call('SET', KEYS[4], ARGV[5], 'EX', ARGV[6])
else
  redis.call('EXPIRE', KEYS[4], ARGV[6])
end
return 1
"""


def default_consumer_name() -> Text:
    """Stable across restarts of the same server, so it finds its own unfinished entries at once."""
    return os.environ.get("WHATSAPP_CONSUMER_NAME") or f"{socket.gethostname()}:{os.environ.get('RASA_PORT', '5005')}"


@dataclass(frozen=True)
class InboxEntry:
    entry_id: Text
    conversation_id: Text
    record: Dict[Text, Any]


class WhatsAppInbox:
    """Store, read, acknowledge and recover inbound WhatsApp messages in Redis."""

    def __init__(self, redis, consumer: Optional[Text] = None, seen_ttl_s: int = 3 * 24 * 3600,
                 mapping_ttl_s: int = 30 * 24 * 3600, max_length: int = 100_000,
                 claim_idle_ms: int = 60_000, max_attempts: int = 5) -> None:
        self.redis = redis
        self.consumer = consumer or default_consumer_name()
        self.seen_ttl_s = seen_ttl_s
        self.mapping_ttl_s = mapping_ttl_s
        self.max_length = max_length
        self.claim_idle_ms = claim_idle_ms
        self.max_attempts = max_attempts
        self._store = redis.register_script(_STORE_SCRIPT)
        self._claim_cursor = "0-0"

    async def store(self, conversation_id: Text, wa_id: Text, record: Dict[Text, Any]) -> bool:
        """Keep a message until handled; False when its id was already stored (a re-delivery)."""
        data = json.dumps({"conversation_id": conversation_id, **record}, ensure_ascii=False)
        stored = await self._store(
            keys=[SEEN_PREFIX + record["message_id"], STREAM, WA_ID_PREFIX + conversation_id,
                  LAST_INBOUND_PREFIX + conversation_id],
            args=[self.seen_ttl_s, data, self.max_length, wa_id, int(record["timestamp"]), self.mapping_ttl_s])
        return bool(stored)

    async def ensure_group(self) -> None:
        try:
            await self.redis.xgroup_create(STREAM, GROUP, id="0", mkstream=True)
        except Exception as error:  # BUSYGROUP: it exists already
            if "BUSYGROUP" not in str(error):
                raise

    @staticmethod
    def _entries(raw: List[Tuple[Any, Dict[Any, Any]]]) -> List[InboxEntry]:
        entries = []
        for entry_id, fields in raw or []:
            if not fields:  # deleted while pending: nothing to do but acknowledge
                entries.append(InboxEntry(_text(entry_id), "", {}))
                continue
            record = json.loads(_text(fields.get("data") or fields.get(b"data")))
            entries.append(InboxEntry(_text(entry_id), record.pop("conversation_id", ""), record))
        return entries

    async def own_pending(self, after: Text = "0", count: int = 50) -> List[InboxEntry]:
        """Entries this consumer read but did not finish (e.g. before a restart), with ids after `after`."""
        response = await self.redis.xreadgroup(GROUP, self.consumer, {STREAM: after}, count=count)
        return self._entries(response[0][1]) if response else []

    async def read_new(self, count: int = 10, block_ms: int = 1000) -> List[InboxEntry]:
        response = await self.redis.xreadgroup(GROUP, self.consumer, {STREAM: ">"}, count=count, block=block_ms)
        return self._entries(response[0][1]) if response else []

    async def claim_stale(self, count: int = 20) -> List[InboxEntry]:
        """Entries another worker took but did not finish within `claim_idle_ms` (it died or hangs)."""
        response = await self.redis.xautoclaim(STREAM, GROUP, self.consumer, self.claim_idle_ms,
                                               start_id=self._claim_cursor, count=count)
        self._claim_cursor = _text(response[0]) if response else "0-0"
        return self._entries(response[1]) if response else []

    async def attempt(self, entry: InboxEntry) -> int:
        """Count one more attempt at handling this entry."""
        key = ATTEMPTS_PREFIX + entry.entry_id
        attempts = await self.redis.incr(key)
        await self.redis.expire(key, 24 * 3600)
        return int(attempts)

    async def done(self, entry: InboxEntry) -> None:
        """Acknowledge and delete a handled entry (its text leaves Redis's stream)."""
        pipe = self.redis.pipeline(transaction=True)
        pipe.xack(STREAM, GROUP, entry.entry_id)
        pipe.xdel(STREAM, entry.entry_id)
        pipe.delete(ATTEMPTS_PREFIX + entry.entry_id)
        await pipe.execute()

    async def give_up(self, entry: InboxEntry, reason: Text) -> None:
        """Move an entry that keeps failing aside (without its text), so it does not block the inbox."""
        await self.redis.xadd(DEAD_LETTERS, {"message_id": entry.record.get("message_id", ""),
                                             "conversation_id": entry.conversation_id, "reason": reason},
                              maxlen=10_000, approximate=True)
        await self.done(entry)

    async def wa_id(self, conversation_id: Text) -> Optional[Text]:
        value = await self.redis.get(WA_ID_PREFIX + conversation_id)
        return _text(value) if value is not None else None

    async def last_inbound(self, conversation_id: Text) -> Optional[int]:
        value = await self.redis.get(LAST_INBOUND_PREFIX + conversation_id)
        return int(_text(value)) if value is not None else None


def _text(value: Any) -> Text:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)
