"""Extracts the child's age group and country from free text, in Arabic, Arabizi or English.

"i'm 12", "عمري ١١ سنة", "3omri 14" give an `age_group` entity (under_10, 10_13, 14_17, 18_plus); a country
or city name from the helpline directory's aliases ("ana mn dubai", "انا من السعودية") gives a `country`
entity with its ISO code. Quick-reply buttons set the same slots, so typing and tapping both work.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.arabic_normalizer import NORMALIZED_TEXT, normalize_text
from bot.nlu.base import StatelessComponent

AGE_GROUP_ENTITY = "age_group"
COUNTRY_ENTITY = "country"

# A stand-alone number ("12", "12yo"), not an Arabizi digit letter inside a word ("3omri").
_NUMBER = re.compile(r"(?<![\w])([0-9]{1,2})(?=(?:yo|yrs?|y|sana|snin)?(?:\W|$))")
_AGE_CONTEXT = re.compile(
    r"عمري|عمرى|سني|سنه|سنين|سنوات|عندي|انا|ابلغ|"
    r"\b(years?|yrs?|yo|y/o|old|age|aged|im|i'm|i am|turning|3omri|omri|3mri|sana|sneen|snin|snine|3andi)\b"
)


def age_group_for(age: int) -> Optional[str]:
    """Map an age in years to the age group that selects response wording."""
    if age < 4 or age > 30:
        return None
    if age < 10:
        return "under_10"
    if age <= 13:
        return "10_13"
    if age <= 17:
        return "14_17"
    return "18_plus"


def extract_age_group(text: str, intent_is_inform_age: bool = False) -> Optional[str]:
    """The age group stated in a message, if any ("عمري 12", "i'm 9", "3omri 15")."""
    normalized = normalize_text(text)
    numbers = _NUMBER.findall(normalized)
    if len(numbers) != 1:
        return None
    if not (intent_is_inform_age or _AGE_CONTEXT.search(normalized)):
        return None
    return age_group_for(int(numbers[0]))


def extract_country(text: str) -> Optional[str]:
    """The ISO code of a country or city named in the message, from the helpline directory's aliases."""
    from bot.helplines import find_country

    return find_country(text)


def _entity(kind: str, value: str, text: str, extractor: str) -> Dict[str, Any]:
    return {"entity": kind, "value": value, "start": 0, "end": len(text), "confidence": 1.0,
            "extractor": extractor}


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class ProfileExtractor(StatelessComponent):
    """Adds `age_group` and `country` entities found in the message."""

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if not text or text.startswith("/"):
                continue  # button payloads carry their own entities
            intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            found = []
            age_group = extract_age_group(text, intent_is_inform_age=intent == "inform_age")
            if age_group:
                found.append(_entity(AGE_GROUP_ENTITY, age_group, text, self.__class__.__name__))
            if intent in ("inform_country", "inform_age", "greet") or len(text) < 60:
                country = extract_country(message.get(NORMALIZED_TEXT) or text)
                if country:
                    found.append(_entity(COUNTRY_ENTITY, country, text, self.__class__.__name__))
            if found:
                message.set(ENTITIES, message.get(ENTITIES, []) + found, add_to_output=True)
        return messages
