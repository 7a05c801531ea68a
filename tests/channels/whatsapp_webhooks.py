"""WhatsApp webhook payloads in Meta's documented format, and a signed POST helper, for the tests.

All numbers and names are synthetic.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
import uuid
from typing import Any, Dict, List, Optional, Tuple

PHONE_NUMBER_ID = "123456789012345"


def new_wa_id() -> str:
    """A synthetic WhatsApp id (a test number range, never a real child's)."""
    return "97400" + str(uuid.uuid4().int)[:7]


def new_message_id() -> str:
    return "wamid.TEST" + uuid.uuid4().hex.upper()


def envelope(value: Dict[str, Any], phone_number_id: str = PHONE_NUMBER_ID) -> Dict[str, Any]:
    return {"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [{
        "field": "messages",
        "value": {"messaging_product": "whatsapp",
                  "metadata": {"display_phone_number": "15550001111", "phone_number_id": phone_number_id},
                  **value}}]}]}


def inbound(wa_id: str, message: Dict[str, Any], message_id: Optional[str] = None, name: str = "Test Child",
            timestamp: Optional[int] = None) -> Dict[str, Any]:
    return envelope({
        "contacts": [{"profile": {"name": name}, "wa_id": wa_id}],
        "messages": [{"from": wa_id, "id": message_id or new_message_id(),
                      "timestamp": str(timestamp or int(time.time())), **message}]})


def text(wa_id: str, body: str, **kwargs: Any) -> Dict[str, Any]:
    return inbound(wa_id, {"type": "text", "text": {"body": body}}, **kwargs)


def button_reply(wa_id: str, reply_id: str, title: str, **kwargs: Any) -> Dict[str, Any]:
    return inbound(wa_id, {"type": "interactive", "context": {"from": "15550001111", "id": new_message_id()},
                           "interactive": {"type": "button_reply",
                                           "button_reply": {"id": reply_id, "title": title}}}, **kwargs)


def list_reply(wa_id: str, reply_id: str, title: str, **kwargs: Any) -> Dict[str, Any]:
    return inbound(wa_id, {"type": "interactive",
                           "interactive": {"type": "list_reply",
                                           "list_reply": {"id": reply_id, "title": title,
                                                          "description": ""}}}, **kwargs)


def image(wa_id: str, caption: Optional[str] = None, **kwargs: Any) -> Dict[str, Any]:
    media = {"mime_type": "image/jpeg", "sha256": "abc123", "id": "1234567890"}
    if caption:
        media["caption"] = caption
    return inbound(wa_id, {"type": "image", "image": media}, **kwargs)


def voice_note(wa_id: str, **kwargs: Any) -> Dict[str, Any]:
    return inbound(wa_id, {"type": "audio", "audio": {"mime_type": "audio/ogg; codecs=opus", "sha256": "def",
                                                       "id": "2345678901", "voice": True}}, **kwargs)


def status(wa_id: str, state: str = "delivered") -> Dict[str, Any]:
    return envelope({"statuses": [{"id": new_message_id(), "status": state, "timestamp": str(int(time.time())),
                                   "recipient_id": wa_id,
                                   "conversation": {"id": "c" + uuid.uuid4().hex,
                                                    "origin": {"type": "service"}},
                                   "pricing": {"billable": True, "pricing_model": "CBP", "category": "service"}}]})


def sign(body: bytes, app_secret: str) -> str:
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def post(url: str, payload: Any = None, app_secret: Optional[str] = None, raw: Optional[bytes] = None,
         signature: Optional[str] = None) -> Tuple[int, Dict[str, Any]]:
    """POST a webhook body, signed with `app_secret` unless `signature` is given (or neither)."""
    body = raw if raw is not None else json.dumps(payload).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["X-Hub-Signature-256"] = signature
    elif app_secret is not None:
        headers["X-Hub-Signature-256"] = sign(body, app_secret)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as error:
        content = error.read()
        try:
            return error.code, json.loads(content or b"{}")
        except ValueError:
            return error.code, {"raw": content.decode("utf-8", "replace")}


def get(url: str) -> Tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def sent_to(fake_graph_api, wa_id: str) -> List[Dict[str, Any]]:
    """Message bodies the fake Graph API delivered to this number."""
    return [message["body"] for message in fake_graph_api.messages() if message["body"].get("to") == wa_id]


def wait_until(condition, timeout_s: float = 15.0, interval_s: float = 0.1):
    """Poll `condition` until it returns something truthy; return that, or fail after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval_s)
    raise AssertionError(f"condition not met within {timeout_s} s")


def wait_until_settled(read, quiet_s: float = 2.0, timeout_s: float = 60.0):
    """Wait until `read()` is non-empty and has not grown for `quiet_s`: the assistant's turn (which may
    arrive as several messages, one after another) is complete. Returns the final list."""
    deadline = time.monotonic() + timeout_s
    seen, since = None, time.monotonic()
    while time.monotonic() < deadline:
        now = read()
        if seen is None or len(now) != len(seen):
            seen, since = now, time.monotonic()
        elif now and time.monotonic() - since >= quiet_s:
            return now
        time.sleep(0.1)
    raise AssertionError(f"the assistant's turn did not settle within {timeout_s} s")


def received_by_assistant(harness_redis, sender_id: str) -> List[Dict[str, Any]]:
    """What the harness's recording handler (in place of Rasa) got for this conversation."""
    return [message for message in (json.loads(raw) for raw in harness_redis.lrange("harness:received", 0, -1))
            if message["sender_id"] == sender_id]
