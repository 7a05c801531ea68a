"""End to end: a child's high-risk message reaches a counsellor, who answers in the browser and hands back.

Everything is real: Redis, the action server, the Rasa server with the newest model, the console, and headless
Chromium driven by Playwright. The REST channel has no push, so what reaches the child is checked in Rasa's
tracker (exactly what a push channel such as WhatsApp would be given to deliver).
"""
from __future__ import annotations

import json
import secrets
import time
import urllib.request
from typing import Any, Callable, Dict, List

import pytest

from bot.settings import PROJECT_ROOT
from tests.console.conftest import PASSWORD, ApiClient, add_user

pytestmark = [pytest.mark.integration, pytest.mark.browser]

HIGH_RISK_EN = "my stepdad hits me every night and i want to die"
HIGH_RISK_AR = "أبي يضربني كل ليلة وأنا أريد أن أموت"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]
REPORTS = PROJECT_ROOT / "reports"


def child_says(rasa_url: str, sender: str, message: str) -> List[Dict[str, Any]]:
    """What the REST channel answers the child (the bot's messages; [] while a counsellor has the chat)."""
    request = urllib.request.Request(f"{rasa_url}/webhooks/rest/webhook", method="POST",
                                     data=json.dumps({"sender": sender, "message": message}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def tracker_events(stack, sender: str) -> List[Dict[str, Any]]:
    url = f"{stack.urls['Rasa server']}/conversations/{sender}/tracker?include_events=ALL&token={stack.env['RASA_TOKEN']}"
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())["events"]


def wait_for(check: Callable[[], Any], timeout_s: float = 15, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def queued_ticket(client: ApiClient, sender: str) -> Dict[str, Any]:
    def find():
        status, body = client.get("/api/queue")
        assert status == 200, body
        return next((t for t in body["tickets"] if t["conversation_id"] == sender), None)
    return wait_for(find, 10, "the ticket in GET /api/queue")


@pytest.fixture(scope="module")
def counsellors(stack) -> None:
    for name, role, display in (("e2e-amal", "counsellor", "Amal"), ("e2e-badr", "counsellor", "Badr"),
                                ("e2e-sara", "supervisor", "Sara")):
        result = add_user(stack.env, name, role, display_name=display)
        assert result.returncode == 0, result.stderr


@pytest.fixture
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def log_in(page, console_url: str, username: str) -> None:
    page.goto(console_url)
    page.fill("#login-username", username)
    page.fill("#login-password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_selector("#console-view:not([hidden])")


def open_and_claim(page, ticket_id: str) -> None:
    page.click(f'#queue-list [data-ticket="{ticket_id}"]', timeout=10_000)
    page.wait_for_selector("#claim-button:not([hidden])")
    page.click("#claim-button")
    page.wait_for_selector("#reply-form:not([hidden])", timeout=10_000)


def send_reply(page, text: str) -> None:
    page.fill("#reply-text", text)
    page.click("#reply-send")
    # (A selector, not wait_for_function: the console's Content-Security-Policy forbids eval, rightly.)
    page.wait_for_selector("#reply-status:has-text('Delivered at')", timeout=15_000)


def test_a_child_at_risk_reaches_a_counsellor_who_answers_and_hands_back(stack, counsellors, browser):
    rasa_url, console_url = stack.urls["Rasa server"], stack.urls["Counsellor console"]
    sender = f"e2e-child-{secrets.token_hex(4)}"
    badr = ApiClient(console_url)
    assert badr.login("e2e-badr")[0] == 200

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, console_url, "e2e-amal")

    # The child writes; the bot answers with safety information and queues a ticket.
    first_answer = child_says(rasa_url, sender, HIGH_RISK_EN)
    assert first_answer, "the child must get an answer from the bot"
    ticket = queued_ticket(badr, sender)
    assert ticket["risk_level"] in ("high", "imminent")
    assert ticket["language"] == "en" and ticket["channel"] == "rest"
    slots = {e["name"]: e["value"] for e in tracker_events(stack, sender) if e["event"] == "slot"}
    assert slots["handoff_status"] == "queued" and slots["handoff_ticket_id"] == ticket["ticket_id"]

    # A counsellor claims it in the browser and replies.
    open_and_claim(page, ticket["ticket_id"])
    reply = f"Hi, I'm Amal. Thank you for telling us. Are you safe right now? ({secrets.token_hex(2)})"
    send_reply(page, reply)
    events = tracker_events(stack, sender)
    counsellor_lines = [e for e in events if e["event"] == "bot" and (e.get("metadata") or {}).get("counsellor")
                        and not e["metadata"].get("system")]
    assert [(e["text"], e["metadata"]["counsellor_name"]) for e in counsellor_lines] == [(reply, "Amal")]
    assert any((e.get("metadata") or {}).get("kind") == "counsellor_joined" for e in events if e["event"] == "bot")

    # Nobody else can take it.
    status, body = badr.post(f"/api/tickets/{ticket['ticket_id']}/claim")
    assert (status, body["error"]) == (409, "already_claimed")

    # While the counsellor has the chat, the bot is silent, and the child's words appear in the console.
    assert child_says(rasa_url, sender, "yes i am in my room now") == []
    page.wait_for_selector("#transcript li.child >> text=yes i am in my room now", timeout=10_000)

    # Back to the bot: the next message gets a bot reply again.
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#return-button")
    wait_for(lambda: any(e["event"] == "resume" for e in tracker_events(stack, sender)), 15, "the resume event")
    assert child_says(rasa_url, sender, "hello"), "after the handoff the bot answers again"
    # ... through a real rule: a bot that fell back here would also miss the safety rules.
    events = tracker_events(stack, sender)
    last_user = max(i for i, e in enumerate(events) if e["event"] == "user")
    answered_with = [e["name"] for e in events[last_user:] if e["event"] == "action"]
    assert answered_with and "action_default_fallback" not in answered_with, answered_with
    status, body = badr.get(f"/api/tickets/{ticket['ticket_id']}")
    assert body["ticket"]["status"] == "returned"


def test_an_arabic_conversation_in_the_console_at_laptop_and_tablet_widths(stack, counsellors, browser):
    """Also writes the screenshots in reports/ (queue and conversation, 1280 and 800 px)."""
    rasa_url, console_url = stack.urls["Rasa server"], stack.urls["Counsellor console"]
    sender = f"e2e-child-ar-{secrets.token_hex(4)}"
    sara = ApiClient(console_url)
    assert sara.login("e2e-sara")[0] == 200
    REPORTS.mkdir(exist_ok=True)

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, console_url, "e2e-amal")
    assert child_says(rasa_url, sender, HIGH_RISK_AR)
    ticket = queued_ticket(sara, sender)
    assert ticket["language"] == "ar"
    assert child_says(rasa_url, sender, "أنا خايفة كتير، هو لسا برا الغرفة") == []

    page.click(f'#queue-list [data-ticket="{ticket["ticket_id"]}"]', timeout=10_000)
    page.wait_for_selector("#transcript li.child >> text=خايفة", timeout=10_000)
    assert page.get_attribute("#transcript", "dir") == "rtl"
    assert page.get_attribute("#transcript li.child .text", "dir") == "auto"
    page.screenshot(path=str(REPORTS / "console-queue-1280.png"))
    page.set_viewport_size({"width": 800, "height": 1100})
    page.screenshot(path=str(REPORTS / "console-queue-800.png"))
    page.set_viewport_size({"width": 1280, "height": 900})

    page.click("#claim-button")
    page.wait_for_selector("#reply-form:not([hidden])", timeout=10_000)
    page.select_option("#canned-select", label="Are you safe right now? – هل أنت في أمان الآن؟")
    assert "هل أنت في أمان الآن" in page.input_value("#reply-text")
    send_reply(page, page.input_value("#reply-text"))
    page.wait_for_selector("#transcript li.counsellor", timeout=10_000)
    # Tall viewports rather than full_page: Chromium's full-page capture shows inner scroll boxes (the
    # transcript) scrolled back to the top.
    for width, height in ((1280, 1600), (800, 2000)):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(500)
        page.locator(".topbar").scroll_into_view_if_needed()
        page.screenshot(path=str(REPORTS / f"console-conversation-ar-{width}.png"))

    supervisor = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(supervisor, console_url, "e2e-sara")
    supervisor.click("#tab-supervisor")
    supervisor.wait_for_selector(f"#active-table >> text={ticket['ticket_id'][:6]}", timeout=10_000)
    supervisor.wait_for_selector("#audit-table >> text=replied", timeout=10_000)
    supervisor.screenshot(path=str(REPORTS / "console-supervisor-1280.png"), full_page=True)

    # Tidy up: the conversation goes back to the bot.
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#return-button")
    wait_for(lambda: any(e["event"] == "resume" for e in tracker_events(stack, sender)), 15, "the resume event")
