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
        page.wait_for_function("document.querySelectorAll('.message--child').length >= 3")
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
        page.wait_for_function("document.querySelectorAll('.message--assistant').length >= 3")
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
        page.wait_for_function("!document.querySelector('.connection.is-offline')")
        time.sleep(1)
        assert len([m for m in _received(harness_redis) if m["text"] == "are you still there"]) == 1
        assert session_id  # the page kept its conversation id in sessionStorage throughout
