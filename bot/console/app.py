"""The counsellor console: a Sanic app serving one page (templates/index.html + static/) and a JSON API.

API (all JSON; errors are {"error": code, "message": text} with a 4xx/5xx status):
  POST /api/login {username, password}      sets the session cookie; returns the user and the CSRF token
  POST /api/logout                          GET  /api/me (user + CSRF token, or 401)
  GET  /api/queue                           waiting tickets, highest priority first, with alerts
  GET  /api/mine                            the caller's claimed and returned conversations
  GET  /api/tickets/{id}[?since_version=N]  packet, whole transcript (from Rasa), notes, helplines, resources
  POST /api/tickets/{id}/claim              atomic; 409 when someone else was faster
  POST /api/tickets/{id}/reply {text}       delivered through the child's channel
  POST /api/tickets/{id}/return             the bot takes over again (resume + utter_back_with_bot)
  POST /api/tickets/{id}/close {notes, category, subcategory}
  POST /api/tickets/{id}/transfer {to}      to a colleague, or to null: back to the queue at the old place
  POST /api/tickets/{id}/notes {text}       a case note
  GET  /api/counsellors                     GET /api/case-categories
  Supervisors: GET /api/supervisor/active, GET /api/supervisor/audit, POST /api/tickets/{id}/reassign {to}
  GET  /health

Every POST except /api/login needs the X-CSRF-Token header. Nothing here logs what a child or counsellor wrote.
"""
from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from dataclasses import dataclass, field
from functools import wraps
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Optional
from urllib.parse import urlparse

from sanic import Request, Sanic, response
from sanic.exceptions import SanicException

from bot.console.audit import AuditLog
from bot.console.auth import LoginThrottle, SessionStore, UserStore, csrf_matches, validate_username, AccountError
from bot.console.presenters import (ticket_summary, transcript_from_ticket, transcript_from_tracker,
                                    whatsapp_window)
from bot.console.rasa_client import RasaClient, RasaError
from bot.console.resources import ConsoleContent, helplines_for, placeholder_values
from bot.console.worker import AcknowledgementWorker
from bot.handoff.availability import counsellors_available, mark_absent, mark_present, online_counsellors
from bot.handoff.queue import DEFAULT_PREFIX, HandoffQueue
from bot.handoff.service_settings import ServiceSettings, load_service_settings
from bot.privacy import pseudonym
from bot.settings import Settings, async_redis_client

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
COOKIE = "helpline_console_session"
TICKET_ID = re.compile(r"^[0-9a-f]{16}$")
MAX_REPLY_CHARS = 4000  # WhatsApp's limit is 4096
MAX_NOTE_CHARS = 5000
HANDOFF_SLOTS = ("handoff_status", "queue_position", "handoff_ticket_id")


class ApiError(Exception):
    """An error the API reports as {"error": code, "message": message} with `status`."""

    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra


@dataclass
class ConsoleConfig:
    settings: Settings = field(default_factory=Settings.from_environment)
    service: ServiceSettings = field(default_factory=load_service_settings)
    data_dir: Optional[Path] = None
    handoff_prefix: str = DEFAULT_PREFIX
    run_worker: bool = True


def _error(status: int, code: str, message: str, **extra: Any) -> response.HTTPResponse:
    return response.json({"error": code, "message": message, **extra}, status=status)


def json_object(request: Request) -> Dict[str, Any]:
    """The request's JSON object body, or a clear 4xx."""
    if "application/json" not in (request.headers.get("content-type") or ""):
        raise ApiError(415, "unsupported_media_type", "Send JSON with the header Content-Type: application/json.")
    if not request.body:
        raise ApiError(400, "invalid_json", "The request body is empty; send a JSON object.")
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "invalid_json", "The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_json", "Send a JSON object ({...}), not a list or a single value.")
    return data


def text_field(data: Dict[str, Any], name: str, max_chars: int, required: bool = True) -> str:
    value = data.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise ApiError(400, "invalid_field", f"'{name}' must be a string.", field=name)
    value = value.strip()
    if required and not value:
        raise ApiError(400, "invalid_field", f"'{name}' must not be empty.", field=name)
    if len(value) > max_chars:
        raise ApiError(400, "invalid_field", f"'{name}' is longer than {max_chars} characters.", field=name)
    return value


def create_app(config: Optional[ConsoleConfig] = None, name: str = "helpline_console") -> Sanic:
    """The console app; nothing connects until the server starts."""
    config = config or ConsoleConfig()
    app = Sanic(name, configure_logging=False)  # our logging.basicConfig (one format, no duplicates)
    app.config.REQUEST_MAX_SIZE = 256 * 1024
    app.config.FALLBACK_ERROR_FORMAT = "json"
    app.ctx.config = config
    app.ctx.service = config.service
    app.ctx.content = ConsoleContent(config.data_dir) if config.data_dir else ConsoleContent()

    # ------------------------------------------------------------------------------------ lifecycle

    @app.before_server_start
    async def connect(app: Sanic, _loop: Any) -> None:
        service = app.ctx.service
        app.ctx.redis = async_redis_client(config.settings)
        app.ctx.queue = HandoffQueue(app.ctx.redis, prefix=config.handoff_prefix)
        app.ctx.users = UserStore(app.ctx.redis)
        app.ctx.sessions = SessionStore(app.ctx.redis, config.settings.console_secret,
                                        service.session_idle_timeout_s, service.session_absolute_timeout_s)
        app.ctx.throttle = LoginThrottle(app.ctx.redis, service.login_max_failures,
                                         service.login_max_failures_per_address, service.login_window_s)
        app.ctx.audit = AuditLog(app.ctx.redis)
        app.ctx.rasa = RasaClient(config.settings.rasa_url, config.settings.rasa_token)
        app.ctx.worker_task = None

    @app.after_server_start
    async def start_worker(app: Sanic, _loop: Any) -> None:
        if config.run_worker:
            worker = AcknowledgementWorker(app.ctx.redis, app.ctx.queue, app.ctx.rasa, app.ctx.content,
                                           app.ctx.service)
            app.ctx.worker_task = asyncio.ensure_future(worker.run_forever())

    @app.before_server_stop
    async def disconnect(app: Sanic, _loop: Any) -> None:
        if app.ctx.worker_task is not None:
            app.ctx.worker_task.cancel()
        await app.ctx.rasa.close()
        await app.ctx.redis.close()

    # ------------------------------------------------------------------------------------ errors, headers

    @app.exception(ApiError)
    async def api_error(request: Request, error: ApiError) -> response.HTTPResponse:
        return _error(error.status, error.code, error.message, **error.extra)

    @app.exception(SanicException)
    async def sanic_error(request: Request, error: SanicException) -> response.HTTPResponse:
        status = getattr(error, "status_code", 500) or 500
        messages = {404: "There is nothing at this address.", 405: "This address does not accept that method.",
                    413: "The request is too large."}
        return _error(status, {404: "not_found", 405: "method_not_allowed", 413: "too_large"}.get(status, "error"),
                      messages.get(status, "The request could not be handled."))

    @app.exception(Exception)
    async def unexpected(request: Request, error: Exception) -> response.HTTPResponse:
        logger.error("console: unexpected %s on %s %s", type(error).__name__, request.method, request.path)
        return _error(500, "internal_error", "Something went wrong on the server; please try again.")

    @app.on_response
    async def security_headers(request: Request, resp: response.HTTPResponse) -> None:
        resp.headers["Content-Security-Policy"] = (
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["X-Frame-Options"] = "DENY"
        resp.headers["Referrer-Policy"] = "no-referrer"
        if request.path.startswith("/api/"):
            resp.headers["Cache-Control"] = "no-store"

    # ------------------------------------------------------------------------------------ auth helpers

    def authenticated(supervisor: bool = False) -> Callable:
        def decorator(handler: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
            @wraps(handler)
            async def wrapper(request: Request, *args: Any, **kwargs: Any) -> Any:
                session = await app.ctx.sessions.get(request.cookies.get(COOKIE))
                if session is None:
                    raise ApiError(401, "not_logged_in", "Please log in.")
                if request.method not in ("GET", "HEAD", "OPTIONS"):
                    if not csrf_matches(session, request.headers.get("x-csrf-token")):
                        raise ApiError(403, "csrf_token_invalid",
                                       "This request lacks the X-CSRF-Token header of your session; reload "
                                       "the console.")
                    _check_origin(request)
                if supervisor and not session.user.is_supervisor:
                    raise ApiError(403, "supervisors_only", "Only supervisors can do this.")
                request.ctx.session = session
                request.ctx.user = session.user
                await mark_present(app.ctx.redis, session.user.name)
                return await handler(request, *args, **kwargs)
            return wrapper
        return decorator

    def _check_origin(request: Request) -> None:
        origin = request.headers.get("origin")
        if origin and urlparse(origin).netloc != request.host:
            raise ApiError(403, "cross_origin", "Requests from other sites are not accepted.")

    async def _ticket_or_404(ticket_id: str) -> Dict[str, Any]:
        if not TICKET_ID.match(ticket_id):
            raise ApiError(404, "ticket_not_found", "There is no such ticket.")
        ticket = await app.ctx.queue.ticket(ticket_id)
        if ticket is None:
            raise ApiError(404, "ticket_not_found", "There is no such ticket.")
        return ticket

    def _queue_result(result: str, ticket: Dict[str, Any]) -> None:
        if result == "ok":
            return
        if result == "not_found":
            raise ApiError(404, "ticket_not_found", "There is no such ticket.")
        if result == "not_yours":
            raise ApiError(403, "not_your_conversation",
                           f"This conversation is with {ticket.get('counsellor') or 'another counsellor'}.")
        raise ApiError(409, "not_claimed", "This conversation is not being handled by a counsellor right now.")

    def _require_handler(request: Request, ticket: Dict[str, Any], allow_supervisor: bool = True) -> None:
        user = request.ctx.user
        if ticket.get("status") not in ("claimed", "returned"):
            raise ApiError(409, "not_claimed", "Claim this conversation first.")
        if ticket.get("counsellor") != user.name and not (allow_supervisor and user.is_supervisor):
            raise ApiError(403, "not_your_conversation",
                           f"This conversation is with {ticket.get('counsellor') or 'another counsellor'}.")

    # ------------------------------------------------------------------------------------ pages

    @app.get("/health")
    async def health(request: Request) -> response.HTTPResponse:
        try:
            await asyncio.wait_for(app.ctx.redis.ping(), timeout=2)
        except Exception:  # noqa: BLE001
            return response.json({"status": "degraded", "redis": False}, status=503)
        return response.json({"status": "ok", "redis": True})

    @app.get("/")
    async def index(request: Request) -> response.HTTPResponse:
        return await response.file(HERE / "templates" / "index.html", mime_type="text/html; charset=utf-8",
                                   headers={"Cache-Control": "no-cache"})

    app.static("/static", str(HERE / "static"), name="console_static")

    # ------------------------------------------------------------------------------------ login

    @app.post("/api/login")
    async def login(request: Request) -> response.HTTPResponse:
        data = json_object(request)
        username = data.get("username")
        password = data.get("password")
        if not isinstance(username, str) or not isinstance(password, str) or not username or not password:
            raise ApiError(400, "invalid_field", "Send 'username' and 'password' as strings.")
        if len(password) > 256 or len(username) > 64:
            raise ApiError(400, "invalid_field", "That user name or password is too long.")
        username = username.strip().lower()
        address = request.ip or "unknown"
        wait = await app.ctx.throttle.retry_after(username, address)
        if wait:
            await app.ctx.audit.record(username, "login_refused", detail="too many wrong passwords")
            return _error(429, "too_many_attempts",
                          f"Too many wrong passwords. Try again in {max(1, wait // 60)} minute(s).",
                          retry_after_s=wait)
        user = await app.ctx.users.verify(username, password)
        if user is None:
            await app.ctx.throttle.failed(username, address)
            await app.ctx.audit.record(username, "login_failed")
            raise ApiError(401, "wrong_credentials", "Wrong user name or password.")
        await app.ctx.throttle.succeeded(username)
        token, session = await app.ctx.sessions.create(user)
        await mark_present(app.ctx.redis, user.name)
        await app.ctx.audit.record(user.name, "logged_in")
        resp = response.json(_me(session))
        resp.cookies[COOKIE] = token
        resp.cookies[COOKIE]["httponly"] = True
        resp.cookies[COOKIE]["samesite"] = "Strict"
        resp.cookies[COOKIE]["path"] = "/"
        resp.cookies[COOKIE]["max-age"] = app.ctx.service.session_absolute_timeout_s
        if app.ctx.service.secure_cookie:
            resp.cookies[COOKIE]["secure"] = True
        return resp

    def _me(session: Any) -> Dict[str, Any]:
        user = session.user
        return {"username": user.name, "display_name": user.display_name, "role": user.role,
                "csrf_token": session.csrf}

    @app.get("/api/me")
    @authenticated()
    async def me(request: Request) -> response.HTTPResponse:
        return response.json(_me(request.ctx.session))

    @app.post("/api/logout")
    @authenticated()
    async def logout(request: Request) -> response.HTTPResponse:
        await app.ctx.sessions.delete(request.ctx.session)
        await mark_absent(app.ctx.redis, request.ctx.user.name)
        await app.ctx.audit.record(request.ctx.user.name, "logged_out")
        resp = response.json({"ok": True})
        del resp.cookies[COOKIE]
        return resp

    # ------------------------------------------------------------------------------------ queue

    @app.get("/api/queue")
    @authenticated()
    async def queue(request: Request) -> response.HTTPResponse:
        now = time.time() * 1000
        tickets = await app.ctx.queue.waiting()
        items = [ticket_summary(t, now, app.ctx.service, position=i + 1) for i, t in enumerate(tickets)]
        online = await online_counsellors(app.ctx.redis, app.ctx.service)
        return response.json({
            "tickets": items,
            "alerts": [{"ticket_id": t["ticket_id"], "risk_level": t["risk_level"], "waiting_s": t["waiting_s"]}
                       for t in items if t["alert"]],
            "counsellors_online": len(online),
            "open_now": await counsellors_available(app.ctx.redis, app.ctx.service),
            "server_time_ms": int(now),
        })

    @app.get("/api/mine")
    @authenticated()
    async def mine(request: Request) -> response.HTTPResponse:
        now = time.time() * 1000
        tickets = await app.ctx.queue.active(counsellor=request.ctx.user.name)
        return response.json({"tickets": [ticket_summary(t, now, app.ctx.service) for t in tickets]})

    @app.get("/api/counsellors")
    @authenticated()
    async def counsellors(request: Request) -> response.HTTPResponse:
        online = set(await online_counsellors(app.ctx.redis, app.ctx.service))
        users = await app.ctx.users.all()
        return response.json({"counsellors": [{"username": u.name, "display_name": u.display_name, "role": u.role,
                                               "online": u.name in online} for u in users]})

    @app.get("/api/case-categories")
    @authenticated()
    async def case_categories(request: Request) -> response.HTTPResponse:
        categories = app.ctx.content.case_categories
        return response.json({"categories": list(categories.categories), "source": categories.source})

    # ------------------------------------------------------------------------------------ one conversation

    @app.get("/api/tickets/<ticket_id:str>")
    @authenticated()
    async def ticket_view(request: Request, ticket_id: str) -> response.HTTPResponse:
        ticket = await _ticket_or_404(ticket_id)
        since = request.args.get("since_version")
        if since is not None and since == str(ticket["version"]):
            return response.json({"unchanged": True, "version": ticket["version"]})
        user = request.ctx.user
        if since is None:
            await app.ctx.audit.record(user.name, "viewed", ticket_id, ticket["conversation_id"])
        conversation_id = ticket["conversation_id"]
        rasa_error = None
        try:
            transcript = transcript_from_tracker(await app.ctx.rasa.tracker(conversation_id))
        except RasaError as error:
            rasa_error = f"Showing the saved copy: {error.message}"
            transcript = transcript_from_ticket(ticket, await app.ctx.queue.messages(ticket_id))
        now = time.time() * 1000
        values = placeholder_values(ticket.get("country"), ticket.get("language"), user.display_name)
        suggestion = app.ctx.content.case_categories.suggest(ticket.get("categories") or [])
        is_handler = ticket.get("counsellor") == user.name
        status = ticket.get("status")
        return response.json({
            "ticket": {**ticket_summary(ticket, now, app.ctx.service,
                                        position=await app.ctx.queue.position(ticket_id)),
                       "evidence": ticket.get("evidence") or [],
                       "closed_at_ms": ticket.get("closed_at_ms"), "case_category": ticket.get("case_category"),
                       "case_subcategory": ticket.get("case_subcategory")},
            "version": ticket["version"],
            "transcript": transcript,
            "rasa_error": rasa_error,
            "notes": await app.ctx.queue.notes(ticket_id),
            "helplines": helplines_for(ticket.get("country"), ticket.get("language")),
            "resources": app.ctx.content.resources_for(ticket.get("language"), values),
            "suggested_category": list(suggestion) if suggestion else None,
            "whatsapp": whatsapp_window(ticket.get("channel") or "",
                                        await app.ctx.redis.get(f"whatsapp:last_inbound:{conversation_id}"),
                                        app.ctx.service.whatsapp_free_text_window_s),
            "can": {
                "claim": status == "waiting",
                "reply": status == "claimed" and is_handler,
                "return_to_bot": status == "claimed" and (is_handler or user.is_supervisor),
                "close": status in ("claimed", "returned") and (is_handler or user.is_supervisor),
                "transfer": status == "claimed" and (is_handler or user.is_supervisor),
                "note": status in ("claimed", "returned") and (is_handler or user.is_supervisor),
            },
        })

    @app.post("/api/tickets/<ticket_id:str>/claim")
    @authenticated()
    async def claim(request: Request, ticket_id: str) -> response.HTTPResponse:
        ticket = await _ticket_or_404(ticket_id)
        user = request.ctx.user
        if not await app.ctx.queue.claim(ticket_id, user.name):
            current = await app.ctx.queue.ticket(ticket_id) or ticket
            who = current.get("counsellor")
            message = (f"{who} is already talking with this child." if who and who != user.name
                       else "This conversation is no longer waiting.")
            await app.ctx.audit.record(user.name, "claim_lost", ticket_id, ticket["conversation_id"],
                                       detail=f"already with {who}" if who else "no longer waiting")
            raise ApiError(409, "already_claimed", message, counsellor=who)
        conversation_id = ticket["conversation_id"]
        await app.ctx.audit.record(user.name, "claimed", ticket_id, conversation_id)
        warning = None
        # The child learns that a real person has joined, and who.
        text = app.ctx.content.system_message(
            "counsellor_joined", ticket.get("language"),
            placeholder_values(ticket.get("country"), ticket.get("language"), user.display_name))
        if not _whatsapp_closed(ticket, await _last_inbound(conversation_id)):
            try:
                # `counsellor: true` makes the channels show it as the counsellor's (the web chat switches "who
                # you are talking to"); `system: true` marks it as automatic in the console.
                await app.ctx.rasa.send_bot_message(conversation_id, text, {
                    "counsellor": True, "counsellor_name": user.display_name, "system": True,
                    "kind": "counsellor_joined"})
            except RasaError as error:
                warning = f"The child was not told that you joined: {error.message}"
        claimed = await app.ctx.queue.ticket(ticket_id)
        return response.json({"ok": True, "warning": warning,
                              "ticket": ticket_summary(claimed, time.time() * 1000, app.ctx.service)})

    async def _whatsapp_delivery_error(ticket: Dict[str, Any]) -> Optional[str]:
        """What the WhatsApp channel recorded about its last failed delivery (bot/channels/whatsapp_graph.py)."""
        if ticket.get("channel") != "whatsapp":
            return None
        raw = await app.ctx.redis.get(f"whatsapp:delivery_error:{ticket['conversation_id']}")
        try:
            record = json.loads(raw) if raw else None
        except ValueError:
            return None
        return f"WhatsApp: {record.get('detail') or record.get('reason')}" if isinstance(record, dict) else None

    async def _last_inbound(conversation_id: str) -> Optional[str]:
        return await app.ctx.redis.get(f"whatsapp:last_inbound:{conversation_id}")

    def _whatsapp_closed(ticket: Dict[str, Any], last_inbound: Optional[str]) -> Optional[Dict[str, Any]]:
        window = whatsapp_window(ticket.get("channel") or "", last_inbound,
                                 app.ctx.service.whatsapp_free_text_window_s)
        return window if window is not None and not window["open"] and window["last_inbound"] else None

    @app.post("/api/tickets/<ticket_id:str>/reply")
    @authenticated()
    async def reply(request: Request, ticket_id: str) -> response.HTTPResponse:
        data = json_object(request)
        text = text_field(data, "text", MAX_REPLY_CHARS)
        ticket = await _ticket_or_404(ticket_id)
        user = request.ctx.user
        if ticket.get("status") != "claimed":
            raise ApiError(409, "not_claimed", "Only a claimed conversation can be answered; claim it first "
                                               "(or it is back with the bot).")
        if ticket.get("counsellor") != user.name:
            raise ApiError(403, "not_your_conversation",
                           f"This conversation is with {ticket.get('counsellor')}; ask a supervisor to reassign it.")
        conversation_id = ticket["conversation_id"]
        closed = _whatsapp_closed(ticket, await _last_inbound(conversation_id))
        if closed:
            raise ApiError(409, "whatsapp_window_closed", closed["message"])
        try:
            await app.ctx.rasa.send_bot_message(conversation_id, text, {
                "counsellor": True, "counsellor_name": user.display_name, "ticket_id": ticket_id})
        except RasaError as error:
            await app.ctx.audit.record(user.name, "reply_failed", ticket_id, conversation_id,
                                       detail=error.reason or f"rasa status {error.status}")
            if error.reason == "whatsapp_window_closed":
                raise ApiError(409, "whatsapp_window_closed", error.message) from None
            detail = await _whatsapp_delivery_error(ticket)
            raise ApiError(502, "delivery_failed",
                           f"Your message was not delivered: {detail or error.message}") from None
        await app.ctx.queue.touch(ticket_id, last_counsellor_reply_ms=int(time.time() * 1000))
        await app.ctx.audit.record(user.name, "replied", ticket_id, conversation_id, detail=f"{len(text)} chars")
        logger.info("console: %s replied in conversation %s", user.name, pseudonym(conversation_id))
        return response.json({"ok": True})

    async def _hand_back_to_bot(ticket: Dict[str, Any]) -> Optional[str]:
        """Give the conversation back to the bot; returns a warning when the child could not be told.

        Order matters: the conversation is resumed last, in the same request as the action_listen that
        ends the bot's turn. A child message arriving during the hand-back is then either still recorded
        as "paused" (the counsellor has seen it) or handled from a complete state, never half-way, where
        it would match no rule (the safety rules included).
        """
        conversation_id = ticket["conversation_id"]
        resets = [{"event": "slot", "name": slot, "value": None} for slot in HANDOFF_SLOTS]
        try:
            await app.ctx.rasa.append_events(conversation_id, resets)
        except RasaError as error:
            raise ApiError(502, "rasa_unavailable",
                           f"The bot could not take the conversation back, so it stays with you: {error.message}"
                           ) from None
        warning = None
        try:
            await app.ctx.rasa.execute(conversation_id, "utter_back_with_bot")
        except RasaError as error:
            warning = f"The bot has the conversation again, but could not tell the child: {error.message}"
        try:
            await app.ctx.rasa.append_events(conversation_id, [{"event": "action", "name": "action_listen"},
                                                               {"event": "resume"}])
        except RasaError as error:
            raise ApiError(502, "rasa_unavailable",
                           f"The bot could not take the conversation back, so it stays with you: {error.message}"
                           ) from None
        return warning

    @app.post("/api/tickets/<ticket_id:str>/return")
    @authenticated()
    async def return_to_bot(request: Request, ticket_id: str) -> response.HTTPResponse:
        ticket = await _ticket_or_404(ticket_id)
        user = request.ctx.user
        if ticket.get("status") != "claimed":
            raise ApiError(409, "not_claimed", "Only a conversation you are handling can go back to the bot.")
        _require_handler(request, ticket)
        warning = await _hand_back_to_bot(ticket)
        _queue_result(await app.ctx.queue.finish(ticket_id, "returned", user.name, None), ticket)
        await app.ctx.audit.record(user.name, "returned_to_bot", ticket_id, ticket["conversation_id"])
        return response.json({"ok": True, "warning": warning})

    @app.post("/api/tickets/<ticket_id:str>/close")
    @authenticated()
    async def close(request: Request, ticket_id: str) -> response.HTTPResponse:
        data = json_object(request)
        notes = text_field(data, "notes", MAX_NOTE_CHARS)
        category = text_field(data, "category", 64)
        subcategory = text_field(data, "subcategory", 64, required=False)
        if not app.ctx.content.case_categories.is_valid(category, subcategory):
            raise ApiError(400, "invalid_category", "Pick a case category (and subcategory) from the list.",
                           field="category")
        ticket = await _ticket_or_404(ticket_id)
        user = request.ctx.user
        _require_handler(request, ticket)
        warning = None
        if ticket.get("status") == "claimed":
            # Closing must never leave a child talking to a paused bot: the bot takes over first.
            warning = await _hand_back_to_bot(ticket)
        await app.ctx.queue.add_note(ticket_id, user.name, notes)
        _queue_result(await app.ctx.queue.finish(ticket_id, "closed", user.name, None, category, subcategory),
                      ticket)
        await app.ctx.audit.record(user.name, "closed", ticket_id, ticket["conversation_id"],
                                   detail=f"{category}/{subcategory}".rstrip("/"))
        return response.json({"ok": True, "warning": warning})

    async def _transfer(request: Request, ticket_id: str, supervisor: bool) -> response.HTTPResponse:
        data = json_object(request)
        to = data.get("to")
        user = request.ctx.user
        if to is not None:
            if not isinstance(to, str):
                raise ApiError(400, "invalid_field", "'to' must be a user name, or null for the queue.", field="to")
            try:
                to = validate_username(to)
            except AccountError:
                raise ApiError(400, "invalid_field", "'to' is not a valid user name.", field="to") from None
            if await app.ctx.users.get(to) is None:
                raise ApiError(400, "unknown_user", f"There is no console user called {to}.", field="to")
        ticket = await _ticket_or_404(ticket_id)
        if to is not None and to == ticket.get("counsellor"):
            raise ApiError(409, "same_counsellor", f"{to} already has this conversation.")
        _queue_result(await app.ctx.queue.transfer(ticket_id, to, None if supervisor else user.name), ticket)
        await app.ctx.audit.record(user.name, "reassigned" if supervisor else "transferred", ticket_id,
                                   ticket["conversation_id"], detail=f"to {to}" if to else "back to the queue")
        return response.json({"ok": True})

    @app.post("/api/tickets/<ticket_id:str>/transfer")
    @authenticated()
    async def transfer(request: Request, ticket_id: str) -> response.HTTPResponse:
        return await _transfer(request, ticket_id, supervisor=False)

    @app.post("/api/tickets/<ticket_id:str>/reassign")
    @authenticated(supervisor=True)
    async def reassign(request: Request, ticket_id: str) -> response.HTTPResponse:
        return await _transfer(request, ticket_id, supervisor=True)

    @app.post("/api/tickets/<ticket_id:str>/notes")
    @authenticated()
    async def add_note(request: Request, ticket_id: str) -> response.HTTPResponse:
        text = text_field(json_object(request), "text", MAX_NOTE_CHARS)
        ticket = await _ticket_or_404(ticket_id)
        _require_handler(request, ticket)
        note = await app.ctx.queue.add_note(ticket_id, request.ctx.user.name, text)
        await app.ctx.audit.record(request.ctx.user.name, "noted", ticket_id, ticket["conversation_id"],
                                   detail=f"{len(text)} chars")
        return response.json({"ok": True, "note": note})

    # ------------------------------------------------------------------------------------ supervisors

    @app.get("/api/supervisor/active")
    @authenticated(supervisor=True)
    async def supervisor_active(request: Request) -> response.HTTPResponse:
        now = time.time() * 1000
        active = [ticket_summary(t, now, app.ctx.service) for t in await app.ctx.queue.active()]
        waiting = [ticket_summary(t, now, app.ctx.service, position=i + 1)
                   for i, t in enumerate(await app.ctx.queue.waiting())]
        return response.json({"active": active, "waiting": waiting,
                              "counsellors_online": await online_counsellors(app.ctx.redis, app.ctx.service)})

    @app.get("/api/supervisor/audit")
    @authenticated(supervisor=True)
    async def supervisor_audit(request: Request) -> response.HTTPResponse:
        try:
            limit = max(1, min(1000, int(request.args.get("limit", "200"))))
        except ValueError:
            raise ApiError(400, "invalid_field", "'limit' must be a number.", field="limit") from None
        ticket = request.args.get("ticket")
        if ticket is not None and not TICKET_ID.match(ticket):
            raise ApiError(400, "invalid_field", "'ticket' is not a ticket id.", field="ticket")
        return response.json({"entries": await app.ctx.audit.recent(limit, ticket)})

    return app
