"""Reading WhatsApp webhook payloads and building outbound messages (pure functions, no servers)."""
from __future__ import annotations

import pytest

import whatsapp_webhooks as wa
from bot.channels.whatsapp import WhatsAppInput
from bot.channels.whatsapp_payloads import PayloadError, interactive_message, read_webhook, split_text

NOW = 1_760_000_000


def test_text_message_is_read_with_sender_id_and_timestamp():
    content = read_webhook(wa.text("97400111222", "hello", message_id="wamid.A", timestamp=NOW - 5), NOW)
    [message] = content.messages
    assert (message.kind, message.text, message.wa_id, message.message_id, message.timestamp) == (
        "text", "hello", "97400111222", "wamid.A", NOW - 5)
    assert message.phone_number_id == wa.PHONE_NUMBER_ID


def test_button_and_list_replies_carry_their_id_and_title():
    [button] = read_webhook(wa.button_reply("97400111222", "/affirm", "Yes"), NOW).messages
    [choice] = read_webhook(wa.list_reply("97400111222", "/deny", "No"), NOW).messages
    assert (button.kind, button.text, button.title) == ("reply", "/affirm", "Yes")
    assert (choice.kind, choice.text, choice.title) == ("reply", "/deny", "No")


@pytest.mark.parametrize("payload, media_type", [
    (wa.image("97400111222"), "image"),
    (wa.voice_note("97400111222"), "voice"),
    (wa.inbound("97400111222", {"type": "sticker", "sticker": {"id": "1", "animated": False}}), "sticker"),
    (wa.inbound("97400111222", {"type": "location", "location": {"latitude": 25.28, "longitude": 51.52}}),
     "location"),
    (wa.inbound("97400111222", {"type": "document", "document": {"id": "1", "filename": "a.pdf"}}), "document"),
    (wa.inbound("97400111222", {"type": "video", "video": {"id": "1"}}), "video"),
    (wa.inbound("97400111222", {"type": "unsupported", "errors": [{"code": 131051}]}), "unsupported"),
])
def test_media_and_unknown_kinds_are_media(payload, media_type):
    [message] = read_webhook(payload, NOW).messages
    assert (message.kind, message.media_type, message.text) == ("media", media_type, "")


def test_reactions_need_no_answer():
    payload = wa.inbound("97400111222", {"type": "reaction", "reaction": {"message_id": "wamid.X", "emoji": "👍"}})
    [message] = read_webhook(payload, NOW).messages
    assert message.kind == "silent"


def test_statuses_are_counted_not_read_as_messages():
    content = read_webhook(wa.status("97400111222"), NOW)
    assert content.messages == [] and content.statuses == 1


def test_a_payload_that_is_not_an_object_is_an_error():
    with pytest.raises(PayloadError):
        read_webhook([1, 2, 3], NOW)


def test_three_short_choices_are_reply_buttons():
    messages, form = interactive_message("97400111222", "Is that ok?", [
        {"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}])
    assert form == "buttons" and len(messages) == 1
    assert messages[0]["interactive"]["action"]["buttons"][1] == {"type": "reply",
                                                                  "reply": {"id": "/deny", "title": "No"}}


def test_a_long_title_turns_buttons_into_a_list_that_keeps_the_whole_title():
    title = "I would rather not say how old I am"
    messages, form = interactive_message("97400111222", "كم عمرك؟", [
        {"title": "Under 10", "payload": "/a"}, {"title": title, "payload": "/b"}], language="ar")
    assert form == "list"
    action = messages[0]["interactive"]["action"]
    assert action["button"] == "الخيارات"
    row = action["sections"][0]["rows"][1]
    assert len(row["title"]) <= 24 and row["description"] == title


def test_more_than_ten_choices_fall_back_to_a_numbered_text():
    buttons = [{"title": f"Choice {n}", "payload": f"/c{n}"} for n in range(1, 13)]
    messages, form = interactive_message("97400111222", "Pick one", buttons)
    assert form == "text" and messages[0]["type"] == "text"
    assert "12. Choice 12" in messages[0]["text"]["body"]


def test_long_text_is_split_at_paragraphs_within_whatsapps_limit():
    text = ("A" * 3000) + "\n\n" + ("B" * 3000)
    parts = split_text(text)
    assert parts == ["A" * 3000, "B" * 3000]


def test_the_conversation_id_is_a_keyed_pseudonym_not_the_number():
    channel = WhatsAppInput("verify", "secret-1", "token", "123")
    other_key = WhatsAppInput("verify", "secret-2", "token", "123")
    conversation = channel.conversation_id("97400111222")
    assert conversation.startswith("wa-") and "97400111222" not in conversation
    assert conversation == channel.conversation_id("97400111222")
    assert conversation != other_key.conversation_id("97400111222")


def test_signature_check_accepts_only_the_right_hmac():
    channel = WhatsAppInput("verify", "app-secret", "token", "123")
    body = b'{"object": "whatsapp_business_account"}'
    assert channel.valid_signature(body, wa.sign(body, "app-secret"))
    assert not channel.valid_signature(body, wa.sign(body, "other"))
    assert not channel.valid_signature(body + b" ", wa.sign(body, "app-secret"))
    assert not channel.valid_signature(body, None)
    assert not channel.valid_signature(body, "sha256=é")
