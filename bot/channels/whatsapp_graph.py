"""Sending to WhatsApp: the Graph API client (with bounded retries) and Rasa's output channel for WhatsApp.

Contract with the counsellor console (see docs/channels.md):
- `whatsapp:last_inbound:<conversation id>` holds the epoch seconds of the child's last message.
- A counsellor message (bot event metadata `counsellor: true`) is sent as free text only inside WhatsApp's
  24-hour customer-service window. Outside it, or when WhatsApp refuses it, the output channel raises
  `WhatsAppDeliveryError` (Rasa's HTTP API then answers 500 with the error text and does not store the
  event) and records `whatsapp:delivery_error:<conversation id>` = JSON {reason, detail, at, counsellor}.
- Assistant replies are never raised (the child's message was handled); their failures are recorded in the
  same key and logged, without text.
"""
from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Text

import aiohttp
from rasa.core.channels.channel import OutputChannel

from bot.channels.whatsapp_payloads import interactive_message, split_text, text_message
from bot.privacy import pseudonym

logger = logging.getLogger(__name__)

CUSTOMER_SERVICE_WINDOW_S = 24 * 3600
DELIVERY_ERROR_PREFIX = "whatsapp:delivery_error:"
# Graph API error code 131047: "re-engagement message", i.e. outside the customer service window.
WINDOW_ERROR_CODES = {131047}
ARABIC_LETTER = re.compile(r"[\u0600-\u06FF]")


class WhatsAppDeliveryError(RuntimeError):
    """A message could not be delivered to the child on WhatsApp."""

    def __init__(self, reason: Text, detail: Text) -> None:
        super().__init__(f"WhatsApp delivery failed ({reason}): {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class GraphApiSettings:
    api_url: Text
    phone_number_id: Text
    access_token: Text
    max_attempts: int = 4
    base_delay_s: float = 0.5
    max_delay_s: float = 8.0
    timeout_s: float = 15.0


class GraphApiClient:
    """POSTs messages to `{api_url}/{phone_number_id}/messages`, retrying 429, 5xx and network errors."""

    def __init__(self, settings: GraphApiSettings) -> None:
        self.settings = settings
        self._session: Optional[aiohttp.ClientSession] = None

    @property
    def messages_url(self) -> Text:
        return f"{self.settings.api_url.rstrip('/')}/{self.settings.phone_number_id}/messages"

    def _client_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.settings.timeout_s))
        return self._session

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    def _delay(self, attempt: int, retry_after: Optional[Text]) -> float:
        delay = self.settings.base_delay_s * (2 ** attempt)
        if retry_after and retry_after.strip().isdigit():
            delay = float(retry_after)
        return min(delay, self.settings.max_delay_s)

    async def send(self, message: Dict[Text, Any]) -> Dict[Text, Any]:
        """Send one message; returns Graph's answer or raises WhatsAppDeliveryError (after retries)."""
        headers = {"Authorization": f"Bearer {self.settings.access_token}"}
        last_problem = "no attempt"
        for attempt in range(self.settings.max_attempts):
            retry_after = None
            try:
                async with self._client_session().post(self.messages_url, json=message,
                                                       headers=headers) as answer:
                    if answer.status < 300:
                        return await answer.json(content_type=None)
                    error = await _graph_error(answer)
                    last_problem = f"HTTP {answer.status}, Graph error code {error.get('code')}"
                    if _int(error.get("code")) in WINDOW_ERROR_CODES:
                        raise WhatsAppDeliveryError("window_closed", last_problem)
                    if answer.status != 429 and answer.status < 500:
                        raise WhatsAppDeliveryError("graph_api_error", last_problem)
                    retry_after = answer.headers.get("Retry-After")
            except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                last_problem = f"network error {type(error).__name__}"
            if attempt + 1 < self.settings.max_attempts:
                logger.warning("whatsapp: send attempt %d failed (%s); retrying", attempt + 1, last_problem)
                await asyncio.sleep(self._delay(attempt, retry_after))
        raise WhatsAppDeliveryError("graph_api_unavailable",
                                    f"{last_problem} after {self.settings.max_attempts} attempts")


async def _graph_error(answer: aiohttp.ClientResponse) -> Dict[Text, Any]:
    try:
        body = await answer.json(content_type=None)
        return body.get("error") or {} if isinstance(body, dict) else {}
    except (ValueError, aiohttp.ContentTypeError):
        return {}


def _int(value: Any) -> Optional[int]:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class WhatsAppOutput(OutputChannel):
    """Sends the assistant's and counsellors' messages to a child on WhatsApp.

    `recipient_id` is the Rasa conversation id (a keyed pseudonym); the phone number it stands for is
    looked up in Redis only at the moment of sending.
    """

    @classmethod
    def name(cls) -> Text:
        return "whatsapp"

    def __init__(self, client: GraphApiClient, inbox: Any, redis: Any,
                 window_s: int = CUSTOMER_SERVICE_WINDOW_S) -> None:
        self.client = client
        self.inbox = inbox
        self.redis = redis
        self.window_s = window_s

    # -- the checks every message goes through ------------------------------------------------------

    async def _record_failure(self, conversation_id: Text, error: WhatsAppDeliveryError, counsellor: bool) -> None:
        record = {"reason": error.reason, "detail": error.detail, "at": int(time.time()), "counsellor": counsellor}
        try:
            await self.redis.set(DELIVERY_ERROR_PREFIX + conversation_id, json.dumps(record), ex=7 * 24 * 3600)
        except Exception as redis_error:
            logger.error("whatsapp: cannot record delivery error (%s)", type(redis_error).__name__)

    async def _recipient(self, conversation_id: Text, free_text: bool) -> Text:
        wa_id = await self.inbox.wa_id(conversation_id)
        if not wa_id:
            raise WhatsAppDeliveryError("no_recipient", "no WhatsApp number is known for this conversation")
        if free_text:
            last = await self.inbox.last_inbound(conversation_id)
            age = time.time() - last if last else None
            if age is None or age > self.window_s:
                hours = f"{age / 3600:.0f} hours ago" if age is not None else "at an unknown time"
                raise WhatsAppDeliveryError(
                    "window_closed",
                    f"the child last wrote {hours}; WhatsApp only accepts free-text messages within 24 hours "
                    "of the child's last message. Send an approved template message instead.")
        return wa_id

    async def _deliver(self, conversation_id: Text, build, counsellor: bool, free_text: bool = True) -> None:
        try:
            wa_id = await self._recipient(conversation_id, free_text)
            messages = build(wa_id)
            for message in messages:
                await self.client.send(message)
            logger.info("whatsapp: sent %d message(s) to conversation %s%s", len(messages),
                        pseudonym(conversation_id), " (counsellor)" if counsellor else "")
        except WhatsAppDeliveryError as error:
            logger.error("whatsapp: could not deliver to conversation %s: %s", pseudonym(conversation_id),
                         error.reason)
            await self._record_failure(conversation_id, error, counsellor)
            if counsellor:
                raise  # the console shows this; Rasa does not store the undelivered event
        else:
            if counsellor:
                await self.redis.delete(DELIVERY_ERROR_PREFIX + conversation_id)

    @staticmethod
    def _with_sender(text: Text, kwargs: Dict[Text, Any]) -> Text:
        """Counsellor messages carry the counsellor's name, so the child knows a person is writing."""
        if kwargs.get("counsellor") and kwargs.get("counsellor_name"):
            return f"*{kwargs['counsellor_name']}*\n{text}"
        return text

    @staticmethod
    def _language(text: Text) -> Text:
        """The language of the list button's label: Arabic when the message is in Arabic script."""
        return "ar" if ARABIC_LETTER.search(text or "") else "en"

    # -- OutputChannel ------------------------------------------------------------------------------

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        body = self._with_sender(text, kwargs)
        await self._deliver(recipient_id, lambda to: [text_message(to, part) for part in split_text(body)],
                            counsellor=bool(kwargs.get("counsellor")))

    async def send_text_with_buttons(self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]],
                                     **kwargs: Any) -> None:
        body = self._with_sender(text, kwargs)
        language = self._language(text)
        await self._deliver(recipient_id, lambda to: interactive_message(to, body, buttons, language)[0],
                            counsellor=bool(kwargs.get("counsellor")))

    async def send_quick_replies(self, recipient_id: Text, text: Text, quick_replies: List[Dict[Text, Any]],
                                 **kwargs: Any) -> None:
        await self.send_text_with_buttons(recipient_id, text, quick_replies, **kwargs)

    async def send_image_url(self, recipient_id: Text, image: Text, **kwargs: Any) -> None:
        logger.info("whatsapp: image responses are not sent (conversation %s)", pseudonym(recipient_id))

    async def send_attachment(self, recipient_id: Text, attachment: Any, **kwargs: Any) -> None:
        logger.info("whatsapp: attachments are not sent (conversation %s)", pseudonym(recipient_id))

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        """`{"whatsapp": {<a Graph API message without "to">}}` is sent as is: e.g. an approved template,
        which WhatsApp accepts outside the 24-hour window."""
        message = json_message.get("whatsapp") if isinstance(json_message, dict) else None
        if not isinstance(message, dict):
            return
        free_text = message.get("type") != "template"
        await self._deliver(recipient_id,
                            lambda to: [{"messaging_product": "whatsapp", "recipient_type": "individual",
                                         **message, "to": to}],
                            counsellor=bool(kwargs.get("counsellor")), free_text=free_text)
