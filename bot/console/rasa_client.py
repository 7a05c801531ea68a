"""The console's calls to the Rasa server's HTTP API (token in `?token=`, see `rasa run --auth-token`).

- `tracker(id)`: the whole conversation (`GET /conversations/{id}/tracker`).
- `send_bot_message(id, text, metadata)`: a counsellor's (or the console's) message to the child: a `bot` event
  appended with `output_channel=latest&execute_side_effects=true`, so Rasa records it and delivers it through the
  channel the child last wrote on.
- `append_events(id, events)`: e.g. `resume` plus slot resets when the bot takes over again.
- `execute(id, action)`: run a bot action now, e.g. utter_back_with_bot.

Every failure becomes a `RasaError` with a message a counsellor can act on.
"""
from __future__ import annotations

import asyncio
import json
import time
from typing import Any, Dict, List, Optional
from urllib.parse import quote

import aiohttp


class RasaError(Exception):
    """Rasa did not do what was asked. `status` is Rasa's HTTP status (0: not reachable)."""

    def __init__(self, status: int, message: str, reason: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.reason = reason


# Words an output channel uses when WhatsApp refuses free text outside its 24-hour customer-service window
# (Meta's error 131047 "Re-engagement message"; our WhatsApp channel raises with such a message).
_WINDOW_MARKERS = ("window_closed", "131047", "24 hour", "24-hour", "re-engagement", "customer service window", "outside the window")


def looks_like_whatsapp_window(message: str) -> bool:
    lowered = message.lower()
    return any(marker in lowered for marker in _WINDOW_MARKERS)


class RasaClient:
    def __init__(self, base_url: str, token: str, timeout_s: float = 15.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._session: Optional[aiohttp.ClientSession] = None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _url(self, path: str, **params: str) -> str:
        query = {"token": self.token, **params}
        return f"{self.base_url}{path}?" + "&".join(f"{k}={quote(str(v), safe='')}" for k, v in query.items())

    async def _request(self, method: str, path: str, body: Any = None, **params: str) -> Any:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self.timeout)
        try:
            async with self._session.request(method, self._url(path, **params),
                                             data=None if body is None else json.dumps(body),
                                             headers={"Content-Type": "application/json"}) as response:
                text = await response.text()
                if response.status >= 400:
                    raise RasaError(response.status, _rasa_message(text, response.status))
                return json.loads(text) if text else None
        except aiohttp.ClientError as error:
            raise RasaError(0, f"the Rasa server is not reachable ({type(error).__name__})") from error
        except (asyncio.TimeoutError, TimeoutError) as error:
            raise RasaError(0, "the Rasa server did not answer in time") from error

    @staticmethod
    def _conversation_path(conversation_id: str, suffix: str) -> str:
        return f"/conversations/{quote(conversation_id, safe='')}/{suffix}"

    async def tracker(self, conversation_id: str) -> Dict[str, Any]:
        """The conversation's tracker with every event of the current session."""
        return await self._request("GET", self._conversation_path(conversation_id, "tracker"),
                                   include_events="ALL")

    async def append_events(self, conversation_id: str, events: List[Dict[str, Any]],
                            execute_side_effects: bool = False) -> Dict[str, Any]:
        params = {"output_channel": "latest"}
        if execute_side_effects:
            params["execute_side_effects"] = "true"
        return await self._request("POST", self._conversation_path(conversation_id, "tracker/events"),
                                   body=events, **params)

    async def send_bot_message(self, conversation_id: str, text: str, metadata: Dict[str, Any]) -> None:
        """Record and deliver one message to the child on their latest channel."""
        event = {"event": "bot", "text": text, "metadata": metadata, "timestamp": time.time()}
        try:
            await self.append_events(conversation_id, [event], execute_side_effects=True)
        except RasaError as error:
            if looks_like_whatsapp_window(error.message):
                raise RasaError(error.status, "WhatsApp refused the message: the child last wrote more than 24 "
                                "hours ago, and WhatsApp only delivers free text within 24 hours of the "
                                "child's last message.", reason="whatsapp_window_closed") from error
            raise

    async def execute(self, conversation_id: str, action: str) -> Dict[str, Any]:
        return await self._request("POST", self._conversation_path(conversation_id, "execute"),
                                   body={"name": action}, output_channel="latest")


def _rasa_message(text: str, status: int) -> str:
    try:
        body = json.loads(text)
        message = body.get("message") or body.get("reason") or text
    except (ValueError, AttributeError):
        message = text
    if status in (401, 403):
        return "the console's RASA_TOKEN is not accepted by the Rasa server"
    if status == 409:
        return "the Rasa server has no model loaded yet"
    return f"the Rasa server answered {status}: {str(message)[:300]}"
