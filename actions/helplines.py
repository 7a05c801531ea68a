"""The helpline slots that responses show: "{helplines_ar}", "{helplines_en}", "{emergency_ar}", ...

Every number comes from the helpline directory (bot/helplines.py, data/helplines.yml); nothing here invents
one. A country the directory does not know (or "unknown", when the child skipped the question) gets the
directory's default country. A country with no verified number gets a sentence that sends the child to a
person instead of a number.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.helplines import CountryHelplines, HelplineEntry, format_numbers, lookup

HELPLINE_SLOTS = ("helplines_ar", "helplines_en", "emergency_ar", "emergency_en", "emergency_number")

# Said instead of numbers when the directory holds no verified number for the child's country.
NO_NUMBERS = {
    "ar": "ليس عندنا رقم مؤكد لبلدك بعد. اطلب هنا التحدث مع مرشد",
    "en": "we have no checked number for your country yet. Ask here to talk to a counsellor",
}
NO_EMERGENCY_NUMBER = {
    "ar": "أقرب شخص كبير تثق به",
    "en": "the nearest adult you trust",
}


def _first_emergency_line(country: CountryHelplines) -> Optional[HelplineEntry]:
    """The number for danger right now: the emergency service, else the (24-hour) child protection line."""
    if country.emergency:
        return country.emergency[0]
    if country.child_helplines:
        return country.child_helplines[0]
    return None


def helpline_slots(country_code: Optional[str]) -> Dict[str, Optional[str]]:
    """The helpline slot values for a country code (None, "unknown" or an unknown code: the default country)."""
    country = lookup(country_code)
    emergency = _first_emergency_line(country)
    values: Dict[str, Optional[str]] = {}
    for language in ("ar", "en"):
        values[f"helplines_{language}"] = format_numbers(country, language) or NO_NUMBERS[language]
        values[f"emergency_{language}"] = (
            f"{emergency.short.in_language(language)} {emergency.number}" if emergency
            else NO_EMERGENCY_NUMBER[language]
        )
    values["emergency_number"] = emergency.number if emergency else None
    return values


def country_of(tracker: Tracker) -> Optional[str]:
    """The child's country: one named in the latest message wins over the slot.

    Rasa runs this action inside action_extract_slots, before the `country` slot takes this message's entity,
    so the entity is read directly.
    """
    named = next(tracker.get_latest_entity_values("country"), None)
    return named or tracker.get_slot("country")


def helpline_events(tracker: Tracker, country_code: Optional[str]) -> List[Dict[str, Any]]:
    """SlotSet events for the helpline slots whose value differs from what the tracker holds."""
    return [
        SlotSet(slot, value)
        for slot, value in helpline_slots(country_code).items()
        if tracker.get_slot(slot) != value
    ]


class ActionSetHelplines(Action):
    """Fill the helpline slots for the child's country (the default country when it is not known)."""

    def name(self) -> str:
        return "action_set_helplines"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        return helpline_events(tracker, country_of(tracker))
