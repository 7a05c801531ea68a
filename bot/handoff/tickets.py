"""The handoff packet: what a counsellor needs to know before saying the first word.

A ticket is built from the conversation when the bot hands a child over (actions/handoff.py) and stored as a
Redis hash by `bot.handoff.queue`. This module only shapes data; it never talks to Redis or Rasa, so the same
functions serve the action server (events as dicts), the tracker store (Rasa event objects turned into dicts)
and the tests.

Ticket fields (all strings in Redis; `decode_ticket` types them):
  id, conversation_id, channel, language, age_group, country, reason (risk | request),
  risk_level, risk_rank, opened_risk_level, categories [json], evidence [json], transcript [json],
  trigger_ts (Rasa timestamp of the message that led to the handoff), waiting_since_ms, created_at_ms,
  status (waiting | claimed | returned | closed), counsellor, claimed_at_ms, returned_at_ms, closed_at_ms,
  closed_by, case_category, case_subcategory, version, child_message_count, last_child_message_ms,
  counsellor_online_at_open ("1" | "0").
"""
from __future__ import annotations

import json
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence

from bot.safety.levels import LEVELS, NONE, rank

# A ticket's evidence list is capped: a long wait full of messages must not grow one hash without bound.
MAX_EVIDENCE = 40
MAX_TRANSCRIPT_TEXT = 1000

JSON_FIELDS = ("categories", "evidence", "transcript")
INT_FIELDS = ("risk_rank", "waiting_since_ms", "created_at_ms", "claimed_at_ms", "returned_at_ms",
              "closed_at_ms", "version", "child_message_count", "last_child_message_ms")


def safe_level(value: Any) -> str:
    """A valid risk level; anything unknown counts as none (the assessor's fail-safe already says high)."""
    return value if isinstance(value, str) and value in LEVELS else NONE


def risk_of(parse_data: Optional[Mapping[str, Any]]) -> Dict[str, Any]:
    """The `risk` the assessor put on a parsed message, normalised: {level, categories, evidence}."""
    risk = (parse_data or {}).get("risk") or {}
    if not isinstance(risk, Mapping):
        risk = {}
    categories = [c for c in (risk.get("categories") or []) if isinstance(c, str)]
    evidence = []
    for item in risk.get("evidence") or []:
        if isinstance(item, Mapping):
            evidence.append({key: item.get(key) for key in ("detector", "category", "level", "pattern", "matched")
                             if item.get(key) is not None})
    return {"level": safe_level(risk.get("level")), "categories": categories, "evidence": evidence}


def _is_user(event: Mapping[str, Any]) -> bool:
    return event.get("event") == "user"


def _is_bot(event: Mapping[str, Any]) -> bool:
    return event.get("event") == "bot"


def latest_user_event(events: Sequence[Mapping[str, Any]]) -> Optional[Mapping[str, Any]]:
    """The newest `user` event, or None."""
    for event in reversed(events):
        if _is_user(event):
            return event
    return None


def transcript_from_events(events: Iterable[Mapping[str, Any]], limit: int = 20) -> List[Dict[str, Any]]:
    """The last `limit` child and bot messages: [{who: child|bot|counsellor, text, ts, risk_level}]."""
    lines: List[Dict[str, Any]] = []
    for event in events:
        if _is_user(event):
            text = event.get("text") or ""
            risk = risk_of(event.get("parse_data"))
            lines.append({"who": "child", "text": text[:MAX_TRANSCRIPT_TEXT], "ts": event.get("timestamp"),
                          "risk_level": risk["level"]})
        elif _is_bot(event) and event.get("text"):
            metadata = event.get("metadata") or {}
            who = "counsellor" if metadata.get("counsellor") and not metadata.get("system") else "bot"
            lines.append({"who": who, "text": event["text"][:MAX_TRANSCRIPT_TEXT], "ts": event.get("timestamp")})
    return lines[-limit:] if limit else lines


def conversation_risk(events: Sequence[Mapping[str, Any]], latest_message: Optional[Mapping[str, Any]],
                      slot_level: Optional[str], slot_categories: Optional[Sequence[str]]) -> Dict[str, Any]:
    """The conversation's risk for the ticket: the highest of the slot and every message since the session began.

    Evidence comes from every user message that carried any, newest last, capped at MAX_EVIDENCE.
    """
    level = safe_level(slot_level)
    categories: List[str] = [c for c in (slot_categories or []) if isinstance(c, str)]
    evidence: List[Dict[str, Any]] = []
    parsed = [event.get("parse_data") for event in events if _is_user(event)]
    if latest_message and (not parsed or parsed[-1] is not latest_message):
        parsed.append(latest_message)
    for parse_data in parsed:
        risk = risk_of(parse_data)
        if rank(risk["level"]) > rank(level):
            level = risk["level"]
        for category in risk["categories"]:
            if category not in categories:
                categories.append(category)
        evidence.extend(risk["evidence"])
    return {"level": level, "categories": categories, "evidence": _dedupe(evidence)[-MAX_EVIDENCE:]}


def _dedupe(evidence: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    seen, unique = set(), []
    for item in evidence:
        key = json.dumps(item, sort_keys=True, ensure_ascii=False)
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique


def build_packet(conversation_id: str, channel: Optional[str], slots: Mapping[str, Any],
                 latest_message: Optional[Mapping[str, Any]], events: Sequence[Mapping[str, Any]],
                 now_ms: int, transcript_limit: int = 20, counsellor_online: bool = True) -> Dict[str, Any]:
    """The handoff packet for a conversation, as the dict `HandoffQueue.open_ticket` stores."""
    risk = conversation_risk(events, latest_message, slots.get("risk_level"), slots.get("risk_categories"))
    intent = ((latest_message or {}).get("intent") or {}).get("name")
    trigger = latest_user_event(events)
    return {
        "conversation_id": conversation_id,
        "channel": channel or "unknown",
        "language": slots.get("language") or "ar",
        "age_group": slots.get("age_group") or "unknown",
        "country": slots.get("country") or "",
        "reason": "request" if intent == "request_human" and rank(risk["level"]) < rank("high") else "risk",
        "risk_level": risk["level"],
        "risk_rank": rank(risk["level"]),
        "opened_risk_level": risk["level"],
        "categories": risk["categories"],
        "evidence": risk["evidence"],
        "transcript": transcript_from_events(events, transcript_limit),
        "trigger_ts": repr(float(trigger.get("timestamp") or 0.0)) if trigger else "0.0",
        "waiting_since_ms": now_ms,
        "created_at_ms": now_ms,
        "counsellor_online_at_open": "1" if counsellor_online else "0",
    }


def child_message(event: Mapping[str, Any]) -> Dict[str, Any]:
    """A child's message as the ticket records it while they wait: text, time and the assessor's risk."""
    risk = risk_of(event.get("parse_data"))
    return {
        "message_id": str(event.get("message_id") or f"ts-{event.get('timestamp')}"),
        "ts": float(event.get("timestamp") or 0.0),
        "text": (event.get("text") or "")[:MAX_TRANSCRIPT_TEXT],
        "level": risk["level"],
        "rank": rank(risk["level"]),
        "categories": risk["categories"],
        "evidence": risk["evidence"],
    }


def encode_packet(packet: Mapping[str, Any]) -> Dict[str, str]:
    """A packet as Redis hash fields (lists as JSON, everything a string)."""
    fields = {}
    for key, value in packet.items():
        if key in JSON_FIELDS:
            fields[key] = json.dumps(list(value or []), ensure_ascii=False)
        elif isinstance(value, bool):
            fields[key] = "1" if value else "0"
        else:
            fields[key] = "" if value is None else str(value)
    return fields


def _json_list(value: Optional[str]) -> List[Any]:
    if not value:
        return []
    try:
        decoded = json.loads(value)
    except ValueError:
        return []
    # Redis' Lua cjson writes an empty list as {}.
    return decoded if isinstance(decoded, list) else []


def decode_ticket(fields: Mapping[str, str]) -> Dict[str, Any]:
    """A ticket hash read from Redis, with JSON lists and numbers decoded."""
    ticket: Dict[str, Any] = dict(fields)
    for key in JSON_FIELDS:
        ticket[key] = _json_list(fields.get(key))
    for key in INT_FIELDS:
        try:
            ticket[key] = int(float(fields[key])) if fields.get(key) not in (None, "") else None
        except ValueError:
            ticket[key] = None
    ticket["evidence"] = _dedupe(ticket["evidence"])
    ticket["version"] = ticket.get("version") or 0
    ticket["child_message_count"] = ticket.get("child_message_count") or 0
    return ticket


def decode_message(raw: str) -> Optional[Dict[str, Any]]:
    """One recorded child message (JSON in the ticket's message list)."""
    try:
        message = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(message, dict):
        return None
    for key in ("categories", "evidence"):
        if not isinstance(message.get(key), list):
            message[key] = []
    return message
