"""Helpers for action tests: build a rasa_sdk Tracker the way the action server receives it."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher


def make_tracker(slots: Optional[Dict[str, Any]] = None, intent: Optional[str] = None,
                 risk: Optional[Dict[str, Any]] = None, entities: Optional[List[Dict[str, Any]]] = None,
                 paused: bool = False, sender_id: str = "test-conversation") -> Tracker:
    """A tracker with these slots and a latest message with this intent, risk assessment and entities."""
    latest_message: Dict[str, Any] = {"text": "(not used)", "intent": {"name": intent, "confidence": 1.0},
                                      "entities": entities or []}
    if risk is not None:
        latest_message["risk"] = risk
    return Tracker(sender_id=sender_id, slots=dict(slots or {}), latest_message=latest_message, events=[],
                   paused=paused, followup_action=None, active_loop={}, latest_action_name="action_listen")


def slot_values(events: List[Dict[str, Any]]) -> Dict[str, Any]:
    """The slots the events set (last value wins)."""
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


@pytest.fixture()
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()
