"""WhatsApp Cloud API channel for Rasa (`whatsapp`, webhook at /webhooks/whatsapp/webhook).

Inbound: Meta calls the webhook. GET is the subscription handshake. POST must carry a valid
X-Hub-Signature-256 (HMAC-SHA256 of the raw body with the app secret); each message in it is stored in a
durable Redis inbox (bot/channels/whatsapp_inbox.py) before Meta gets its 200, and a background worker
hands stored messages to Rasa, so a restart mid-message loses nothing and a re-delivered message is
handled once. Text goes to the assistant; a reply button or list choice sends its id (e.g. "/affirm");
pictures, voice notes and other media get a short kind reply and a note in the conversation for
counsellors; delivery statuses are acknowledged and ignored.

Privacy: Rasa never sees the phone number. The conversation id is a keyed pseudonym of the WhatsApp id
(HMAC-SHA256 with `pseudonym_secret`, by default the app secret), and Redis maps it back to the number
only for sending (`whatsapp:wa_id:<conversation id>`). Logs hold pseudonyms and lengths, never text.

Outbound: bot/channels/whatsapp_graph.py (Graph API client, retries, the 24-hour window contract).
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
from collections import OrderedDict
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.whatsapp_graph import GraphApiClient, GraphApiSettings, WhatsAppOutput
from bot.channels.whatsapp_inbox import InboxEntry, WhatsAppInbox
from bot.channels.whatsapp_payloads import PayloadError, read_webhook
from bot.privacy import pseudonym

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://graph.facebook.com/v21.0"
DEFAULT_MAX_BODY_BYTES = 256 * 1024  # Meta's webhook bodies are a few kilobytes
MEDIA_NOTICE_RESPONSE = "utter_media_not_supported"
# Used when the domain has no `utter_media_not_supported` response. Gender-neutral Arabic on purpose.
MEDIA_REPLY = {
    "ar": "عذراً، لا أستطيع فتح الصور أو الرسائل الصوتية أو الملفات، فأنا أقرأ الرسائل المكتوبة فقط. "
          "الكلمات المكتوبة تصلني، وأنا هنا لأسمعك.",
    "en": "Sorry, I can't open pictures, voice messages or files. I can only read text messages. "
          "Please write to me in words. I'm here to listen.",
}


def _secret_from(value: Any) -> Text:
    return "" if value is None else str(value)


class WhatsAppInput(InputChannel):
    """Rasa input channel for the WhatsApp Cloud API."""

    @classmethod
    def name(cls) -> Text:
        return "whatsapp"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        return cls(
            verify_token=_secret_from(credentials.get("verify_token")),
            app_secret=_secret_from(credentials.get("app_secret")),
            access_token=_secret_from(credentials.get("access_token")),
            phone_number_id=_secret_from(credentials.get("phone_number_id")),
            api_url=_secret_from(credentials.get("api_url")) or DEFAULT_API_URL,
            pseudonym_secret=_secret_from(credentials.get("pseudonym_secret")) or None,
            max_body_bytes=int(credentials.get("max_body_bytes") or DEFAULT_MAX_BODY_BYTES),
            retry_attempts=int(credentials.get("retry_attempts") or 4),
            retry_base_delay_s=float(credentials.get("retry_base_delay_s") or 0.5),
        )

    def __init__(self, verify_token: Text, app_secret: Text, access_token: Text, phone_number_id: Text,
                 api_url: Text = DEFAULT_API_URL, pseudonym_secret: Optional[Text] = None,
                 max_body_bytes: int = DEFAULT_MAX_BODY_BYTES, retry_attempts: int = 4,
                 retry_base_delay_s: float = 0.5) -> None:
        if not verify_token or not app_secret:
            raise ValueError("whatsapp: verify_token and app_secret are required")
        self.verify_token = verify_token
        self.app_secret = app_secret
        self.phone_number_id = phone_number_id
        self.pseudonym_secret = pseudonym_secret or app_secret
        self.max_body_bytes = max_body_bytes
        self.graph_settings = GraphApiSettings(api_url=api_url, phone_number_id=phone_number_id,
                                               access_token=access_token, max_attempts=retry_attempts,
                                               base_delay_s=retry_base_delay_s)
        self.app: Optional[Sanic] = None
        self.on_new_message: Optional[Callable[[UserMessage], Awaitable[Any]]] = None
        self._redis = None
        self._inbox: Optional[WhatsAppInbox] = None
        self._graph: Optional[GraphApiClient] = None
        self._worker: Optional[asyncio.Task] = None
        self._stopping = False

    # -- identities -----------------------------------------------------------------------------------

    def conversation_id(self, wa_id: Text) -> Text:
        """The Rasa conversation id for a WhatsApp id: a keyed pseudonym, stable while the secret is."""
        digest = hmac.new(self.pseudonym_secret.encode("utf-8"), f"whatsapp:{wa_id}".encode("utf-8"),
                          hashlib.sha256).hexdigest()
        return f"wa-{digest[:32]}"

    def valid_signature(self, body: bytes, header: Optional[Text]) -> bool:
        """Meta signs each POST: `X-Hub-Signature-256: sha256=<HMAC-SHA256(app secret, raw body)>`."""
        if not header:
            return False
        expected = "sha256=" + hmac.new(self.app_secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected.encode("ascii"), header.strip().encode("utf-8", "replace"))

    # -- shared clients (created in the server's event loop) ------------------------------------------

    def redis(self):
        if self._redis is None:
            from bot.settings import async_redis_client

            self._redis = async_redis_client()
        return self._redis

    def inbox(self) -> WhatsAppInbox:
        if self._inbox is None:
            self._inbox = WhatsAppInbox(self.redis())
        return self._inbox

    def graph(self) -> GraphApiClient:
        if self._graph is None:
            self._graph = GraphApiClient(self.graph_settings)
        return self._graph

    def get_output_channel(self) -> Optional[OutputChannel]:
        """The channel Rasa's HTTP API uses for `output_channel=whatsapp` (or `latest`): counsellor replies."""
        return WhatsAppOutput(self.graph(), self.inbox(), self.redis())

    # -- webhook --------------------------------------------------------------------------------------

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Health at /webhooks/whatsapp/, the webhook at /webhooks/whatsapp/webhook."""
        self.on_new_message = on_new_message
        webhook = Blueprint("whatsapp_webhook")

        @webhook.listener("after_server_start")
        async def start_worker(app: Sanic, _loop: Any) -> None:
            self.app = app
            self._stopping = False
            self._worker = asyncio.ensure_future(self._run_worker())

        @webhook.listener("before_server_stop")
        async def stop_worker(_app: Sanic, _loop: Any) -> None:
            await self.stop()

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            mode = request.args.get("hub.mode")
            token = request.args.get("hub.verify_token") or ""
            challenge = request.args.get("hub.challenge") or ""
            if mode == "subscribe" and hmac.compare_digest(token.encode("utf-8"), self.verify_token.encode("utf-8")):
                return response.text(challenge)
            logger.warning("whatsapp: webhook verification refused")
            return response.json({"error": "verification failed"}, status=403)

        @webhook.route("/webhook", methods=["POST"], stream=True)
        async def receive(request: Request) -> HTTPResponse:
            return await self._receive(request)

        return webhook

    async def _read_body(self, request: Request) -> Optional[bytes]:
        """The raw body, or None when it is larger than allowed (read no further than the limit)."""
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            return None
        body = bytearray()
        while True:
            chunk = await request.stream.read()
            if chunk is None:
                break
            body.extend(chunk)
            if len(body) > self.max_body_bytes:
                return None
        return bytes(body)

    async def _receive(self, request: Request) -> HTTPResponse:
        body = await self._read_body(request)
        if body is None:
            return response.json({"error": "payload too large"}, status=413)
        if not self.valid_signature(body, request.headers.get("x-hub-signature-256")):
            logger.warning("whatsapp: webhook POST with a missing or wrong signature refused")
            return response.json({"error": "invalid signature"}, status=403)
        try:
            payload = json.loads(body)
        except ValueError:
            return response.json({"error": "malformed JSON: the body is not valid JSON"}, status=400)
        try:
            content = read_webhook(payload, int(time.time()))
        except PayloadError as error:
            return response.json({"error": f"not a WhatsApp webhook payload: {error}"}, status=400)

        accepted = duplicates = other_number = 0
        for message in content.messages:
            if message.phone_number_id and self.phone_number_id and message.phone_number_id != self.phone_number_id:
                other_number += 1
                continue
            conversation_id = self.conversation_id(message.wa_id)
            try:
                stored = await self.inbox().store(conversation_id, message.wa_id, message.to_record())
            except Exception as error:
                # Not stored = not acknowledged: Meta retries, and the stored part is deduplicated then.
                logger.error("whatsapp: cannot store an inbound message (%s)", type(error).__name__)
                return response.json({"error": "temporarily unable to store messages"}, status=503)
            if stored:
                accepted += 1
            else:
                duplicates += 1
        if content.statuses:
            logger.debug("whatsapp: %d delivery status update(s) ignored", content.statuses)
        return response.json({"status": "ok", "accepted": accepted, "duplicates": duplicates,
                              "statuses": content.statuses, "other_number": other_number})

    # -- background worker -----------------------------------------------------------------------------

    async def stop(self) -> None:
        """Stop the worker (unfinished entries stay in the inbox) and close the HTTP session."""
        self._stopping = True
        if self._worker is not None:
            self._worker.cancel()
            try:
                await self._worker
            except (asyncio.CancelledError, Exception):
                pass
            self._worker = None
        if self._graph is not None:
            await self._graph.close()
        if self._redis is not None:
            await self._redis.close()
            self._redis, self._inbox = None, None

    def _agent(self):
        return getattr(self.app.ctx, "agent", None) if self.app is not None else None

    async def _wait_until_ready(self) -> None:
        while not self._stopping:
            agent = self._agent()
            if agent is None or agent.is_ready():
                return
            await asyncio.sleep(0.5)

    async def _run_worker(self) -> None:
        inbox = self.inbox()
        await self._wait_until_ready()
        # First what this server had taken but not finished before it stopped.
        while not self._stopping:
            try:
                await inbox.ensure_group()
                after = "0"
                while True:
                    pending = await inbox.own_pending(after)
                    if not pending:
                        break
                    logger.info("whatsapp: resuming %d unfinished message(s)", len(pending))
                    await self._handle_batch(pending)
                    after = pending[-1].entry_id
                break
            except asyncio.CancelledError:
                raise
            except Exception as error:
                logger.error("whatsapp: inbox not available (%s); retrying", type(error).__name__)
                await asyncio.sleep(2)
        last_claim = 0.0
        while not self._stopping:
            try:
                entries = await inbox.read_new(count=10, block_ms=1000)
                if time.monotonic() - last_claim > 15:
                    entries += await inbox.claim_stale()
                    last_claim = time.monotonic()
                if entries:
                    await self._handle_batch(entries)
            except asyncio.CancelledError:
                raise
            except Exception as error:
                logger.error("whatsapp: worker error (%s)", type(error).__name__)
                await asyncio.sleep(1)

    async def _handle_batch(self, entries: List[InboxEntry]) -> None:
        """Different children in parallel, each child's messages in order."""
        by_conversation: "OrderedDict[Text, List[InboxEntry]]" = OrderedDict()
        for entry in entries:
            by_conversation.setdefault(entry.conversation_id, []).append(entry)

        async def in_order(items: List[InboxEntry]) -> None:
            for item in items:
                await self._handle_entry(item)

        await asyncio.gather(*(in_order(items) for items in by_conversation.values()))

    async def _handle_entry(self, entry: InboxEntry) -> None:
        inbox = self.inbox()
        if not entry.record:
            await inbox.done(entry)
            return
        attempts = await inbox.attempt(entry)
        if attempts > inbox.max_attempts:
            logger.error("whatsapp: giving up on a message of conversation %s after %d attempts",
                         pseudonym(entry.conversation_id), attempts - 1)
            await inbox.give_up(entry, "too many failed attempts")
            return
        try:
            await self.handle_message(entry.conversation_id, entry.record)
        except Exception as error:  # left pending: claimed again later
            logger.error("whatsapp: handling a message of conversation %s failed (%s), attempt %d",
                         pseudonym(entry.conversation_id), type(error).__name__, attempts)
            return
        await inbox.done(entry)

    async def handle_message(self, conversation_id: Text, record: Dict[Text, Any]) -> None:
        """Give one stored inbound message to the assistant."""
        output = self.get_output_channel()
        kind = record.get("kind")
        metadata = {"whatsapp_message_id": record.get("message_id"), "whatsapp_type": kind}
        if kind == "text" and record.get("text"):
            await self._to_rasa(record["text"], output, conversation_id, record, metadata)
        elif kind == "reply" and record.get("text"):
            metadata["display_text"] = record.get("title", "")
            await self._to_rasa(record["text"], output, conversation_id, record, metadata)
        elif kind == "media":
            await self._answer_media(conversation_id, record, output)
            if record.get("text"):  # the caption: the child's own words
                metadata["whatsapp_media_type"] = record.get("media_type")
                await self._to_rasa(record["text"], output, conversation_id, record, metadata,
                                    message_id=f"{record.get('message_id')}:caption")
        else:
            logger.debug("whatsapp: %s message ignored", record.get("media_type") or kind)

    async def _to_rasa(self, text: Text, output: OutputChannel, conversation_id: Text, record: Dict[Text, Any],
                       metadata: Dict[Text, Any], message_id: Optional[Text] = None) -> None:
        assert self.on_new_message is not None
        await self.on_new_message(UserMessage(text, output, conversation_id, input_channel=self.name(),
                                              message_id=message_id or record.get("message_id"),
                                              metadata=metadata))

    async def _answer_media(self, conversation_id: Text, record: Dict[Text, Any], output: OutputChannel) -> None:
        """A kind reply in the child's language, and a note in the conversation that counsellors see."""
        media_type = record.get("media_type") or "media"
        agent = self._agent()
        if agent is None or not agent.is_ready():
            await output.send_text_message(conversation_id, self._media_reply(None))
            return
        from rasa.shared.core.constants import ACTION_LISTEN_NAME
        from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered

        async with agent.lock_store.lock(conversation_id):
            tracker = await agent.processor.fetch_tracker_and_update_session(conversation_id, output)
            reply = await self._media_reply_for(agent, tracker)
            note = f"[{media_type}]"
            tracker.update(UserUttered(
                text=note, parse_data={"text": note, "intent": {"name": None, "confidence": 0.0}, "entities": []},
                input_channel=self.name(), message_id=record.get("message_id"),
                metadata={"whatsapp_message_id": record.get("message_id"), "whatsapp_type": "media",
                          "whatsapp_media_type": media_type, "unsupported_media": True}))
            tracker.update(BotUttered(reply, metadata={"utter_action": MEDIA_NOTICE_RESPONSE,
                                                       "whatsapp_media_notice": True}))
            tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
            await agent.processor.save_tracker(tracker)
        await output.send_text_message(conversation_id, reply)

    async def _media_reply_for(self, agent: Any, tracker: Any) -> Text:
        from rasa.shared.core.events import SlotSet

        known = any(isinstance(event, SlotSet) and event.key == "language" and event.value
                    for event in tracker.events)
        if known and MEDIA_NOTICE_RESPONSE in (agent.domain.responses or {}):
            try:  # content editors can word it in domain.yml (per language and age group)
                message = await agent.nlg.generate(MEDIA_NOTICE_RESPONSE, tracker, self.name())
                if message and message.get("text"):
                    return message["text"]
            except Exception as error:
                logger.warning("whatsapp: %s could not be generated (%s)", MEDIA_NOTICE_RESPONSE,
                               type(error).__name__)
        return self._media_reply(tracker.get_slot("language") if known else None)

    @staticmethod
    def _media_reply(language: Optional[Text]) -> Text:
        if language in MEDIA_REPLY:
            return MEDIA_REPLY[language]
        return f"{MEDIA_REPLY['ar']}\n\n{MEDIA_REPLY['en']}"  # language not known yet: both
