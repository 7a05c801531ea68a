"""Specification of `make story ID=…`: a conversation stored by Rasa's RedisTrackerStore becomes an anonymised
test story that Rasa itself can read."""
import asyncio
import uuid

import pytest
from rasa.core.tracker_store import RedisTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from ruamel.yaml import YAML

from bot.content import story
from bot.settings import PROJECT_ROOT


def _user(text, intent, **entities):
    # As the assistant's NLU leaves them: whole-message entities (language, age_group, country).
    found = [{"entity": name, "value": value, "start": 0, "end": len(text), "confidence": 1.0}
             for name, value in entities.items()]
    return UserUttered(text, intent={"name": intent, "confidence": 0.99}, entities=found,
                       parse_data={"intent": {"name": intent, "confidence": 0.99}, "entities": found, "text": text})


def _store(redis_server):
    # Configured exactly as endpoints.yml configures the assistant's store.
    return RedisTrackerStore(domain=Domain.load(str(PROJECT_ROOT / "domain.yml")), host=redis_server.host,
                             port=redis_server.port, key_prefix="tracker")


@pytest.fixture()
def stored_conversation(redis_server):
    conversation_id = f"test-{uuid.uuid4().hex[:12]}"
    events = [
        ActionExecuted("action_session_start"), SessionStarted(), SlotSet("language", "ar"),
        ActionExecuted("action_listen"),
        _user("hi my name is Sara, call me on 0551234567", "greet", language="en"),
        SlotSet("language", "en"),
        ActionExecuted("utter_welcome"), BotUttered("Hi, welcome!"),
        ActionExecuted("action_listen"),
        _user("/inform_age", "inform_age", age_group="10_13"),
        SlotSet("age_group", "10_13"),
        ActionExecuted("action_listen"),
        _user("my uncle Ahmed hits me every day", "risk_high", language="en"),
        ActionExecuted("action_assess_risk"), SlotSet("risk_level", "high"), SlotSet("medium_risk_count", 0.0),
        ActionExecuted("utter_safety_high"),
        ActionExecuted("action_handoff"), SlotSet("handoff_status", "queued"), SlotSet("handoff_ticket_id", "T-1"),
        ActionExecuted("action_listen"),
        _user("اسمي سارة ورقمي ٠٥٥١٢٣٤٥٦٧", "greet", language="ar"),
        ActionExecuted("action_pause_for_counsellor"),
        ActionExecuted("action_listen"),
    ]
    tracker = DialogueStateTracker.from_events(conversation_id, events)
    asyncio.run(_store(redis_server).save(tracker))
    return conversation_id


def test_the_redis_key_is_the_one_rasa_uses_with_key_prefix_tracker(redis_server, stored_conversation):
    assert redis_server.client().exists(f"tracker:tracker:{stored_conversation}") == 1


def test_a_stored_conversation_becomes_an_anonymised_test_story(redis_server, stored_conversation, tmp_path):
    out = tmp_path / "reviewed.yml"
    assert story.main([stored_conversation, "--out", str(out), "--source", "redis"]) == 0
    text = out.read_text(encoding="utf-8")
    for personal in ("Sara", "0551234567", "Ahmed", "سارة", "٠٥٥١٢٣٤٥٦٧"):
        assert personal not in text
    steps = YAML(typ="safe").load(text)["stories"][0]["steps"]
    assert steps == [
        {"user": '[hi my name is «NAME», call me on «PHONE»]{"entity": "language", "value": "en"}\n',
         "intent": "greet"},
        {"action": "utter_welcome"},
        {"intent": "inform_age", "entities": [{"age_group": "10_13"}]},
        {"user": '[my uncle «NAME» hits me every day]{"entity": "language", "value": "en"}\n', "intent": "risk_high"},
        {"action": "action_assess_risk"},
        {"slot_was_set": [{"risk_level": "high"}]},
        {"action": "utter_safety_high"},
        {"action": "action_handoff"},
        {"slot_was_set": [{"handoff_status": "queued"}]},
        {"user": '[اسمي «اسم» ورقمي «رقم»]{"entity": "language", "value": "ar"}\n', "intent": "greet"},
        {"action": "action_pause_for_counsellor"},
    ]


def test_rasa_can_read_the_written_story(redis_server, stored_conversation, tmp_path):
    from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader

    out = tmp_path / "reviewed.yml"
    story.main([stored_conversation, "--out", str(out), "--source", "redis"])
    steps = YAMLStoryReader(Domain.load(str(PROJECT_ROOT / "domain.yml"))).read_from_file(str(out))
    assert len(steps) == 1
    first_message = next(e for e in steps[0].events if isinstance(e, UserUttered))
    # Rasa reads the annotation: the text without brackets, and the language entity over the whole message.
    assert first_message.text == "hi my name is «NAME», call me on «PHONE»"
    assert [(e["entity"], e["value"]) for e in first_message.entities] == [("language", "en")]


def test_an_unknown_conversation_is_explained(redis_server, capsys):
    assert story.main(["no-such-conversation", "--source", "redis"]) == 1
    out = capsys.readouterr().out
    assert 'No conversation with the id "no-such-conversation"' in out and "What to do" in out


def test_a_phone_number_conversation_id_never_reaches_the_file_name():
    assert story.safe_id("+97455123456").startswith("conv-")
    assert "97455123456" not in story.render_story("+97455123456", [{"intent": "greet"}])
