"""Headless Chromium (Debian's, via Playwright) for the web chat tests; never downloads a browser."""
from __future__ import annotations

import contextlib
from typing import Iterator, List
from urllib.parse import urlsplit

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
# The machine is shared and sometimes slow: generous timeouts, the tests stay deterministic. Tests wait with
# selectors, not `wait_for_function(string)`: polling a string predicate needs eval, which the page's CSP forbids.
TIMEOUT_MS = 60_000


@contextlib.contextmanager
def chromium(chromium_path: str) -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class PageWatch:
    """Every request a page makes and every console error, to check nothing leaves the helpline's server."""

    def __init__(self, page) -> None:
        self.requests: List[str] = []
        self.errors: List[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def foreign_requests(self, origin: str) -> List[str]:
        own = urlsplit(origin).netloc
        return [url for url in self.requests
                if urlsplit(url).scheme in ("http", "https", "ws", "wss") and urlsplit(url).netloc != own]


def new_page(browser, viewport=PHONE):
    context = browser.new_context(viewport=viewport, locale="ar")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return page


def choose_language(page, url: str, language: str) -> None:
    page.goto(url, timeout=TIMEOUT_MS)
    page.click(f"button[data-lang={language}]")


def send(page, text: str) -> None:
    page.fill("#composer-input", text)
    page.press("#composer-input", "Enter")


def assistant_messages(page) -> List[str]:
    return page.eval_on_selector_all(".message--assistant .message-text", "nodes => nodes.map(n => n.innerText)")


def wait_for_count(page, selector: str, count: int) -> None:
    """Wait until at least `count` elements match (no page-side eval: the page's CSP forbids it)."""
    page.locator(selector).nth(count - 1).wait_for()
