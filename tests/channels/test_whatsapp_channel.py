"""The WhatsApp connector against Meta's documented webhook format and a fake Graph API.

The channel runs for real in tests/channels/harness.py (a Sanic server with the WhatsApp channel, Redis,
and a recording handler in place of Rasa's agent); the fake Graph API records what would reach WhatsApp.
End-to-end tests with the real Rasa server are in test_channels_with_rasa.py.
"""
from __future__ import annotations

import time

import pytest

import whatsapp_webhooks as wa
from bot.channels.whatsapp import MEDIA_REPLY, WhatsAppInput

pytestmark = pytest.mark.integration


@pytest.fixture()
def secret(test_environment) -> str:
    return test_environment["WHATSAPP_APP_SECRET"]


def conversation_id(env, wa_id: str) -> str:
    channel = WhatsAppInput(env["WHATSAPP_VERIFY_TOKEN"], env["WHATSAPP_APP_SECRET"], "token",
                            env["WHATSAPP_PHONE_NUMBER_ID"])
    return channel.conversation_id(wa_id)


# -- handshake and request checks --------------------------------------------------------------------------

def test_handshake_echoes_the_challenge_for_the_right_token(channel_harness, test_environment):
    status, body = wa.get(f"{channel_harness.whatsapp_webhook}?hub.mode=subscribe"
                          f"&hub.verify_token={test_environment['WHATSAPP_VERIFY_TOKEN']}&hub.challenge=1158201444")
    assert (status, body) == (200, "1158201444")


def test_handshake_with_a_wrong_token_is_refused(channel_harness):
    status, _ = wa.get(f"{channel_harness.whatsapp_webhook}?hub.mode=subscribe&hub.verify_token=guess"
                       f"&hub.challenge=1158201444")
    assert status == 403


def test_post_without_signature_is_refused_and_nothing_is_processed(channel_harness, harness_redis,
                                                                     test_environment):
    wa_id = wa.new_wa_id()
    status, body = wa.post(channel_harness.whatsapp_webhook, wa.text(wa_id, "hello"))
    assert status == 403 and body["error"] == "invalid signature"
    time.sleep(1.5)
    assert wa.received_by_assistant(harness_redis, conversation_id(test_environment, wa_id)) == []


def test_bad_signature_is_rejected(channel_harness, harness_redis, test_environment):
    wa_id = wa.new_wa_id()
    status, _ = wa.post(channel_harness.whatsapp_webhook, wa.text(wa_id, "hello"), app_secret="not-the-secret")
    assert status == 403
    time.sleep(1.5)
    assert wa.received_by_assistant(harness_redis, conversation_id(test_environment, wa_id)) == []


def test_malformed_json_gets_a_clear_400(channel_harness, secret):
    status, body = wa.post(channel_harness.whatsapp_webhook, raw=b'{"object": "whatsapp_business_account", ',
                           app_secret=secret)
    assert status == 400
    assert "malformed JSON" in body["error"]


def test_json_that_is_not_a_webhook_object_gets_a_400(channel_harness, secret):
    status, body = wa.post(channel_harness.whatsapp_webhook, ["not", "an", "object"], app_secret=secret)
    assert status == 400 and "not a WhatsApp webhook payload" in body["error"]


def test_huge_body_is_refused_with_413(channel_harness, secret):
    huge = b'{"object": "whatsapp_business_account", "padding": "' + b"x" * (200 * 1024) + b'"}'
    status, _ = wa.post(channel_harness.whatsapp_webhook, raw=huge, app_secret=secret)
    assert status == 413


# -- inbound messages --------------------------------------------------------------------------------------

def test_text_reaches_the_assistant_under_a_pseudonym_and_the_reply_reaches_whatsapp(
        channel_harness, harness_redis, fake_graph_api, test_environment, secret):
    wa_id = wa.new_wa_id()
    sent_at = int(time.time())
    status, body = wa.post(channel_harness.whatsapp_webhook, wa.text(wa_id, "I feel sad today", timestamp=sent_at),
                           app_secret=secret)
    assert status == 200 and body["accepted"] == 1

    conversation = conversation_id(test_environment, wa_id)
    received = wa.wait_until(lambda: wa.received_by_assistant(harness_redis, conversation))
    assert received[0]["text"] == "I feel sad today"
    assert received[0]["input_channel"] == "whatsapp"
    assert wa_id not in received[0]["sender_id"]          # Rasa never sees the phone number
    assert received[0]["sender_id"].startswith("wa-")

    replies = wa.wait_until(lambda: wa.sent_to(fake_graph_api, wa_id))
    assert replies[0]["type"] == "text" and replies[0]["text"]["body"] == "received 16 chars"
    assert int(harness_redis.get(f"whatsapp:last_inbound:{conversation}")) == sent_at
    assert harness_redis.get(f"whatsapp:wa_id:{conversation}") == wa_id


def test_duplicate_delivery_is_processed_once(channel_harness, harness_redis, test_environment, secret):
    wa_id, message_id = wa.new_wa_id(), wa.new_message_id()
    payload = wa.text(wa_id, "are you there?", message_id=message_id)
    first = wa.post(channel_harness.whatsapp_webhook, payload, app_secret=secret)
    second = wa.post(channel_harness.whatsapp_webhook, payload, app_secret=secret)
    assert first == (200, {"status": "ok", "accepted": 1, "duplicates": 0, "statuses": 0, "other_number": 0})
    assert second[0] == 200 and second[1]["duplicates"] == 1

    conversation = conversation_id(test_environment, wa_id)
    wa.wait_until(lambda: wa.received_by_assistant(harness_redis, conversation))
    time.sleep(1.5)
    assert len(wa.received_by_assistant(harness_redis, conversation)) == 1


def test_button_reply_sends_its_id_as_the_payload(channel_harness, harness_redis, test_environment, secret):
    wa_id = wa.new_wa_id()
    wa.post(channel_harness.whatsapp_webhook, wa.button_reply(wa_id, "/affirm", "Yes"), app_secret=secret)
    received = wa.wait_until(lambda: wa.received_by_assistant(harness_redis, conversation_id(test_environment, wa_id)))
    assert received[0]["text"] == "/affirm"
    assert received[0]["metadata"]["display_text"] == "Yes"


def test_list_reply_sends_its_id_as_the_payload(channel_harness, harness_redis, test_environment, secret):
    wa_id = wa.new_wa_id()
    payload_id = '/inform_age{"age_group": "10_13"}'
    wa.post(channel_harness.whatsapp_webhook, wa.list_reply(wa_id, payload_id, "10 to 13"), app_secret=secret)
    received = wa.wait_until(lambda: wa.received_by_assistant(harness_redis, conversation_id(test_environment, wa_id)))
    assert received[0]["text"] == payload_id


def test_media_gets_a_kind_reply_and_is_not_read_as_text(channel_harness, harness_redis, fake_graph_api,
                                                         test_environment, secret):
    wa_id = wa.new_wa_id()
    status, body = wa.post(channel_harness.whatsapp_webhook, wa.voice_note(wa_id), app_secret=secret)
    assert status == 200 and body["accepted"] == 1
    replies = wa.wait_until(lambda: wa.sent_to(fake_graph_api, wa_id))
    # A first message: the child's language is not known yet, so the reply is in Arabic and English.
    assert replies[0]["text"]["body"] == f"{MEDIA_REPLY['ar']}\n\n{MEDIA_REPLY['en']}"
    assert wa.received_by_assistant(harness_redis, conversation_id(test_environment, wa_id)) == []


def test_a_picture_caption_is_read_as_the_childs_words(channel_harness, harness_redis, fake_graph_api,
                                                       test_environment, secret):
    wa_id = wa.new_wa_id()
    wa.post(channel_harness.whatsapp_webhook, wa.image(wa_id, caption="he keeps sending me this"), app_secret=secret)
    received = wa.wait_until(lambda: wa.received_by_assistant(harness_redis, conversation_id(test_environment, wa_id)))
    assert received[0]["text"] == "he keeps sending me this"
    assert received[0]["metadata"]["whatsapp_media_type"] == "image"
    replies = wa.wait_until(lambda: len(wa.sent_to(fake_graph_api, wa_id)) >= 2 and wa.sent_to(fake_graph_api, wa_id))
    assert "I can only read text messages" in replies[0]["text"]["body"]


def test_status_updates_are_acknowledged_and_ignored(channel_harness, harness_redis, fake_graph_api, secret):
    wa_id = wa.new_wa_id()
    status, body = wa.post(channel_harness.whatsapp_webhook, wa.status(wa_id, "read"), app_secret=secret)
    assert status == 200 and body == {"status": "ok", "accepted": 0, "duplicates": 0, "statuses": 1,
                                      "other_number": 0}
    time.sleep(1.5)
    assert wa.sent_to(fake_graph_api, wa_id) == []


# -- outbound ----------------------------------------------------------------------------------------------

def test_buttons_become_interactive_reply_buttons(channel_harness, fake_graph_api, secret):
    wa_id = wa.new_wa_id()
    wa.post(channel_harness.whatsapp_webhook, wa.text(wa_id, "/buttons"), app_secret=secret)
    reply = wa.wait_until(lambda: wa.sent_to(fake_graph_api, wa_id))[0]
    assert reply["type"] == "interactive" and reply["interactive"]["type"] == "button"
    assert reply["interactive"]["body"]["text"] == "Are you safe right now?"
    assert [button["reply"] for button in reply["interactive"]["action"]["buttons"]] == [
        {"id": "/affirm", "title": "Yes"}, {"id": "/deny", "title": "No"}, {"id": "/out_of_scope", "title": "Not sure"}]


def test_more_than_three_choices_become_a_list(channel_harness, fake_graph_api, secret):
    wa_id = wa.new_wa_id()
    wa.post(channel_harness.whatsapp_webhook, wa.text(wa_id, "/many"), app_secret=secret)
    reply = wa.wait_until(lambda: wa.sent_to(fake_graph_api, wa_id))[0]
    assert reply["interactive"]["type"] == "list"
    rows = reply["interactive"]["action"]["sections"][0]["rows"]
    assert len(rows) == 6 and all(len(row["title"]) <= 24 for row in rows)
    assert rows[0]["id"] == '/inform_age{"age_group": "under_10"}'


def test_outbound_retries_after_500_and_429_then_succeeds(channel_harness, fake_graph_api, secret):
    wa_id = wa.new_wa_id()
    fake_graph_api.fail_next(500, 429)
    wa.post(channel_harness.whatsapp_webhook, wa.text(wa_id, "hello?"), app_secret=secret)
    wa.wait_until(lambda: wa.sent_to(fake_graph_api, wa_id))
    attempts = [attempt["status"] for attempt in fake_graph_api.attempts() if attempt["body"].get("to") == wa_id]
    assert attempts == [500, 429, 200]


def test_bot_reply_that_keeps_failing_is_recorded_not_retried_forever(channel_harness, harness_redis,
                                                                       fake_graph_api, test_environment, secret):
    wa_id = wa.new_wa_id()
    fake_graph_api.fail_next(500, 500, 500, 500)
    wa.post(channel_harness.whatsapp_webhook, wa.text(wa_id, "hello?"), app_secret=secret)
    conversation = conversation_id(test_environment, wa_id)
    error = wa.wait_until(lambda: harness_redis.get(f"whatsapp:delivery_error:{conversation}"))
    assert '"reason": "graph_api_unavailable"' in error
    time.sleep(1.0)
    attempts = [attempt for attempt in fake_graph_api.attempts() if attempt["body"].get("to") == wa_id]
    assert len(attempts) == 4  # bounded: the configured number of attempts, then it gives up


# -- durability --------------------------------------------------------------------------------------------

def test_a_message_interrupted_by_a_crash_is_handled_after_the_restart(channel_harness, harness_redis,
                                                                       fake_graph_api, test_environment, secret):
    wa_id = wa.new_wa_id()
    harness_redis.delete("harness:crashed")
    status, _ = wa.post(channel_harness.whatsapp_webhook, wa.text(wa_id, "/crash-once"), app_secret=secret)
    assert status == 200                          # acknowledged: Meta will not send it again
    assert channel_harness.wait_for_exit() == 3   # the server died while handling it
    channel_harness.start()                       # ... and on restart it handles it
    conversation = conversation_id(test_environment, wa_id)
    received = wa.wait_until(lambda: wa.received_by_assistant(harness_redis, conversation), timeout_s=30)
    assert received[0]["text"] == "/crash-once"
    wa.wait_until(lambda: wa.sent_to(fake_graph_api, wa_id))


# -- counsellor replies through the API path Rasa uses -------------------------------------------------------

def _post_events(harness, conversation: str, event: dict):
    return wa.post(f"{harness.url}/conversations/{conversation}/tracker/events"
                   "?output_channel=latest&execute_side_effects=true", event)


def test_a_counsellor_reply_posted_as_a_bot_event_reaches_whatsapp(channel_harness, harness_redis, fake_graph_api,
                                                                 test_environment, secret):
    wa_id = wa.new_wa_id()
    wa.post(channel_harness.whatsapp_webhook, wa.text(wa_id, "I need to talk to a person"), app_secret=secret)
    conversation = conversation_id(test_environment, wa_id)
    wa.wait_until(lambda: wa.received_by_assistant(harness_redis, conversation))
    status, _ = _post_events(channel_harness, conversation, {
        "event": "bot", "text": "مرحباً، أنا مريم من فريق المساندة. أنا معك.",
        "metadata": {"counsellor": True, "counsellor_name": "مريم"}})
    assert status == 200
    bodies = [message["text"]["body"] for message in wa.sent_to(fake_graph_api, wa_id) if message["type"] == "text"]
    assert "*مريم*\nمرحباً، أنا مريم من فريق المساندة. أنا معك." in bodies


def test_a_counsellor_reply_after_24_hours_gets_the_window_error_from_the_api(channel_harness, harness_redis,
                                                                            fake_graph_api, test_environment, secret):
    wa_id = wa.new_wa_id()
    wa.post(channel_harness.whatsapp_webhook, wa.text(wa_id, "hi", timestamp=int(time.time()) - 30 * 3600),
            app_secret=secret)
    conversation = conversation_id(test_environment, wa_id)
    wa.wait_until(lambda: wa.received_by_assistant(harness_redis, conversation))
    before = len(wa.sent_to(fake_graph_api, wa_id))
    status, body = _post_events(channel_harness, conversation, {
        "event": "bot", "text": "Are you ok?", "metadata": {"counsellor": True, "counsellor_name": "Sam"}})
    assert status == 500
    assert "WhatsApp delivery failed (window_closed)" in body["message"]
    assert "the child last wrote 30 hours ago" in body["message"]
    assert len(wa.sent_to(fake_graph_api, wa_id)) == before
