"""Redis tracker store used by the Rasa server (see endpoints.yml) that keeps the handoff queue up to date.

It is Rasa's RedisTrackerStore with the values from endpoints.yml (which arrive as strings from environment
variables) turned into proper types, plus one duty: while a conversation waits for (or talks to) a counsellor,
Rasa pauses it but still parses, risk-assesses and stores every message the child sends. After each save this
store looks for such new messages and records them on the conversation's open ticket
(`bot.handoff.queue`): the console shows them live, and a message with a higher risk moves the ticket up the
queue (never down).

That extra step costs one Redis round trip for a conversation without an open ticket, and can never make a save
fail: the conversation itself is stored first, and any error afterwards is logged (without message text) and
swallowed.
"""
from __future__ import annotations

import logging
import time
from typing import Any, Dict, Iterable, List, Optional

from rasa.core.tracker_store import RedisTrackerStore
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.handoff.queue import DEFAULT_PREFIX, SyncHandoffRecorder
from bot.handoff.tickets import child_message
from bot.privacy import pseudonym

logger = logging.getLogger(__name__)

# Only the newest messages are looked at on each save; older ones were recorded by earlier saves (and the
# recorder ignores message ids it has already seen).
MAX_MESSAGES_PER_SAVE = 20


def _optional_float(value: Any) -> Optional[float]:
    if value in (None, "", "0", 0, "None", "null"):
        return None
    return float(value)


def new_child_messages(events: Iterable[Any], after_ts: float,
                       limit: int = MAX_MESSAGES_PER_SAVE) -> List[Dict[str, Any]]:
    """The child's messages newer than `after_ts` (Rasa timestamps), newest `limit`, oldest first."""
    found: List[Dict[str, Any]] = []
    for event in reversed(list(events)):
        if not isinstance(event, UserUttered):
            continue
        if event.timestamp is None or event.timestamp <= after_ts:
            break
        found.append(child_message({
            "message_id": event.message_id,
            "timestamp": event.timestamp,
            "text": event.text,
            "parse_data": event.parse_data,
        }))
        if len(found) >= limit:
            break
    return list(reversed(found))


class HandoffAwareRedisTrackerStore(RedisTrackerStore):
    """Rasa's Redis tracker store, configured from environment strings, feeding the handoff queue."""

    def __init__(self, domain: Any, host: str = "localhost", port: Any = 6379, db: Any = 0,
                 password: Optional[str] = None, record_exp: Any = None,
                 handoff_prefix: str = DEFAULT_PREFIX, **kwargs: Any) -> None:
        super().__init__(
            domain=domain,
            host=host or "localhost",
            port=int(port or 6379),
            db=int(db or 0),
            password=password or None,
            record_exp=_optional_float(record_exp),
            **kwargs,
        )
        self.handoff = SyncHandoffRecorder(self.red, prefix=handoff_prefix or DEFAULT_PREFIX)

    async def save(self, tracker: DialogueStateTracker, timeout: Optional[float] = None) -> None:
        """Store the conversation, then record what a waiting child wrote on their ticket."""
        await super().save(tracker, timeout)
        self.record_waiting_child_messages(tracker)

    def record_waiting_child_messages(self, tracker: DialogueStateTracker) -> None:
        """Never raises: the queue is important, but losing the conversation itself would be worse."""
        started = time.perf_counter()
        try:
            ticket = self.handoff.open_ticket(tracker.sender_id)
            if ticket is None:
                return
            messages = new_child_messages(tracker.events, ticket.trigger_ts)
            if not messages:
                return
            result = self.handoff.record_child_messages(tracker.sender_id, messages)
            if result:
                _, added, raised = result
                logger.info("handoff: recorded %d message(s) for waiting conversation %s%s in %.1f ms", added,
                            pseudonym(tracker.sender_id), " (risk raised)" if raised else "",
                            (time.perf_counter() - started) * 1000)
        except Exception as error:  # noqa: BLE001 - see docstring; the type is enough to debug, never the text
            logger.warning("handoff: could not record messages of conversation %s on its ticket (%s)",
                           pseudonym(tracker.sender_id), type(error).__name__)
