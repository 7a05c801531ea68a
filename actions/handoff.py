"""Handing a child to a human counsellor.

`action_handoff` writes the handoff packet (bot.handoff.tickets) as a ticket in the Redis queue
(bot.handoff.queue) and sets the slots the rules use:
  handoff_status     queued | no_counsellor (nobody online, or outside opening hours; the ticket stays queued)
  queue_position     "1" for the next child to be served
  handoff_ticket_id  the ticket
The rules then say utter_handoff_queued or utter_handoff_no_counsellor and run `action_pause_for_counsellor`,
which pauses the conversation (ConversationPaused) so the bot stays silent while a counsellor takes over.

If the queue cannot be reached, no ticket exists: the child is told that nobody is available (with the
numbers) and the conversation is *not* paused, so the bot keeps answering rather than going silent.
"""
from __future__ import annotations

import asyncio
import logging
import secrets
from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ConversationPaused, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.handoff.availability import counsellors_available
from bot.handoff.queue import DEFAULT_PREFIX, HandoffQueue, now_ms
from bot.handoff.service_settings import load_service_settings
from bot.handoff.tickets import build_packet
from bot.privacy import pseudonym
from bot.settings import async_redis_client

logger = logging.getLogger(__name__)

_clients: Dict[int, Any] = {}


def redis_for_this_loop() -> Any:
    """One asyncio Redis client per event loop (the action server has one loop; tests may have several)."""
    loop = asyncio.get_running_loop()
    client = _clients.get(id(loop))
    if client is None:
        _clients.clear()
        client = _clients[id(loop)] = async_redis_client()
    return client


def new_ticket_id() -> str:
    """A short random ticket id (not derived from the conversation id, which may be a phone number)."""
    return secrets.token_hex(8)


async def open_ticket_id_for(conversation_id: str, redis: Optional[Any] = None) -> Optional[str]:
    """The conversation's waiting or claimed ticket, if any.

    For action_session_start: a session that expires while a child waits must start paused again, or the bot
    would answer over the counsellor. Return `[ConversationPaused()]` when this is not None.
    """
    return await HandoffQueue(redis or redis_for_this_loop()).open_ticket_id(conversation_id)


class ActionHandoff(Action):
    """Queue the conversation for a counsellor and tell the rules whether one is available."""

    def __init__(self, redis: Optional[Any] = None, settings_file: Optional[str] = None,
                 prefix: str = DEFAULT_PREFIX) -> None:
        self._redis = redis
        self._settings_file = settings_file
        self._prefix = prefix

    def name(self) -> str:
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        try:
            return await self._queue(tracker)
        except Exception as error:  # noqa: BLE001 - the child must get an answer whatever broke
            logger.error("handoff: could not queue conversation %s (%s); telling the child nobody is available",
                         pseudonym(tracker.sender_id), type(error).__name__)
            return [SlotSet("handoff_status", "no_counsellor"), SlotSet("queue_position", None),
                    SlotSet("handoff_ticket_id", None)]

    async def _queue(self, tracker: Tracker) -> List[Dict[str, Any]]:
        redis = self._redis or redis_for_this_loop()
        settings = load_service_settings(self._settings_file)
        queue = HandoffQueue(redis, prefix=self._prefix)
        available = await counsellors_available(redis, settings)
        packet = build_packet(
            conversation_id=tracker.sender_id,
            channel=tracker.get_latest_input_channel(),
            slots=tracker.slots,
            latest_message=tracker.latest_message,
            events=tracker.events,
            now_ms=now_ms(),
            transcript_limit=settings.transcript_messages,
            counsellor_online=available,
        )
        ticket_id, created = await queue.open_ticket(new_ticket_id(), packet, settings.acknowledgement_interval_s)
        position = await queue.position(ticket_id)
        logger.info("handoff: conversation %s %s ticket (risk %s, position %s, counsellor available: %s)",
                    pseudonym(tracker.sender_id), "opened a" if created else "kept its open", packet["risk_level"],
                    position, available)
        return [
            SlotSet("handoff_status", "queued" if available else "no_counsellor"),
            SlotSet("queue_position", str(position) if position is not None else None),
            SlotSet("handoff_ticket_id", ticket_id),
        ]


class ActionPauseForCounsellor(Action):
    """Pause the conversation while it has a ticket, so only the counsellor answers the child."""

    def name(self) -> str:
        return "action_pause_for_counsellor"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        if not tracker.get_slot("handoff_ticket_id"):
            # No ticket (the queue was unreachable): pausing would leave the child talking to nobody.
            return []
        return [ConversationPaused()]
