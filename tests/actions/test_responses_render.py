"""Every response renders for every language and age group with the slots a session really has.

A placeholder the slots cannot fill would reach a child as "{helplines_en}" or "None"; the wrong language or
a missing age variation would reach a child as the wrong words. Rendered through the project's NLG
(bot/nlg.py), as the Rasa server does.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from actions.helplines import helpline_slots
from bot.nlg import MostSpecificResponseGenerator

ROOT = Path(__file__).resolve().parents[2]
AGE_GROUPS = ("under_10", "10_13", "14_17", "18_plus", "unknown", None)
_ARABIC = re.compile(r"[\u0621-\u064A]")


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


def session_tracker(domain: Domain, language: str, age_group, country="QA") -> DialogueStateTracker:
    tracker = DialogueStateTracker("render-test", domain.slots)
    slots = {"language": language, "age_group": age_group, "country": country, "queue_position": "2",
             "handoff_ticket_id": "abc123", **helpline_slots(country)}
    for name, value in slots.items():
        tracker.update(SlotSet(name, value))
    return tracker


@pytest.mark.parametrize("language", ["ar", "en"])
@pytest.mark.parametrize("age_group", AGE_GROUPS)
async def test_every_response_renders_completely_in_the_childs_language(domain, language, age_group):
    nlg = MostSpecificResponseGenerator(domain=domain)
    tracker = session_tracker(domain, language, age_group)
    for name in domain.responses:
        message = await nlg.generate(name, tracker, "rest")
        assert message and message.get("text"), name
        text = message["text"]
        assert "{" not in text and "None" not in text, (name, text)
        assert bool(_ARABIC.search(text)) == (language == "ar"), (name, language, text)
        for button in message.get("buttons") or []:
            assert len(button["title"]) <= 20, (name, button["title"])


async def test_a_young_child_gets_the_young_childs_words(domain):
    nlg = MostSpecificResponseGenerator(domain=domain)
    young = await nlg.generate("utter_body_safety", session_tracker(domain, "en", "under_10"), "rest")
    unknown = await nlg.generate("utter_body_safety", session_tracker(domain, "en", "unknown"), "rest")
    assert "swimsuit" in young["text"] and "swimsuit" not in unknown["text"]


async def test_safety_messages_show_the_emergency_number_of_the_childs_country(domain):
    nlg = MostSpecificResponseGenerator(domain=domain)
    for language in ("ar", "en"):
        for age_group in AGE_GROUPS:
            tracker = session_tracker(domain, language, age_group, country="EG")
            text = (await nlg.generate("utter_safety_imminent", tracker, "rest"))["text"]
            assert "122" in text and "16000" in text, (language, age_group, text)


async def test_when_no_ticket_could_be_written_the_child_is_not_promised_a_reply(domain):
    nlg = MostSpecificResponseGenerator(domain=domain)
    tracker = session_tracker(domain, "en", None)
    tracker.update(SlotSet("handoff_ticket_id", None))
    text = (await nlg.generate("utter_handoff_no_counsellor", tracker, "rest"))["text"]
    assert "saved" not in text and "call" in text.lower()
