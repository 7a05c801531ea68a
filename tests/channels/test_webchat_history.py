"""What a re-joining web chat page is sent: the conversation from the tracker, as the page renders it."""
from __future__ import annotations

from types import SimpleNamespace

from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channels.webchat import WebChatInput

SESSION = "0123456789abcdef0123456789abcdef"


async def _channel_with(events, sender_id=SESSION) -> WebChatInput:
    store = InMemoryTrackerStore(Domain.empty())
    await store.save(DialogueStateTracker.from_events(sender_id, events))
    channel = WebChatInput()
    channel.app = SimpleNamespace(ctx=SimpleNamespace(agent=SimpleNamespace(tracker_store=store)))
    return channel


async def test_history_shows_what_the_child_and_the_counsellor_wrote_after_last_seen():
    channel = await _channel_with([
        UserUttered('/greet{"language": "en"}', input_channel="webchat", timestamp=100,
                    metadata={"display_text": "Hello", "client_id": "c1"}),
        BotUttered("Hi! I'm the helpline assistant.", {"buttons": [{"title": "Yes", "payload": "/affirm"}]},
                   {"utter_action": "utter_greet"}, timestamp=101),
        UserUttered("I want a person", input_channel="webchat", timestamp=102, metadata={"client_id": "c2"}),
        BotUttered("I'm Mariam.", metadata={"counsellor": True, "counsellor_name": "Mariam"}, timestamp=103),
    ])
    everything = await channel.history(SESSION, after=0)
    assert [(m["from"], m["text"]) for m in everything] == [
        ("child", "Hello"), ("assistant", "Hi! I'm the helpline assistant."), ("child", "I want a person"),
        ("counsellor", "I'm Mariam.")]
    assert everything[1]["buttons"] == [{"title": "Yes", "payload": "/affirm"}]
    assert everything[3]["talking_to"] == "counsellor" and everything[3]["counsellor_name"] == "Mariam"
    missed = await channel.history(SESSION, after=101)
    assert [m["text"] for m in missed] == ["I want a person", "I'm Mariam."]


async def test_only_web_chat_conversations_the_server_started_can_be_rejoined():
    channel = await _channel_with([UserUttered("hi", input_channel="webchat", timestamp=1)])
    assert await channel._known_session(SESSION)
    assert not await channel._known_session("ffffffffffffffffffffffffffffffff")  # never issued
    assert not await channel._known_session("wa-0123")                            # not a web chat id
    whatsapp = await _channel_with([UserUttered("hi", input_channel="whatsapp", timestamp=1)])
    assert not await whatsapp._known_session(SESSION)
