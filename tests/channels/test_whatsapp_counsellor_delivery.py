"""Counsellor messages on WhatsApp: the output channel Rasa's HTTP API uses (`get_output_channel()`),
with a real Redis and the fake Graph API. The 24-hour customer-service window is a contract with the
counsellor console: see docs/channels.md."""
from __future__ import annotations

import json
import time

import pytest

import whatsapp_webhooks as wa
from bot.channels.whatsapp import WhatsAppInput
from bot.channels.whatsapp_graph import WhatsAppDeliveryError

pytestmark = pytest.mark.integration


@pytest.fixture()
async def channel(test_environment, redis_server, fake_graph_api, monkeypatch):
    monkeypatch.setenv("REDIS_DB", "1")
    channel = WhatsAppInput(test_environment["WHATSAPP_VERIFY_TOKEN"], test_environment["WHATSAPP_APP_SECRET"],
                            test_environment["WHATSAPP_ACCESS_TOKEN"], test_environment["WHATSAPP_PHONE_NUMBER_ID"],
                            api_url=fake_graph_api.api_url, retry_base_delay_s=0.01)
    yield channel
    await channel.stop()
    await channel.redis().close()


async def _child_wrote(channel: WhatsAppInput, wa_id: str, seconds_ago: int) -> str:
    conversation = channel.conversation_id(wa_id)
    await channel.inbox().store(conversation, wa_id, {
        "message_id": wa.new_message_id(), "timestamp": int(time.time()) - seconds_ago, "kind": "text",
        "text": "hi", "title": "", "media_type": ""})
    return conversation


async def test_counsellor_reply_inside_the_window_reaches_whatsapp_with_the_counsellors_name(channel, fake_graph_api):
    wa_id = wa.new_wa_id()
    conversation = await _child_wrote(channel, wa_id, seconds_ago=3600)
    output = channel.get_output_channel()
    await output.send_response(conversation, {"text": "أنا هنا معك، هل أنت بأمان الآن؟", "counsellor": True,
                                              "counsellor_name": "Mariam"})
    [message] = wa.sent_to(fake_graph_api, wa_id)
    assert message["text"]["body"] == "*Mariam*\nأنا هنا معك، هل أنت بأمان الآن؟"
    assert message["messaging_product"] == "whatsapp"


async def test_counsellor_reply_outside_the_24_hour_window_is_refused_with_a_clear_error(channel, fake_graph_api):
    wa_id = wa.new_wa_id()
    conversation = await _child_wrote(channel, wa_id, seconds_ago=25 * 3600)
    output = channel.get_output_channel()
    with pytest.raises(WhatsAppDeliveryError) as refused:
        await output.send_response(conversation, {"text": "Are you still there?", "counsellor": True,
                                                  "counsellor_name": "Sam"})
    assert refused.value.reason == "window_closed"
    assert "24 hours" in str(refused.value) and "template" in str(refused.value)
    assert wa.sent_to(fake_graph_api, wa_id) == []
    recorded = json.loads(await channel.redis().get(f"whatsapp:delivery_error:{conversation}"))
    assert recorded["reason"] == "window_closed" and recorded["counsellor"] is True


async def test_an_approved_template_may_be_sent_outside_the_window(channel, fake_graph_api):
    wa_id = wa.new_wa_id()
    conversation = await _child_wrote(channel, wa_id, seconds_ago=3 * 24 * 3600)
    template = {"type": "template", "template": {"name": "counsellor_follow_up", "language": {"code": "ar"}}}
    await channel.get_output_channel().send_response(conversation, {"custom": {"whatsapp": template},
                                                                    "counsellor": True})
    [message] = wa.sent_to(fake_graph_api, wa_id)
    assert message["type"] == "template" and message["template"]["name"] == "counsellor_follow_up"


async def test_whatsapps_own_window_refusal_is_reported_to_the_counsellor(channel, fake_graph_api):
    wa_id = wa.new_wa_id()
    conversation = await _child_wrote(channel, wa_id, seconds_ago=60)
    fake_graph_api.fail_next(131047)
    with pytest.raises(WhatsAppDeliveryError) as refused:
        await channel.get_output_channel().send_response(conversation, {"text": "Hello", "counsellor": True})
    assert refused.value.reason == "window_closed"


async def test_a_conversation_without_a_known_number_cannot_be_answered(channel):
    with pytest.raises(WhatsAppDeliveryError) as refused:
        await channel.get_output_channel().send_response("wa-unknown", {"text": "Hello", "counsellor": True})
    assert refused.value.reason == "no_recipient"
