"""A new session (first message, or after an hour of silence): what carries over, and the numbers.

The child's language, age group and country carry over, so they are not asked again; risk, handoff and
profile-question state start fresh. One exception: a child still waiting for (or talking to) a counsellor
keeps everything and stays paused, or the assistant would start answering over the counsellor.
"""
from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, ConversationPaused, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.helplines import helpline_slots
from bot.privacy import pseudonym

logger = logging.getLogger(__name__)

CARRIED_OVER = ("language", "age_group", "country")
# Conversation-level state that must survive a new session while a counsellor has the conversation.
KEPT_DURING_HANDOFF = ("risk_level", "risk_categories", "medium_risk_count", "handoff_status",
                       "queue_position", "handoff_ticket_id", "profile_asked", "profile_question")

TicketLookup = Callable[[str], Awaitable[Optional[str]]]


async def _open_ticket_in_queue(conversation_id: str) -> Optional[str]:
    from actions.handoff import open_ticket_id_for

    return await open_ticket_id_for(conversation_id)


class ActionSessionStart(Action):
    """SessionStarted, the carried-over slots, the helpline slots, then action_listen."""

    def __init__(self, ticket_lookup: Optional[TicketLookup] = None) -> None:
        self._ticket_lookup = ticket_lookup or _open_ticket_in_queue

    def name(self) -> str:
        return "action_session_start"

    async def _with_counsellor(self, tracker: Tracker) -> bool:
        if tracker.is_paused():
            return True
        try:
            return await self._ticket_lookup(tracker.sender_id) is not None
        except Exception as error:  # noqa: BLE001 - a queue outage must not stop the conversation
            logger.warning("session start: could not check the handoff queue for %s (%s)",
                           pseudonym(tracker.sender_id), type(error).__name__)
            return False

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        with_counsellor = await self._with_counsellor(tracker)
        events: List[Dict[str, Any]] = [SessionStarted()]
        if with_counsellor:
            events.append(ConversationPaused())
        kept = CARRIED_OVER + (KEPT_DURING_HANDOFF if with_counsellor else ())
        for slot in kept:
            value = tracker.get_slot(slot)
            if value is not None:
                events.append(SlotSet(slot, value))
        for slot, value in helpline_slots(tracker.get_slot("country")).items():
            events.append(SlotSet(slot, value))
        events.append(ActionExecuted("action_listen"))
        return events
