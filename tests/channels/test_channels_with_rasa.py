"""Both channels with the real system (`stack`: Redis, action server, Rasa server with the newest model):
a child on the web chat or WhatsApp, the assistant answering, and a counsellor answering through Rasa's
HTTP API (`POST /conversations/<id>/tracker/events?output_channel=latest&execute_side_effects=true`),
the way the counsellor console does. WhatsApp goes to the fake Graph API."""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

import webchat_browser as chat
import whatsapp_webhooks as wa
from bot.channels.whatsapp import WhatsAppInput
from bot.settings import PROJECT_ROOT

pytestmark = pytest.mark.integration
REPORTS = PROJECT_ROOT / "reports"


def rasa_api(stack, path: str, body=None, method: str = "POST"):
    """Call Rasa's HTTP API with the stack's token; returns (status, JSON body)."""
    separator = "&" if "?" in path else "?"
    url = f"{stack.urls['Rasa server']}{path}{separator}token={stack.env['RASA_TOKEN']}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def push_bot_message(stack, conversation_id: str, text: str, metadata=None, buttons=None):
    """What the counsellor console does: append a bot event and deliver it through the child's channel."""
    event = {"event": "bot", "text": text, "timestamp": time.time(), "metadata": metadata or {}}
    if buttons:
        event["data"] = {"buttons": buttons}
    return rasa_api(stack, f"/conversations/{conversation_id}/tracker/events"
                           "?output_channel=latest&execute_side_effects=true", event)


def counsellor(name: str = "Mariam") -> dict:
    return {"counsellor": True, "counsellor_name": name}


def tracker_events(stack, conversation_id: str):
    status, tracker = rasa_api(stack, f"/conversations/{conversation_id}/tracker", method="GET")
    assert status == 200
    return tracker["events"]


# -- WhatsApp --------------------------------------------------------------------------------------------

@pytest.fixture()
def whatsapp(stack, fake_graph_api):
    env = stack.env
    channel = WhatsAppInput(env["WHATSAPP_VERIFY_TOKEN"], env["WHATSAPP_APP_SECRET"], "unused",
                            env["WHATSAPP_PHONE_NUMBER_ID"])

    class WhatsAppChild:
        def __init__(self) -> None:
            self.wa_id = wa.new_wa_id()
            self.conversation_id = channel.conversation_id(self.wa_id)

        def sends(self, payload) -> None:
            status, _ = wa.post(stack.urls["WhatsApp webhook"], payload, app_secret=env["WHATSAPP_APP_SECRET"])
            assert status == 200

        def received(self):
            return wa.sent_to(fake_graph_api, self.wa_id)

    return WhatsAppChild


def test_whatsapp_text_gets_the_assistants_reply(whatsapp):
    child = whatsapp()
    child.sends(wa.text(child.wa_id, "مرحبا"))
    replies = wa.wait_until(child.received, timeout_s=60)
    assert replies[0]["type"] in ("text", "interactive")


def test_counsellor_reply_through_rasas_api_reaches_whatsapp(stack, whatsapp):
    child = whatsapp()
    child.sends(wa.text(child.wa_id, "hi"))
    before = len(wa.wait_until_settled(child.received))
    status, _ = push_bot_message(stack, child.conversation_id, "I'm Mariam, a counsellor. I'm here with you.",
                                 counsellor())
    assert status == 200
    [delivered] = wa.wait_until(lambda: child.received()[before:], timeout_s=30)
    assert delivered["text"]["body"] == "*Mariam*\nI'm Mariam, a counsellor. I'm here with you."


def test_counsellor_reply_outside_the_24_hour_window_is_refused_and_not_stored(stack, whatsapp, redis_server):
    child = whatsapp()
    child.sends(wa.text(child.wa_id, "hi"))
    wa.wait_until(child.received, timeout_s=60)
    redis_server.client().set(f"whatsapp:last_inbound:{child.conversation_id}", int(time.time()) - 25 * 3600)
    status, body = push_bot_message(stack, child.conversation_id, "Are you still there?", counsellor())
    assert status == 500 and "window_closed" in body["message"] and "template" in body["message"]
    assert "Are you still there?" not in [event.get("text") for event in tracker_events(stack, child.conversation_id)]
    recorded = json.loads(redis_server.client().get(f"whatsapp:delivery_error:{child.conversation_id}"))
    assert recorded["reason"] == "window_closed"


def test_a_voice_note_gets_a_kind_reply_is_noted_for_counsellors_and_the_chat_goes_on(whatsapp, stack):
    child = whatsapp()
    child.sends(wa.voice_note(child.wa_id))
    [kind_reply] = wa.wait_until(child.received, timeout_s=60)
    # A first message without words is answered in the helpline's default language, Arabic.
    assert "الرسائل المكتوبة" in kind_reply["text"]["body"]
    notes = [event for event in tracker_events(stack, child.conversation_id)
             if event["event"] == "user" and (event.get("metadata") or {}).get("unsupported_media")]
    assert notes and notes[0]["metadata"]["whatsapp_media_type"] == "voice"
    child.sends(wa.text(child.wa_id, "hello"))
    wa.wait_until(lambda: len(child.received()) >= 2, timeout_s=60)


def test_a_voice_note_is_answered_in_the_language_the_child_writes(whatsapp):
    child = whatsapp()
    child.sends(wa.text(child.wa_id, "hi"))
    # The welcome comes as several messages; wait for all of them before the voice note.
    already = len(wa.wait_until_settled(child.received))
    child.sends(wa.voice_note(child.wa_id))
    replies = wa.wait_until(lambda: child.received()[already:], timeout_s=60)
    assert "I can only read text messages" in replies[0]["text"]["body"]


# -- web chat --------------------------------------------------------------------------------------------

def _session_id(page) -> str:
    return json.loads(page.evaluate("sessionStorage.getItem('helpline-chat')"))["id"]


def _webchat(stack) -> str:
    return stack.urls["Web chat"]


@pytest.mark.browser
def test_an_arabic_bot_message_is_right_to_left(stack, chromium_path):
    with chat.chromium(chromium_path) as browser:
        page = chat.new_page(browser)
        chat.choose_language(page, _webchat(stack), "ar")
        page.wait_for_selector(".message--assistant .message-text[lang=ar]")
        direction = page.eval_on_selector(".message--assistant .message-text[lang=ar]",
                                          "node => getComputedStyle(node).direction")
        assert direction == "rtl"


@pytest.mark.browser
def test_a_button_click_gets_a_reply(stack, chromium_path):
    with chat.chromium(chromium_path) as browser:
        page = chat.new_page(browser)
        chat.choose_language(page, _webchat(stack), "en")
        page.wait_for_selector(".message--assistant")
        status, _ = push_bot_message(stack, _session_id(page), "Would you like to keep talking?",
                                     buttons=[{"title": "Yes", "payload": "/affirm"},
                                              {"title": "No", "payload": "/deny"}])
        assert status == 200
        page.wait_for_selector(".quick-reply >> text=Yes")
        before = page.locator(".message--assistant").count()
        page.click(".quick-reply >> text=Yes")
        chat.wait_for_count(page, ".message--assistant", before + 1)
        assert page.locator(".message--child .message-text >> text=Yes").count() == 1


@pytest.mark.browser
def test_a_counsellor_message_sent_through_rasas_api_arrives_in_the_open_page(stack, chromium_path):
    with chat.chromium(chromium_path) as browser:
        page = chat.new_page(browser)
        chat.choose_language(page, _webchat(stack), "en")
        page.wait_for_selector(".message--assistant")
        assert page.get_attribute("#talking-to", "data-talking-to") == "assistant"

        status, _ = push_bot_message(stack, _session_id(page), "Hi, I'm Mariam from the helpline. I'm here now.",
                                     counsellor())
        assert status == 200
        page.wait_for_selector(".message--counsellor >> text=I'm here now")
        assert page.get_attribute("#talking-to", "data-talking-to") == "counsellor"
        assert "Mariam" in page.inner_text("#talking-to")

        push_bot_message(stack, _session_id(page), "You're back with the assistant.", {"back_to_bot": True})
        page.wait_for_selector("#talking-to[data-talking-to=assistant]")


@pytest.mark.browser
def test_a_reopened_page_rejoins_its_conversation_and_still_gets_counsellor_messages(stack, chromium_path):
    with chat.chromium(chromium_path) as browser:
        page = chat.new_page(browser)
        chat.choose_language(page, _webchat(stack), "ar")
        page.wait_for_selector(".message--assistant")
        session_id = _session_id(page)
        page.reload()
        page.wait_for_selector(".message--assistant")        # the conversation is shown again
        assert _session_id(page) == session_id
        push_bot_message(stack, session_id, "أنا مريم من فريق خط المساندة، أنا معك الآن.", counsellor("مريم"))
        page.wait_for_selector(".message--counsellor")


@pytest.mark.browser
def test_screenshots_for_review(stack, chromium_path):
    """Phone (Arabic) and desktop (English) views with a counsellor message, into reports/ for people to look at."""
    REPORTS.mkdir(exist_ok=True)
    with chat.chromium(chromium_path) as browser:
        for viewport, language, name, text in [
                (chat.PHONE, "ar", "webchat-phone-ar.png", "أنا مريم من فريق خط المساندة. أنا هنا معك، خذ وقتك."),
                (chat.DESKTOP, "en", "webchat-desktop-en.png", "I'm Mariam from the helpline. I'm here with you.")]:
            page = chat.new_page(browser, viewport)
            page.goto(_webchat(stack), timeout=chat.TIMEOUT_MS)
            page.screenshot(path=str(REPORTS / name.replace(".png", "-welcome.png")))
            page.click(f"button[data-lang={language}]")
            page.wait_for_selector(".message--assistant")
            chat.send(page, "انا حزين اليوم" if language == "ar" else "I feel sad today")
            chat.wait_for_count(page, ".message--assistant", 2)
            push_bot_message(stack, _session_id(page), text, counsellor("مريم" if language == "ar" else "Mariam"))
            page.wait_for_selector(".message--counsellor")
            page.screenshot(path=str(REPORTS / name))
            assert Path(REPORTS / name).stat().st_size > 10_000
