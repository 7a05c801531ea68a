"""WhatsApp Cloud API message formats: reading webhook payloads and building outbound messages.

Pure functions, no I/O. Formats follow Meta's documentation: webhooks arrive as
`{"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "messages", "value": {...}}]}]}`
where `value` holds `messages`, `contacts` and/or `statuses`; outbound messages are POSTed to
`/{phone-number-id}/messages` as `{"messaging_product": "whatsapp", "to": ..., "type": ...}`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Text, Tuple

# Kinds of inbound message the assistant cannot read: the child gets a kind reply, a counsellor sees a note.
MEDIA_TYPES = {"image", "audio", "voice", "video", "sticker", "document", "location", "contacts"}
# Kinds that need no answer at all.
SILENT_TYPES = {"reaction", "system", "ephemeral", "request_welcome"}

# Meta's limits for interactive messages.
MAX_REPLY_BUTTONS = 3
MAX_BUTTON_TITLE = 20
MAX_LIST_ROWS = 10
MAX_ROW_TITLE = 24
MAX_ROW_DESCRIPTION = 72
MAX_ROW_ID = 200
MAX_BUTTON_ID = 256
MAX_INTERACTIVE_BODY = 1024
MAX_TEXT_BODY = 4096

LIST_BUTTON_LABEL = {"ar": "الخيارات", "en": "Options"}


@dataclass(frozen=True)
class InboundMessage:
    """One message a child sent, reduced to what the assistant needs."""

    message_id: Text
    wa_id: Text
    timestamp: int
    kind: Text  # text | reply | media | silent
    text: Text = ""          # what goes to Rasa: typed text, or a reply's payload id
    title: Text = ""         # the reply button's visible title
    media_type: Text = ""    # image, audio, ... for kind == media
    phone_number_id: Text = ""

    def to_record(self) -> Dict[Text, Any]:
        return {"message_id": self.message_id, "timestamp": self.timestamp, "kind": self.kind,
                "text": self.text, "title": self.title, "media_type": self.media_type}


@dataclass
class WebhookContent:
    """What one webhook delivery holds."""

    messages: List[InboundMessage] = field(default_factory=list)
    statuses: int = 0
    ignored_changes: int = 0


class PayloadError(ValueError):
    """The body is JSON but not a webhook payload we can read."""


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def read_message(raw: Dict[Text, Any], phone_number_id: Text, now: int) -> Optional[InboundMessage]:
    """One entry of `value.messages` as an InboundMessage (None when it has no id or sender)."""
    message_id, wa_id = raw.get("id"), raw.get("from")
    if not isinstance(message_id, str) or not isinstance(wa_id, str) or not message_id or not wa_id:
        return None
    message_type = str(raw.get("type") or "unknown")
    common = dict(message_id=message_id, wa_id=wa_id, timestamp=_int(raw.get("timestamp"), now),
                  phone_number_id=phone_number_id)
    if message_type == "text":
        body = (raw.get("text") or {}).get("body") or ""
        return InboundMessage(kind="text", text=str(body), **common)
    if message_type == "interactive":
        interactive = raw.get("interactive") or {}
        reply = interactive.get("button_reply") or interactive.get("list_reply") or {}
        if reply.get("id"):
            return InboundMessage(kind="reply", text=str(reply["id"]), title=str(reply.get("title") or ""),
                                  **common)
        return InboundMessage(kind="media", media_type="interactive", **common)
    if message_type == "button":  # a quick-reply button of a template message
        button = raw.get("button") or {}
        payload = str(button.get("payload") or button.get("text") or "")
        return InboundMessage(kind="reply", text=payload, title=str(button.get("text") or ""), **common)
    if message_type == "audio" and (raw.get("audio") or {}).get("voice"):
        message_type = "voice"
    if message_type in MEDIA_TYPES:
        media = raw.get(message_type if message_type != "voice" else "audio") or {}
        caption = media.get("caption") if isinstance(media, dict) else None
        # A caption is words the child wrote: they go to the assistant like any text.
        return InboundMessage(kind="media", media_type=message_type, text=str(caption or ""), **common)
    if message_type in SILENT_TYPES:
        return InboundMessage(kind="silent", media_type=message_type, **common)
    return InboundMessage(kind="media", media_type=message_type, **common)


def read_webhook(payload: Any, now: int) -> WebhookContent:
    """Messages and status updates in a webhook payload (Meta's documented format)."""
    if not isinstance(payload, dict):
        raise PayloadError("the payload must be a JSON object")
    content = WebhookContent()
    if payload.get("object") != "whatsapp_business_account":
        content.ignored_changes += 1
        return content
    entries = payload.get("entry")
    if not isinstance(entries, list):
        raise PayloadError("`entry` must be a list")
    for entry in entries:
        for change in (entry or {}).get("changes") or []:
            value = (change or {}).get("value") or {}
            if not isinstance(value, dict) or change.get("field", "messages") != "messages":
                content.ignored_changes += 1
                continue
            phone_number_id = str((value.get("metadata") or {}).get("phone_number_id") or "")
            for raw in value.get("messages") or []:
                message = read_message(raw, phone_number_id, now) if isinstance(raw, dict) else None
                if message is not None:
                    content.messages.append(message)
            content.statuses += len(value.get("statuses") or [])
    return content


# -- outbound --------------------------------------------------------------------------------------------

def _shorten(text: Text, limit: int) -> Text:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def text_message(to: Text, body: Text) -> Dict[Text, Any]:
    """A plain text message (the body must be at most 4096 characters: see `split_text`)."""
    return {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to, "type": "text",
            "text": {"preview_url": False, "body": body}}


def split_text(text: Text, limit: int = MAX_TEXT_BODY) -> List[Text]:
    """Text cut into parts WhatsApp accepts, at paragraph or line breaks where possible."""
    text = text.strip()
    parts: List[Text] = []
    while len(text) > limit:
        cut = max(text.rfind("\n\n", 0, limit), text.rfind("\n", 0, limit), text.rfind(" ", 0, limit))
        cut = cut if cut > limit // 2 else limit
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        parts.append(text)
    return parts


def interactive_message(to: Text, body: Text, buttons: List[Dict[Text, Any]],
                        language: Text = "en") -> Tuple[List[Dict[Text, Any]], Text]:
    """Messages showing `body` with `buttons` as WhatsApp reply buttons (≤ 3 short titles) or a list (≤ 10).

    Returns the messages to send in order and the form used: "buttons", "list" or "text" (more than ten
    choices: a numbered text list, since WhatsApp has no larger interactive form).
    """
    choices = [button for button in buttons if button.get("payload")]
    messages: List[Dict[Text, Any]] = []
    body_parts = split_text(body or " ", MAX_INTERACTIVE_BODY)
    for part in body_parts[:-1]:
        messages.append(text_message(to, part))
    body = body_parts[-1] if body_parts else " "
    base = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to, "type": "interactive"}
    titles = [str(button.get("title") or button["payload"]) for button in choices]
    if len(choices) <= MAX_REPLY_BUTTONS and all(len(title) <= MAX_BUTTON_TITLE for title in titles):
        messages.append({**base, "interactive": {
            "type": "button", "body": {"text": body},
            "action": {"buttons": [{"type": "reply", "reply": {"id": str(button["payload"])[:MAX_BUTTON_ID],
                                                               "title": title}}
                                   for button, title in zip(choices, titles)]}}})
        return messages, "buttons"
    if len(choices) <= MAX_LIST_ROWS:
        rows = []
        for button, title in zip(choices, titles):
            row = {"id": str(button["payload"])[:MAX_ROW_ID], "title": _shorten(title, MAX_ROW_TITLE)}
            if len(title) > MAX_ROW_TITLE:  # the whole title stays readable in the description
                row["description"] = _shorten(title, MAX_ROW_DESCRIPTION)
            rows.append(row)
        messages.append({**base, "interactive": {
            "type": "list", "body": {"text": body},
            "action": {"button": LIST_BUTTON_LABEL.get(language, LIST_BUTTON_LABEL["en"]),
                       "sections": [{"title": _shorten(LIST_BUTTON_LABEL.get(language, "Options"), 24),
                                     "rows": rows}]}}})
        return messages, "list"
    numbered = "\n".join(f"{index}. {title}" for index, title in enumerate(titles, start=1))
    messages.append(text_message(to, f"{body}\n\n{numbered}"[:MAX_TEXT_BODY]))
    return messages, "text"
