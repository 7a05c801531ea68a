"""The gentle profile questions: the child's age group, then their country. Never in the way of help.

Wording depends on the age group and the numbers on the country, so after the child's first topic message the
assistant asks for them, one at a time, each with a "skip" button. It asks each question at most once per
session and only after it has already answered the child; whatever the child says next is handled normally
(a risk message takes the safety path at once: these are plain questions, not a form that could swallow it).

`action_next_profile_question` sets `profile_question`, which the rules in data/rules/profile.yml follow:
  age_group / country  ask that question (utter_ask_age_group / utter_ask_country)
  thanks               the child just answered and nothing is left to ask: utter_profile_thanks
  nothing              nothing to ask (or not the moment to): listen
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

PROFILE_SLOTS = ("age_group", "country")
UNKNOWN = "unknown"
# Messages that answer a profile question; "deny" only reaches this action right after a question (rules).
ANSWER_INTENTS = frozenset({"inform_age", "inform_country", "deny"})


def next_question(intent: Optional[str], values: Dict[str, Any], asked: List[str],
                  last_question: Optional[str]) -> Dict[str, Any]:
    """Decide what to ask next. Returns {"question": ..., "set": {slot: value}} (pure, for tests).

    - "No" to the question just asked means "prefer not to say": that slot becomes "unknown".
    - After an answer, ask the next question nobody has asked yet; after a topic message, ask only if no
      question has been asked in this session yet.
    """
    values = dict(values)
    updates: Dict[str, Any] = {}
    if intent == "deny" and last_question in PROFILE_SLOTS and values.get(last_question) is None:
        values[last_question] = updates[last_question] = UNKNOWN
    is_answer = intent in ANSWER_INTENTS
    candidate = None
    if is_answer or not asked:
        candidate = next((slot for slot in PROFILE_SLOTS if values.get(slot) is None and slot not in asked), None)
    if candidate:
        updates["profile_asked"] = [*asked, candidate]
        updates["profile_question"] = candidate
    else:
        updates["profile_question"] = "thanks" if is_answer else "nothing"
    return {"question": updates["profile_question"], "set": updates}


class ActionNextProfileQuestion(Action):
    """Set `profile_question` (and "unknown" for a skipped answer); the rules say the words."""

    def name(self) -> str:
        return "action_next_profile_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
        decision = next_question(
            intent=intent,
            values={slot: tracker.get_slot(slot) for slot in PROFILE_SLOTS},
            asked=list(tracker.get_slot("profile_asked") or []),
            last_question=tracker.get_slot("profile_question"),
        )
        return [SlotSet(slot, value) for slot, value in decision["set"].items()]
