"""A local stand-in for the WhatsApp Cloud API's send endpoint, for tests and manual runs.

It accepts `POST /<version>/<phone-number-id>/messages` with a Bearer token and records each message.
Control endpoints (JSON):
- `POST /_fake/fail` {"status": 500, "count": 2} or {"statuses": [500, 429]}: fail the next requests.
- `GET /_fake/messages`: {"messages": [...delivered...], "attempts": <every POST, failed ones too>}.
- `POST /_fake/reset`: forget everything.

Run: `python -m bot.channels.fake_graph_api --port 8765`, then set
WHATSAPP_API_URL=http://127.0.0.1:8765/v21.0 for the Rasa server. Tests use `FakeGraphApi(port).start()`,
which serves from a background thread.
"""
from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import threading
import urllib.request
from typing import Any, Dict, List, Optional

from aiohttp import web


class FakeGraphState:
    """What the fake server received, and the failures it was told to return."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.messages: List[Dict[str, Any]] = []
        self.attempts: List[Dict[str, Any]] = []
        self.failures: List[int] = []
        self.counter = itertools.count(1)

    def reset(self) -> None:
        with self.lock:
            self.messages.clear()
            self.attempts.clear()
            self.failures.clear()


STATE = web.AppKey("state", FakeGraphState)


def _error_body(status: int) -> Dict[str, Any]:
    if status == 429:
        return {"error": {"message": "(#130429) Rate limit hit", "type": "OAuthException", "code": 130429}}
    if status == 131047:
        return {"error": {"message": "(#131047) Re-engagement message", "type": "OAuthException",
                          "code": 131047}}
    return {"error": {"message": "(#131000) Something went wrong", "type": "OAuthException", "code": 131000}}


def create_app(state: Optional[FakeGraphState] = None) -> web.Application:
    """The aiohttp application; `app[STATE]` holds what it recorded."""
    state = state or FakeGraphState()
    app = web.Application(client_max_size=1024 * 1024)
    app[STATE] = state

    async def send_message(request: web.Request) -> web.Response:
        if not request.headers.get("Authorization", "").startswith("Bearer "):
            return web.json_response({"error": {"message": "Missing token", "code": 190}}, status=401)
        try:
            body = await request.json()
        except ValueError:
            return web.json_response({"error": {"message": "Invalid JSON", "code": 100}}, status=400)
        record = {"phone_number_id": request.match_info["phone_number_id"],
                  "version": request.match_info["version"], "body": body}
        with state.lock:
            failure = state.failures.pop(0) if state.failures else None
            state.attempts.append({**record, "status": failure or 200})
            if failure is None:
                state.messages.append(record)
                message_id = f"wamid.FAKE{next(state.counter):08d}"
        if failure is not None:
            # 131047 is a Graph error code (HTTP 400), the others are HTTP statuses.
            return web.json_response(_error_body(failure), status=400 if failure == 131047 else failure)
        return web.json_response({"messaging_product": "whatsapp",
                                  "contacts": [{"input": body.get("to"), "wa_id": body.get("to")}],
                                  "messages": [{"id": message_id}]})

    async def fail(request: web.Request) -> web.Response:
        body = await request.json()
        statuses = body.get("statuses") or [int(body.get("status", 500))] * int(body.get("count", 1))
        with state.lock:
            state.failures.extend(int(status) for status in statuses)
        return web.json_response({"pending_failures": len(state.failures)})

    async def messages(_: web.Request) -> web.Response:
        with state.lock:
            return web.json_response({"messages": list(state.messages), "attempts": list(state.attempts)})

    async def reset(_: web.Request) -> web.Response:
        state.reset()
        return web.json_response({"status": "reset"})

    app.router.add_post("/{version}/{phone_number_id}/messages", send_message)
    app.router.add_post("/_fake/fail", fail)
    app.router.add_get("/_fake/messages", messages)
    app.router.add_post("/_fake/reset", reset)
    return app


class FakeGraphApi:
    """The fake server in a background thread (for tests), with a small synchronous client."""

    def __init__(self, port: int, host: str = "127.0.0.1") -> None:
        self.host, self.port = host, port
        self.state = FakeGraphState()
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._runner: Optional[web.AppRunner] = None
        self._thread: Optional[threading.Thread] = None
        self._ready = threading.Event()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        """What WHATSAPP_API_URL should be."""
        return f"{self.base_url}/v21.0"

    def start(self) -> "FakeGraphApi":
        def serve() -> None:
            self._loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self._loop)
            self._runner = web.AppRunner(create_app(self.state))
            self._loop.run_until_complete(self._runner.setup())
            site = web.TCPSite(self._runner, self.host, self.port)
            self._loop.run_until_complete(site.start())
            self._ready.set()
            self._loop.run_forever()
            self._loop.run_until_complete(self._runner.cleanup())
            self._loop.close()

        self._thread = threading.Thread(target=serve, name="fake-graph-api", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the fake Graph API did not start")
        return self

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)

    # -- what tests ask -------------------------------------------------------------------------------

    def messages(self) -> List[Dict[str, Any]]:
        with self.state.lock:
            return [dict(message) for message in self.state.messages]

    def attempts(self) -> List[Dict[str, Any]]:
        with self.state.lock:
            return [dict(attempt) for attempt in self.state.attempts]

    def fail_next(self, *statuses: int) -> None:
        with self.state.lock:
            self.state.failures.extend(statuses)

    def reset(self) -> None:
        self.state.reset()


def fail_next_via_http(base_url: str, *statuses: int) -> None:
    """Tell a fake server running in another process to fail its next requests."""
    request = urllib.request.Request(f"{base_url}/_fake/fail", data=json.dumps({"statuses": list(statuses)}).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    urllib.request.urlopen(request, timeout=5).close()


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description="Fake WhatsApp Cloud API (records sent messages).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)
    print(f"Fake Graph API on http://{args.host}:{args.port} "
          f"(set WHATSAPP_API_URL=http://{args.host}:{args.port}/v21.0)", flush=True)
    web.run_app(create_app(), host=args.host, port=args.port, print=None)


if __name__ == "__main__":
    main()
