"""Helpers that keep children's words and identifiers out of logs.

Application logs may hold the shape of a message (length, language, risk level) and a keyed hash of an
identifier, never the text or a phone number in clear.
"""
from __future__ import annotations

import hashlib
import hmac
import os

# A per-deployment key makes the hashes useless for guessing phone numbers; the fallback is only for dev.
_LOG_HASH_KEY = os.environ.get("LOG_HASH_KEY", "child-helpline-dev-log-key").encode()


def pseudonym(identifier: str) -> str:
    """A short, stable, keyed hash of an identifier (conversation id, phone number) for logs."""
    digest = hmac.new(_LOG_HASH_KEY, identifier.encode("utf-8"), hashlib.sha256).hexdigest()
    return digest[:12]


def describe_text(text: str | None) -> str:
    """What a log may say about a message: its length, never its content."""
    if text is None:
        return "<no text>"
    return f"<{len(text)} chars>"
