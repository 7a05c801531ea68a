"""Conversation-level risk: what the safety rules branch on.

The risk assessor (bot/nlu/risk_assessor.py) rates each message and stores the result in the parse data as
`risk` = {level, categories, evidence}. Rules run `action_assess_risk` after a risk_medium / risk_high /
risk_imminent message; it folds that message into the conversation's risk:

- `risk_level` only goes up within a session (a calm message never undoes a disclosure);
- `medium_risk_count` counts medium messages; the third one, or a medium message after an earlier high or
  imminent one, counts as high: a child who keeps coming back to the same worry should reach a person;
- `risk_categories` collects every category seen.

The rules then pick the message by `risk_level` (data/rules/safety.yml).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.helplines import country_of, helpline_events
from bot.privacy import pseudonym
from bot.safety.levels import HIGH, LEVEL_FOR_RISK_INTENT, LEVELS, MEDIUM, NONE, highest, rank

logger = logging.getLogger(__name__)

# The third medium message in a session is treated as high.
MEDIUM_MESSAGES_BEFORE_HIGH = 3


@dataclass(frozen=True)
class ConversationRisk:
    """The conversation's risk after one more message."""

    level: str
    medium_count: int
    categories: Tuple[str, ...]


def _known_level(level: Any) -> str:
    return level if level in LEVELS else NONE


def message_level(risk: Optional[Dict[str, Any]], intent: Optional[str]) -> str:
    """The message's level: the assessor's, but never below what the risk intent itself means.

    The intent floor matters when the parse data has no `risk` (a button payload such as /risk_high, or an
    assessor that failed before writing it): a risk intent still reaches the safety path.
    """
    assessed = _known_level((risk or {}).get("level"))
    return highest([assessed, LEVEL_FOR_RISK_INTENT.get(intent or "", NONE)])


def fold_message(previous_level: Optional[str], medium_count: Optional[float], message: str,
                 previous_categories: Iterable[str] = (), categories: Iterable[str] = ()) -> ConversationRisk:
    """Fold one message's level into the conversation's risk (pure: the rules of the module docstring)."""
    previous = _known_level(previous_level)
    count = int(medium_count or 0)
    effective = message
    if message == MEDIUM:
        count += 1
        if count >= MEDIUM_MESSAGES_BEFORE_HIGH or rank(previous) >= rank(HIGH):
            effective = HIGH
    merged = tuple(dict.fromkeys([*previous_categories, *categories]))
    return ConversationRisk(level=highest([previous, effective]), medium_count=count, categories=merged)


class ActionAssessRisk(Action):
    """Update risk_level, medium_risk_count and risk_categories from the latest message; refresh the numbers."""

    def name(self) -> str:
        return "action_assess_risk"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        latest = tracker.latest_message or {}
        risk = latest.get("risk") or {}
        intent = (latest.get("intent") or {}).get("name")
        level = message_level(risk, intent)
        folded = fold_message(
            previous_level=tracker.get_slot("risk_level"),
            medium_count=tracker.get_slot("medium_risk_count"),
            message=level,
            previous_categories=tracker.get_slot("risk_categories") or [],
            categories=[c for c in risk.get("categories") or [] if isinstance(c, str)],
        )
        # Levels and categories only: never the child's words.
        logger.info("risk: conversation %s message %s -> conversation %s (medium messages: %d)",
                    pseudonym(tracker.sender_id), level, folded.level, folded.medium_count)
        # risk_level is always set, even when unchanged, so the tracker shows what each assessment concluded.
        return [
            SlotSet("risk_level", folded.level),
            SlotSet("medium_risk_count", float(folded.medium_count)),
            SlotSet("risk_categories", list(folded.categories)),
            *helpline_events(tracker, country_of(tracker)),
        ]
