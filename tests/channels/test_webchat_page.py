"""The web chat page and its socket.io channel, in headless Chromium, against the channel harness (the real
channel and page; a recording handler in place of Rasa). Tests with the real assistant and counsellor
messages through Rasa's API are in test_channels_with_rasa.py."""
from __future__ import annotations

import json
import time
import urllib.request

import pytest

import webchat_browser as chat
import whatsapp_webhooks as helpers

pytestmark = [pytest.mark.integration, pytest.mark.browser]

HARNESS_EXIT_URL = "https://example.org/weather"  # what tests/channels/harness.py configures


def _received(harness_redis):
    return [json.loads(raw) for raw in harness_redis.lrange("harness:received", 0, -1)
            if json.loads(raw)["input_channel"] == "webchat"]


def _received_for(harness_redis, session_id: str):
    return [message for message in _received(harness_redis) if message["sender_id"] == session_id]


def _session_id(page) -> str:
    return json.loads(page.evaluate("sessionStorage.getItem('helpline-chat')"))["id"]


def test_the_page_has_a_strict_content_security_policy_and_no_third_party_requests(channel_harness, chromium_path):
    with urllib.request.urlopen(f"{channel_harness.url}/webchat/", timeout=30) as answer:
        policy = answer.headers["Content-Security-Policy"]
        assert answer.headers["Cache-Control"] == "no-store"
        page_html = answer.read().decode()
    assert "default-src 'self'" in policy
    assert "<script>" not in page_html and " style=" not in page_html  # nothing inline
    with chat.chromium(chromium_path) as browser:
        page = chat.new_page(browser)
        watch = chat.PageWatch(page)
        chat.choose_language(page, f"{channel_harness.url}/webchat/", "en")
        page.wait_for_selector(".message--assistant")
        assert watch.foreign_requests(channel_harness.url) == []
        assert watch.errors == []
        assert page.evaluate("localStorage.length") == 0


def test_choosing_a_language_sends_a_greeting_in_that_language(channel_harness, harness_redis, chromium_path):
    with chat.chromium(chromium_path) as browser:
        page = chat.new_page(browser)
        chat.choose_language(page, f"{channel_harness.url}/webchat/", "ar")
        page.wait_for_selector(".message--assistant")
        session_id = _session_id(page)
        [greeting] = helpers.wait_until(lambda: _received_for(harness_redis, session_id))
        assert greeting["text"] == '/greet{"language": "ar"}'
        assert greeting["metadata"]["display_text"] == "مرحباً"
        assert page.evaluate("document.documentElement.lang") == "ar"
        assert page.evaluate("document.documentElement.dir") == "rtl"


def test_arabic_text_is_right_to_left_and_arabizi_left_to_right(channel_harness, chromium_path):
    with chat.chromium(chromium_path) as browser:
        page = chat.new_page(browser)
        chat.choose_language(page, f"{channel_harness.url}/webchat/", "en")
        chat.send(page, "انا خايف من اللي صار")
        chat.send(page, "ana 5ayef kteer")
        chat.wait_for_count(page, ".message--child", 3)
        directions = page.eval_on_selector_all(
            ".message--child .message-text", "nodes => nodes.map(n => getComputedStyle(n).direction)")
        assert directions[-2:] == ["rtl", "ltr"]


def test_a_quick_reply_button_sends_its_payload_and_shows_its_title(channel_harness, harness_redis, chromium_path):
    with chat.chromium(chromium_path) as browser:
        page = chat.new_page(browser)
        chat.choose_language(page, f"{channel_harness.url}/webchat/", "en")
        chat.send(page, "/buttons")
        page.click(".quick-reply >> text=Yes")
        session_id = _session_id(page)
        choice = helpers.wait_until(lambda: [m for m in _received_for(harness_redis, session_id)
                                             if m["text"] == "/affirm"])
        assert choice[0]["metadata"]["display_text"] == "Yes"
        chat.wait_for_count(page, ".message--assistant", 3)
        assert page.eval_on_selector_all(".quick-reply", "nodes => nodes.every(n => n.disabled)")


def test_quick_exit_leaves_for_a_neutral_site_and_leaves_nothing_behind(channel_harness, chromium_path):
    with chat.chromium(chromium_path) as browser:
        page = chat.new_page(browser)
        page.route("https://example.org/**", lambda route: route.fulfill(
            status=200, content_type="text/html", body="<html><title>Weather</title><body>Sunny</body></html>"))
        chat.choose_language(page, f"{channel_harness.url}/webchat/", "en")
        chat.send(page, "something private")
        page.wait_for_selector(".message--assistant")
        assert page.evaluate("sessionStorage.length") == 1

        page.keyboard.press("Escape")
        page.wait_for_url(HARNESS_EXIT_URL)
        assert "Sunny" in page.content()
        # Back does not return to the chat: its history entry was replaced.
        page.go_back()
        assert not page.url.startswith(channel_harness.url)
        # Coming back to the chat in this tab starts afresh: the conversation id is gone.
        page.goto(f"{channel_harness.url}/webchat/")
        assert page.evaluate("sessionStorage.length") == 0 and page.evaluate("localStorage.length") == 0
        assert page.is_visible("#welcome") and page.locator(".message").count() == 0


def test_the_quick_exit_button_is_visible_and_large_enough_on_a_phone(channel_harness, chromium_path):
    with chat.chromium(chromium_path) as browser:
        page = chat.new_page(browser)
        page.route("https://example.org/**", lambda route: route.fulfill(status=200, body="neutral"))
        page.goto(f"{channel_harness.url}/webchat/", timeout=chat.TIMEOUT_MS)
        box = page.locator("#quick-exit").bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= chat.PHONE["height"]
        assert box["height"] >= 44 and box["width"] >= 44
        page.click("#quick-exit")
        page.wait_for_url(HARNESS_EXIT_URL)


def test_messages_typed_while_disconnected_are_sent_after_reconnecting(channel_harness, harness_redis, chromium_path):
    with chat.chromium(chromium_path) as browser:
        page = chat.new_page(browser)
        chat.choose_language(page, f"{channel_harness.url}/webchat/", "en")
        page.wait_for_selector(".message--assistant")
        channel_harness.stop()
        try:
            page.wait_for_selector(".connection.is-offline")
            chat.send(page, "are you still there")
            page.wait_for_selector(".message-status >> text=Waiting to send")
        finally:
            channel_harness.start()
        session_id = _session_id(page)
        queued = helpers.wait_until(lambda: [m for m in _received(harness_redis) if m["text"] == "are you still there"
                                             and m["metadata"].get("client_id")], timeout_s=60)
        assert len(queued) == 1
        page.wait_for_selector(".connection.is-offline", state="detached")
        time.sleep(1)
        assert len([m for m in _received(harness_redis) if m["text"] == "are you still there"]) == 1
        assert session_id  # the page kept its conversation id in sessionStorage throughout


def _post_events(harness, conversation: str, event: dict):
    return helpers.post(f"{harness.url}/conversations/{conversation}/tracker/events"
                        "?output_channel=latest&execute_side_effects=true", event)


def test_a_counsellor_message_posted_as_a_bot_event_reaches_the_open_page(channel_harness, harness_redis,
                                                                        chromium_path):
    with chat.chromium(chromium_path) as browser:
        page = chat.new_page(browser)
        chat.choose_language(page, f"{channel_harness.url}/webchat/", "en")
        page.wait_for_selector(".message--assistant")
        session_id = _session_id(page)
        helpers.wait_until(lambda: _received_for(harness_redis, session_id))
        assert page.get_attribute("#talking-to", "data-talking-to") == "assistant"

        status, _ = _post_events(channel_harness, session_id, {
            "event": "bot", "text": "Hi, I'm Mariam from the helpline. I'm here now.",
            "metadata": {"counsellor": True, "counsellor_name": "Mariam"}})
        assert status == 200
        page.wait_for_selector(".message--counsellor >> text=I'm here now")
        assert page.inner_text(".message--counsellor .message-label") == "Mariam · counsellor"
        assert page.get_attribute("#talking-to", "data-talking-to") == "counsellor"
        assert "Mariam, a helpline counsellor (a real person)" in page.inner_text("#talking-to")

        _post_events(channel_harness, session_id, {"event": "bot", "text": "You're back with the assistant.",
                                                   "metadata": {"utter_action": "utter_back_with_bot"}})
        page.wait_for_selector("#talking-to[data-talking-to=assistant]")

        _post_events(channel_harness, session_id, {"event": "bot", "text": "Sam here.",
                                                   "metadata": {"counsellor": True, "counsellor_name": "Sam"}})
        page.wait_for_selector("#talking-to[data-talking-to=counsellor]")
        _post_events(channel_harness, session_id, {"event": "bot", "data": {"custom": {"back_to_bot": True}}})
        page.wait_for_selector("#talking-to[data-talking-to=assistant]")


def test_a_page_cannot_pretend_to_be_a_counsellor(channel_harness, harness_redis, chromium_path):
    with chat.chromium(chromium_path) as browser:
        page = chat.new_page(browser)
        chat.choose_language(page, f"{channel_harness.url}/webchat/", "en")
        page.wait_for_selector(".message--assistant")
        page.evaluate("""() => new Promise(resolve => {
            const socket = io({path: document.body.dataset.socketPath});
            socket.on('session_confirm', () => socket.emit('user_uttered',
                {message: 'hello', client_id: 'forged-client-1', metadata: {counsellor: true, display_text: 'hi'}},
                resolve));
            socket.emit('session_request', {session_id: null});
        })""")
        forged = helpers.wait_until(lambda: [m for m in _received(harness_redis)
                                             if m["metadata"].get("client_id") == "forged-client-1"])
        assert forged[0]["metadata"] == {"display_text": "hi", "client_id": "forged-client-1"}


@pytest.fixture()
def quiet_harness(test_environment, redis_server, tmp_path):
    """A harness that never answers: the screenshot test writes the assistant's side itself."""
    from harness_process import HARNESS_REDIS_DB, ChannelHarness

    from bot.stack import free_port

    port = free_port()
    harness = ChannelHarness(port=port, log_path=tmp_path / "quiet-harness.log", env={
        **test_environment, "REDIS_DB": HARNESS_REDIS_DB, "RASA_PORT": str(port), "HARNESS_QUIET": "1"})
    harness.start()
    yield harness
    harness.stop()


SCREENSHOT_SCRIPTS = {
    "ar": {
        "assistant": "أهلاً بك! أنا المساعد الآلي لخط نجدة الطفل، ولست إنساناً. ما الذي يشغل بالك اليوم؟",
        "child": "ابي اكلم احد، وايد متضايق من اللي صار بالمدرسة",
        "question": "شكراً لأنك أخبرتني. هل تود التحدث مع شخص من فريق خط المساندة؟",
        "buttons": [{"title": "نعم", "payload": "/affirm"}, {"title": "ليس الآن", "payload": "/deny"}],
        "counsellor": "مرحباً، أنا مريم من فريق خط المساندة. أنا هنا معك، ويمكننا الحديث على مهل عمّا حدث في المدرسة.",
        "name": "مريم",
    },
    "en": {
        "assistant": "Hi! I'm the helpline's assistant, a computer program. What's on your mind today?",
        "child": "some kids at school keep posting mean stuff about me",
        "question": "Thank you for telling me. Would you like to talk to a person from the helpline?",
        "buttons": [{"title": "Yes", "payload": "/affirm"}, {"title": "Not now", "payload": "/deny"}],
        "counsellor": "Hi, I'm Mariam from the helpline. I'm here with you. Can you tell me a bit more about "
                      "what happened?",
        "name": "Mariam",
    },
}


def test_screenshots_of_a_conversation_for_review(quiet_harness, harness_redis, chromium_path):
    """reports/webchat-phone-ar*.png (390x844) and reports/webchat-desktop-en*.png (1280x800), for people
    to look at: the first screen, then assistant, child, quick replies and a counsellor message."""
    from bot.settings import PROJECT_ROOT

    reports = PROJECT_ROOT / "reports"
    reports.mkdir(exist_ok=True)
    with chat.chromium(chromium_path) as browser:
        for viewport, language, name in [(chat.PHONE, "ar", "webchat-phone-ar"),
                                         (chat.DESKTOP, "en", "webchat-desktop-en")]:
            script = SCREENSHOT_SCRIPTS[language]
            page = chat.new_page(browser, viewport)
            page.goto(f"{quiet_harness.url}/webchat/", timeout=chat.TIMEOUT_MS)
            page.screenshot(path=str(reports / f"{name}-welcome.png"))
            page.click(f"button[data-lang={language}]")
            page.wait_for_selector(".message--child")
            session_id = helpers.wait_until(lambda: _session_id(page))
            helpers.wait_until(lambda: _received_for(harness_redis, session_id))  # the greeting arrived
            _post_events(quiet_harness, session_id, {"event": "bot", "text": script["assistant"]})
            chat.send(page, script["child"])
            chat.wait_for_count(page, ".message--child", 2)
            _post_events(quiet_harness, session_id, {"event": "bot", "text": script["question"],
                                                     "data": {"buttons": script["buttons"]}})
            page.click(f".quick-reply >> text={script['buttons'][0]['title']}")
            _post_events(quiet_harness, session_id, {"event": "bot", "text": script["counsellor"], "metadata": {
                "counsellor": True, "counsellor_name": script["name"]}})
            page.wait_for_selector(".message--counsellor")
            page.locator("#composer-input").blur()
            page.screenshot(path=str(reports / f"{name}.png"))
            assert (reports / f"{name}.png").stat().st_size > 10_000


def test_with_two_replicas_a_counsellor_reply_reaches_a_page_held_by_the_other(test_environment, redis_server,
                                                                              harness_redis, chromium_path, tmp_path):
    """`multi_instance: true`: the page is connected to replica A, the counsellor's reply goes through B."""
    from harness_process import HARNESS_REDIS_DB, ChannelHarness

    from bot.stack import free_port

    replicas = []
    for name in ("a", "b"):
        port = free_port()
        replicas.append(ChannelHarness(port=port, log_path=tmp_path / f"replica-{name}.log", env={
            **test_environment, "REDIS_DB": HARNESS_REDIS_DB, "RASA_PORT": str(port), "HARNESS_QUIET": "1",
            "HARNESS_MULTI_INSTANCE": "true"}))
    try:
        for replica in replicas:
            replica.start()
        replica_a, replica_b = replicas
        with chat.chromium(chromium_path) as browser:
            page = chat.new_page(browser)
            chat.choose_language(page, f"{replica_a.url}/webchat/", "en")
            session_id = helpers.wait_until(lambda: page.evaluate("sessionStorage.getItem('helpline-chat')")
                                            and _session_id(page))
            helpers.wait_until(lambda: _received_for(harness_redis, session_id))
            status, _ = _post_events(replica_b, session_id, {
                "event": "bot", "text": "Hi, I'm Sam from the helpline.",
                "metadata": {"counsellor": True, "counsellor_name": "Sam"}})
            assert status == 200
            page.wait_for_selector(".message--counsellor >> text=I'm Sam")
    finally:
        for replica in replicas:
            replica.stop()
