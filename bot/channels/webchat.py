"""The web chat channel: a socket.io connector and the child-facing page it serves at /webchat/.

The page (bot/channels/webchat_static/) is served by the Rasa server itself, so it is same-origin, needs no
third-party anything and works with no internet beyond the helpline's own server.

Protocol (socket.io, path /webchat/socket.io):
- page -> server `session_request` {session_id?, last_seen?}: join (or start) a conversation. A session id is
  only reused when the server issued it earlier (a tracker exists whose latest input channel is this one);
  otherwise a fresh random id is issued. The socket joins a room named after the session id, so every tab
  or reconnected page of that conversation receives what is sent to it, including counsellor replies pushed
  through Rasa's HTTP API. Messages newer than `last_seen` are replayed as `history`.
- server -> page `session_confirm` <session id>, `history` [messages], `bot_uttered` {message}.
- page -> server `user_uttered` {message, client_id, metadata?} with an acknowledgement: the page keeps a
  message in its outbox until acknowledged and re-sends it after a reconnect; `client_id` makes re-sends
  idempotent.
"""
from __future__ import annotations

import asyncio
import html
import logging
import re
import time
import uuid
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Iterable, List, Optional, Set, Text

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from bot.privacy import describe_text, pseudonym

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "webchat_static"
# Files the page may load, with their content types; nothing else under /webchat/ is served.
STATIC_FILES = {
    "app.js": "text/javascript; charset=utf-8",
    "style.css": "text/css; charset=utf-8",
    "socket.io.min.js": "text/javascript; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}
# No third-party origin may be contacted; `'self'` also covers same-origin ws:// and wss://.
SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'self'; base-uri 'self'; form-action 'none'; "
                                "frame-ancestors 'none'; object-src 'none'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    # Nothing of the chat stays in the browser cache (and the page is not kept in the back/forward cache).
    "Cache-Control": "no-store",
}
DEFAULT_QUICK_EXIT_URL = "https://www.google.com/search?q=weather"
SESSION_ID_PATTERN = re.compile(r"^[0-9a-f]{32}$")
# Only these keys of the page's metadata reach Rasa: a page must never be able to claim `counsellor`.
ALLOWED_CLIENT_METADATA = {"display_text"}
CLIENT_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
BACK_TO_BOT_ACTIONS = {"utter_back_with_bot"}
HISTORY_LIMIT = 200


def _talking_to(metadata: Dict[Text, Any]) -> Optional[Text]:
    """Who the child talks to after this message: "counsellor", "assistant", or None for no change."""
    if metadata.get("counsellor"):
        return "counsellor"
    if (metadata.get("utter_action") in BACK_TO_BOT_ACTIONS or metadata.get("back_to_bot")
            or metadata.get("handoff_ended")):
        return "assistant"
    return None


def page_message(text: Optional[Text], buttons: Optional[Iterable[Dict[Text, Any]]],
                 metadata: Dict[Text, Any]) -> Dict[Text, Any]:
    """The message the page renders, built from a bot response and its metadata.

    Only what the page needs leaves the server: text, buttons, who wrote it, and whether the child now
    talks to a counsellor or to the assistant.
    """
    counsellor = bool(metadata.get("counsellor"))
    return {
        "id": uuid.uuid4().hex,
        "text": text or "",
        "buttons": [{"title": str(button.get("title", "")), "payload": str(button.get("payload", ""))}
                    for button in (buttons or []) if button.get("payload")],
        "from": "counsellor" if counsellor else "assistant",
        "counsellor_name": str(metadata.get("counsellor_name") or "") if counsellor else "",
        "talking_to": _talking_to(metadata),
        "timestamp": float(metadata.get("timestamp") or time.time()),
    }


class WebChatOutput(OutputChannel):
    """Emits bot and counsellor messages to the conversation's socket.io room."""

    @classmethod
    def name(cls) -> Text:
        return WebChatInput.name()

    def __init__(self, sio: AsyncServer, bot_message_evt: Text = "bot_uttered") -> None:
        self.sio = sio
        self.bot_message_evt = bot_message_evt

    async def _emit(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        await self.sio.emit(self.bot_message_evt, message, room=recipient_id)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self._emit(recipient_id, page_message(text, None, kwargs))

    async def send_text_with_buttons(self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]],
                                     **kwargs: Any) -> None:
        await self._emit(recipient_id, page_message(text, buttons, kwargs))

    async def send_quick_replies(self, recipient_id: Text, text: Text,
                                 quick_replies: List[Dict[Text, Any]], **kwargs: Any) -> None:
        await self._emit(recipient_id, page_message(text, quick_replies, kwargs))

    async def send_image_url(self, recipient_id: Text, image: Text, **kwargs: Any) -> None:
        # The page loads nothing from other origins (CSP), so remote images are not shown.
        logger.info("webchat: image response not shown to conversation %s", pseudonym(recipient_id))

    async def send_attachment(self, recipient_id: Text, attachment: Any, **kwargs: Any) -> None:
        logger.info("webchat: attachment response not shown to conversation %s", pseudonym(recipient_id))

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        # Custom payloads may switch the "talking to" note (e.g. {"back_to_bot": true}); other keys are ignored.
        merged = {**kwargs, **json_message}
        if _talking_to(merged):
            message = page_message("", None, merged)
            await self._emit(recipient_id, message)


class WebChatInput(InputChannel):
    """The web chat: socket.io connector plus the page at /webchat/."""

    @classmethod
    def name(cls) -> Text:
        return "webchat"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = credentials or {}
        return cls(
            socketio_path=credentials.get("socketio_path") or "/webchat/socket.io",
            page_path=credentials.get("page_path") or "/webchat",
            quick_exit_url=credentials.get("quick_exit_url") or DEFAULT_QUICK_EXIT_URL,
            max_message_chars=int(credentials.get("max_message_chars") or 2000),
            cors_allowed_origins=credentials.get("cors_allowed_origins"),
            multi_instance=str(credentials.get("multi_instance", "false")).lower() in ("1", "true", "yes"),
        )

    def __init__(self, socketio_path: Text = "/webchat/socket.io", page_path: Text = "/webchat",
                 quick_exit_url: Text = DEFAULT_QUICK_EXIT_URL, max_message_chars: int = 2000,
                 cors_allowed_origins: Any = None, multi_instance: bool = False) -> None:
        self.socketio_path = socketio_path
        self.page_path = page_path.rstrip("/")
        self.quick_exit_url = quick_exit_url
        self.max_message_chars = max_message_chars
        # None = same origin only (engine.io checks the Origin header against Host / X-Forwarded-Host).
        self.cors_allowed_origins = cors_allowed_origins
        self.multi_instance = multi_instance
        self.bot_message_evt = "bot_uttered"
        self.sio: Optional[AsyncServer] = None
        self.app: Optional[Sanic] = None
        self._redis = None
        self._tasks: Set[asyncio.Task] = set()

    # -- output ---------------------------------------------------------------------------------------

    def get_output_channel(self) -> Optional[OutputChannel]:
        """The channel Rasa's HTTP API uses for `output_channel=webchat` (or `latest`): counsellor replies."""
        if self.sio is None:
            return None
        return WebChatOutput(self.sio, self.bot_message_evt)

    # -- helpers --------------------------------------------------------------------------------------

    def _redis_client(self):
        if self._redis is None:
            from bot.settings import async_redis_client

            self._redis = async_redis_client()
        return self._redis

    async def _first_delivery(self, session_id: Text, client_id: Text) -> bool:
        """False when this page message was already received (a re-send after a lost acknowledgement)."""
        try:
            return bool(await self._redis_client().set(
                f"webchat:message:{session_id}:{client_id}", "1", nx=True, ex=86400))
        except Exception as error:  # Redis down: better a rare duplicate than a lost message.
            logger.warning("webchat: cannot check re-sent message (%s)", type(error).__name__)
            return True

    async def _tracker(self, session_id: Text):
        agent = getattr(self.app.ctx, "agent", None) if self.app is not None else None
        if agent is None or agent.tracker_store is None:
            return None
        return await agent.tracker_store.retrieve(session_id)

    async def _known_session(self, session_id: Any) -> bool:
        """Whether `session_id` is a web chat conversation this server started (not a guessed id)."""
        if not isinstance(session_id, str) or not SESSION_ID_PATTERN.match(session_id):
            return False
        try:
            tracker = await self._tracker(session_id)
        except Exception as error:
            logger.warning("webchat: cannot read conversation (%s)", type(error).__name__)
            return False
        return tracker is not None and tracker.get_latest_input_channel() == self.name()

    async def history(self, session_id: Text, after: float) -> List[Dict[Text, Any]]:
        """Messages of the conversation newer than `after` (epoch seconds), as the page renders them."""
        from rasa.shared.core.events import BotUttered, UserUttered

        tracker = await self._tracker(session_id)
        if tracker is None:
            return []
        messages: List[Dict[Text, Any]] = []
        for event in list(tracker.events)[-HISTORY_LIMIT * 3:]:
            if event.timestamp <= after:
                continue
            if isinstance(event, UserUttered):
                metadata = event.metadata or {}
                text = metadata.get("display_text") or event.text or ""
                if text.startswith("/") and not metadata.get("display_text"):
                    continue  # an intent payload without a visible title
                messages.append({"id": metadata.get("client_id") or uuid.uuid4().hex, "text": text,
                                 "from": "child", "client_id": metadata.get("client_id", ""),
                                 "buttons": [], "talking_to": None, "timestamp": event.timestamp})
            elif isinstance(event, BotUttered) and (event.text or "").strip():
                message = event.message()
                messages.append(page_message(message.get("text"),
                                             message.get("buttons") or message.get("quick_replies"),
                                             {**message, "timestamp": event.timestamp}))
        return messages[-HISTORY_LIMIT:]

    def _track(self, coroutine: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def render_page(self) -> Text:
        """index.html with this deployment's socket path and quick-exit address filled in."""
        page = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
        return (page.replace("{{SOCKET_PATH}}", html.escape(self.socketio_path, quote=True))
                    .replace("{{QUICK_EXIT_URL}}", html.escape(self.quick_exit_url, quote=True))
                    .replace("{{BASE}}", html.escape(self.page_path + "/", quote=True)))

    # -- blueprint ------------------------------------------------------------------------------------

    def _page_blueprint(self) -> Blueprint:
        page = Blueprint("webchat_page", url_prefix=self.page_path)

        @page.route("/", methods=["GET"])
        async def index(_: Request) -> HTTPResponse:
            return response.html(self.render_page(), headers=SECURITY_HEADERS)

        # One route per file (no "/<name>" pattern, which would also match /webchat/socket.io).
        for name, content_type in STATIC_FILES.items():
            page.add_route(self._static_handler(name, content_type), f"/{name}", methods=["GET"],
                           name=f"webchat_{name.replace('.', '_')}")
        return page

    @staticmethod
    def _static_handler(name: Text, content_type: Text) -> Callable[[Request], Awaitable[HTTPResponse]]:
        async def static_file(_: Request) -> HTTPResponse:
            body = (STATIC_DIR / name).read_bytes()
            return response.raw(body, content_type=content_type, headers=SECURITY_HEADERS)

        return static_file

    def _socket_server(self) -> AsyncServer:
        client_manager = None
        if self.multi_instance:
            # Several Rasa replicas: emits (e.g. a counsellor reply reaching another replica) go through Redis.
            import socketio

            from bot.settings import Settings

            client_manager = socketio.AsyncRedisManager(Settings.from_environment().redis_url(),
                                                        channel="webchat")
        return AsyncServer(async_mode="sanic", cors_allowed_origins=self.cors_allowed_origins,
                           client_manager=client_manager, max_http_buffer_size=64 * 1024)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Socket.io events, a health route under /webhooks/webchat/, and the page under /webchat/."""
        sio = self._socket_server()
        self.sio = sio
        channel = self
        page_blueprint = self._page_blueprint()

        class _WebChatBlueprint(Blueprint):
            def register(self, app: Sanic, options: Dict[Text, Any]) -> None:
                channel.app = app
                sio.attach(app, channel.socketio_path)
                app.blueprint(page_blueprint)
                super().register(app, options)

        webhook = _WebChatBlueprint("webchat_webhook")

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/page", methods=["GET"])
        async def page_redirect(_: Request) -> HTTPResponse:
            return response.redirect(self.page_path + "/")

        @sio.on("connect")
        async def connect(sid: Text, environ: Dict, auth: Optional[Dict] = None) -> bool:
            return True

        @sio.on("session_request")
        async def session_request(sid: Text, data: Optional[Dict]) -> None:
            data = data if isinstance(data, dict) else {}
            requested = data.get("session_id")
            rejoined = await self._known_session(requested)
            session_id = requested if rejoined else uuid.uuid4().hex
            await sio.save_session(sid, {"session_id": session_id})
            await sio.enter_room(sid, session_id)
            await sio.emit("session_confirm", session_id, room=sid)
            if rejoined:
                try:
                    last_seen = float(data.get("last_seen") or 0)
                except (TypeError, ValueError):
                    last_seen = 0.0
                missed = await self.history(session_id, last_seen)
                await sio.emit("history", missed, room=sid)
            logger.debug("webchat: %s conversation %s", "rejoined" if rejoined else "started",
                         pseudonym(session_id))

        @sio.on("user_uttered")
        async def user_uttered(sid: Text, data: Any) -> Dict[Text, Any]:
            session = await sio.get_session(sid)
            session_id = (session or {}).get("session_id")
            if not session_id:
                return {"ok": False, "error": "session_required"}
            if not isinstance(data, dict) or not isinstance(data.get("message"), str):
                return {"ok": False, "error": "bad_message"}
            text = data["message"].strip()[: self.max_message_chars]
            if not text:
                return {"ok": False, "error": "empty_message"}
            client_id = data.get("client_id")
            client_id = client_id if isinstance(client_id, str) and CLIENT_ID_PATTERN.match(client_id) else ""
            if client_id and not await self._first_delivery(session_id, client_id):
                return {"ok": True, "duplicate": True}
            raw_metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
            metadata = {key: str(value)[:200] for key, value in raw_metadata.items()
                        if key in ALLOWED_CLIENT_METADATA}
            if client_id:
                metadata["client_id"] = client_id
            message = UserMessage(text, WebChatOutput(sio, self.bot_message_evt), session_id,
                                  input_channel=self.name(), metadata=metadata)
            logger.debug("webchat: message %s from conversation %s", describe_text(text), pseudonym(session_id))
            # Acknowledge at once (the page empties its outbox); the bot's answer arrives as `bot_uttered`.
            self._track(self._handle(on_new_message, message))
            return {"ok": True}

        return webhook

    async def _handle(self, on_new_message: Callable[[UserMessage], Awaitable[Any]],
                      message: UserMessage) -> None:
        try:
            await on_new_message(message)
        except Exception:
            logger.exception("webchat: could not process a message of conversation %s",
                             pseudonym(message.sender_id))

