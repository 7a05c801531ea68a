"""Shapes of what the console API returns: queue entries, conversation transcripts, WhatsApp window status."""
from __future__ import annotations

import time
from typing import Any, Dict, List, Mapping, Optional

from bot.handoff.service_settings import ServiceSettings
from bot.handoff.tickets import risk_of
from bot.safety.levels import rank


def waiting_seconds(ticket: Mapping[str, Any], now_ms: float) -> int:
    return max(0, int((now_ms - (ticket.get("waiting_since_ms") or now_ms)) / 1000))


def ticket_summary(ticket: Mapping[str, Any], now_ms: float, service: ServiceSettings,
                   position: Optional[int] = None) -> Dict[str, Any]:
    """One queue or list entry: enough to triage, nothing the child wrote."""
    level = ticket.get("risk_level") or "none"
    waited = waiting_seconds(ticket, now_ms)
    alert_after = service.alert_after_s(level)
    opened = ticket.get("opened_risk_level") or level
    return {
        "ticket_id": ticket.get("id"),
        "conversation_id": ticket.get("conversation_id"),
        "status": ticket.get("status"),
        "counsellor": ticket.get("counsellor") or None,
        "risk_level": level,
        "opened_risk_level": opened,
        "risk_raised": rank(level) > rank(opened) if opened in ("none", "low", "medium", "high", "imminent")
        else False,
        "categories": list(ticket.get("categories") or []),
        "language": ticket.get("language") or "ar",
        "age_group": ticket.get("age_group") or "unknown",
        "country": ticket.get("country") or "",
        "channel": ticket.get("channel") or "unknown",
        "reason": ticket.get("reason") or "risk",
        "waiting_since_ms": ticket.get("waiting_since_ms"),
        "waiting_s": waited,
        "position": position,
        "child_message_count": ticket.get("child_message_count") or 0,
        "alert": ticket.get("status") == "waiting" and alert_after is not None and waited >= alert_after,
        "alert_after_s": alert_after,
        "version": ticket.get("version") or 0,
        "claimed_at_ms": ticket.get("claimed_at_ms"),
        "returned_at_ms": ticket.get("returned_at_ms"),
    }


def transcript_from_tracker(tracker: Mapping[str, Any]) -> List[Dict[str, Any]]:
    """The whole conversation for the console: child, bot, counsellor and system lines, plus pause/resume."""
    lines: List[Dict[str, Any]] = []
    for event in tracker.get("events") or []:
        kind = event.get("event")
        ts = event.get("timestamp")
        if kind == "user":
            parse_data = event.get("parse_data") or {}
            lines.append({"who": "child", "text": event.get("text") or "", "ts": ts,
                          "risk": risk_of(parse_data), "channel": event.get("input_channel"),
                          "intent": (parse_data.get("intent") or {}).get("name")})
        elif kind == "bot":
            metadata = event.get("metadata") or {}
            text = event.get("text") or ""
            if not text and event.get("data", {}).get("buttons"):
                text = " / ".join(b.get("title", "") for b in event["data"]["buttons"])
            if not text:
                continue
            if metadata.get("system"):
                lines.append({"who": "system", "text": text, "ts": ts})
            elif metadata.get("counsellor"):
                lines.append({"who": "counsellor", "text": text, "ts": ts,
                              "counsellor_name": metadata.get("counsellor_name") or ""})
            else:
                lines.append({"who": "bot", "text": text, "ts": ts})
        elif kind == "pause":
            lines.append({"who": "event", "text": "Conversation paused: waiting for a counsellor", "ts": ts})
        elif kind == "resume":
            lines.append({"who": "event", "text": "The bot answers again", "ts": ts})
        elif kind == "session_started":
            lines.append({"who": "event", "text": "New session", "ts": ts})
    return lines


def transcript_from_ticket(ticket: Mapping[str, Any], messages: List[Mapping[str, Any]]) -> List[Dict[str, Any]]:
    """A fallback transcript when Rasa cannot be reached: the packet's transcript plus what the child wrote since."""
    lines = [dict(line) for line in ticket.get("transcript") or []]
    for line in lines:
        if line.get("who") == "child":
            line["risk"] = {"level": line.get("risk_level", "none"), "categories": [], "evidence": []}
    for message in messages:
        lines.append({"who": "child", "text": message.get("text", ""), "ts": message.get("ts"),
                      "risk": {"level": message.get("level", "none"), "categories": message.get("categories", []),
                               "evidence": message.get("evidence", [])}})
    return lines


def whatsapp_window(channel: str, last_inbound: Optional[str], window_s: int,
                    now: Optional[float] = None) -> Optional[Dict[str, Any]]:
    """For WhatsApp conversations: can a counsellor still send free text, and for how long?

    `last_inbound` is the value of `whatsapp:last_inbound:<conversation id>` (epoch seconds of the child's last
    message), written by the WhatsApp channel. None for other channels.
    """
    if channel != "whatsapp":
        return None
    now = now if now is not None else time.time()
    try:
        last = float(last_inbound) if last_inbound else None
    except ValueError:
        last = None
    if last is None:
        return {"open": False, "closes_in_s": 0, "last_inbound": None,
                "message": "WhatsApp: the time of the child's last message is unknown, so free text may be "
                           "refused. WhatsApp only delivers free text within 24 hours of the child's last message."}
    remaining = int(last + window_s - now)
    if remaining <= 0:
        hours = int((now - last) // 3600)
        return {"open": False, "closes_in_s": 0, "last_inbound": last,
                "message": f"WhatsApp window closed: the child last wrote {hours} hours ago. WhatsApp only "
                           "delivers free text within 24 hours of the child's last message, so a reply cannot be "
                           "sent until they write again."}
    return {"open": True, "closes_in_s": remaining, "last_inbound": last,
            "message": f"WhatsApp window open for {remaining // 3600} h {(remaining % 3600) // 60} min more."}
