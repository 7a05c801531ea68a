"""A child talks to the real assistant through the REST channel, in Arabic, Arabizi and English.

Real Redis, real action server, real Rasa server with the trained model (see tests/conftest.py).
"""
import json
import re
import uuid

import pytest
import requests

pytestmark = pytest.mark.integration

ARABIC = re.compile(r"[\u0600-\u06FF]")


def say(rasa_url, sender, text):
    response = requests.post(f"{rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text},
                             timeout=60)
    response.raise_for_status()
    return [m.get("text", "") for m in response.json()]


def tracker(rasa_url, token, sender):
    response = requests.get(f"{rasa_url}/conversations/{sender}/tracker", params={"token": token}, timeout=30)
    response.raise_for_status()
    return response.json()


def test_arabic_greeting_gets_an_arabic_welcome(stack, rasa_url):
    sender = f"it-ar-{uuid.uuid4().hex[:8]}"
    replies = say(rasa_url, sender, "مرحبا")
    assert replies and all(ARABIC.search(text) for text in replies if text)
    assert tracker(rasa_url, stack.env["RASA_TOKEN"], sender)["slots"]["language"] == "ar"


def test_english_greeting_gets_an_english_welcome(stack, rasa_url):
    sender = f"it-en-{uuid.uuid4().hex[:8]}"
    replies = say(rasa_url, sender, "hi there")
    assert replies and not any(ARABIC.search(text) for text in replies)
    assert tracker(rasa_url, stack.env["RASA_TOKEN"], sender)["slots"]["language"] == "en"


def test_arabizi_writer_is_answered_in_arabic_script(stack, rasa_url):
    sender = f"it-arabizi-{uuid.uuid4().hex[:8]}"
    replies = say(rasa_url, sender, "marhaba, ana za3lana ktir")
    assert replies and all(ARABIC.search(text) for text in replies if text)


def test_child_can_switch_language_mid_conversation(stack, rasa_url):
    sender = f"it-switch-{uuid.uuid4().hex[:8]}"
    say(rasa_url, sender, "مرحبا")
    replies = say(rasa_url, sender, "can you speak english please")
    assert replies and not any(ARABIC.search(text) for text in replies)
    assert tracker(rasa_url, stack.env["RASA_TOKEN"], sender)["slots"]["language"] == "en"


def test_conversations_are_stored_in_redis(stack, rasa_url, redis_server):
    sender = f"it-redis-{uuid.uuid4().hex[:8]}"
    say(rasa_url, sender, "hello")
    stored = redis_server.client().get(f"tracker:tracker:{sender}")
    assert stored is not None
    events = json.loads(stored)["events"]
    assert any(e["event"] == "user" and e.get("text") == "hello" for e in events)


def test_childrens_words_never_reach_the_application_logs(stack, rasa_url):
    secret_words = f"zebra{uuid.uuid4().hex[:6]} my secret is that i feel sad"
    say(rasa_url, f"it-logs-{uuid.uuid4().hex[:8]}", secret_words)
    for log in stack.log_dir.glob("*.log"):
        assert secret_words.split()[0] not in log.read_text(errors="replace"), f"message text in {log.name}"
