"""Replace personal details in a child's message with placeholders, before it becomes a test story.

What is replaced, in this order (so a phone number inside a link is one [URL], not a [URL] and a [PHONE]):
  e-mail addresses                                -> [EMAIL]
  links (https://…, www.…, instagram.com/…)      -> [URL]
  social handles (@name, "my snap is name")       -> [HANDLE]
  phone numbers: 6 or more digits, Arabic-Indic
  digits too, spaces or dashes allowed between    -> [PHONE]
  the name after "my name is", "call me", "اسمي",
  "سموني", "esmi", "ismi", "smiti" …              -> [NAME]
  common first names (bot/content/first_names.py) -> [NAME]
A reviewer still reads every generated story: this catches the usual details, not every possible one.
"""
from __future__ import annotations

import re
from typing import Iterable

from bot.content.first_names import ARABIC_SCRIPT, LATIN

NAME, PHONE, EMAIL, URL, HANDLE = "[NAME]", "[PHONE]", "[EMAIL]", "[URL]", "[HANDLE]"

_ARABIC_LETTER = "\u0621-\u064A\u0671-\u06D3"
_WORD = rf"[A-Za-z{_ARABIC_LETTER}][A-Za-z{_ARABIC_LETTER}'\-]*"
# Digits of every script children type: ASCII, Arabic-Indic, Eastern Arabic-Indic (Persian/Urdu keyboards).
_ANY_DIGIT = "0-9\u0660-\u0669\u06F0-\u06F9"

_URL = re.compile(
    r"(?:https?://|www\.)\S+"
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|io|me|ly|gg|tv|app|co|info|ae|qa|sa|kw|bh|om|eg|jo|lb|ma|dz|tn|uk|us)"
    r"(?:/\S*)?\b",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_HANDLE = re.compile(r"(?<![\w@])@[A-Za-z0-9_.]{2,}")
_HANDLE_AFTER_APP = re.compile(
    r"\b((?:snap(?:chat)?|insta(?:gram)?|ig|tiktok|tik tok|discord|telegram|kik|twitter|sc|سناب|انستا|انستغرام|"
    r"انستقرام|تيك توك|تلجرام|ديسكورد)(?:\s+(?:is|id|username|name|هو|حسابي))?\s*[:=]?\s+)"
    r"([A-Za-z0-9_.]{3,})",
    re.IGNORECASE,
)
# 6+ digits, allowing a single space, dash, dot or bracket between them ("055 123 4567", "٠٥٥-١٢٣٤٥٦٧").
_PHONE = re.compile(rf"\+?[{_ANY_DIGIT}](?:[ \-.()]?[{_ANY_DIGIT}]){{5,}}")

_NAME_CUES = re.compile(
    r"(?:\bmy\s+name\s+is|\bmy\s+names?|\bmy\s+name's|\bi'?m\s+called|\bi\s+am\s+called|\bcall\s+me|\bname\s*:"
    r"|\b(?:ana\s+)?(?:2?esmi|2?ismi|ismee|esmy|asmi|smiti|smiyti)"
    r"|(?:انا\s+|أنا\s+)?(?:[اأإ]سم[يى]|سموني|سمّوني|سميتي|[اأإ]سمي\s+هو|[اأإ]سمي\s+هي))"
    r"(?:\s*(?:is|هو|هي|:|-))?\s+"
    # Not a name: "call me on 055…", "call me back", "my name is not important".
    r"(?!(?:on|at|back|now|please|pls|plz|later|if|when|and|or|tomorrow|tonight|again|is|a|the|so|not|to|"
    r"anything|whatever|nothing|secret|private)\b)"
    rf"({_WORD})",
    re.IGNORECASE,
)


def _arabic_variants(name: str) -> str:
    """A regex for an Arabic name however the child spells alef, teh marbuta and final yeh."""
    folded = []
    for char in name:
        if char in "اأإآ":
            folded.append("[اأإآ]")
        elif char in "ةه":
            folded.append("[ةه]")
        elif char in "يى":
            folded.append("[يى]")
        else:
            folded.append(re.escape(char))
    return "".join(folded)


def _name_list(arabic: Iterable[str], latin: Iterable[str]) -> re.Pattern:
    arabic_part = "|".join(sorted((_arabic_variants(n) for n in arabic), key=len, reverse=True))
    latin_part = "|".join(sorted((re.escape(n) for n in latin), key=len, reverse=True))
    return re.compile(
        rf"(?<![{_ARABIC_LETTER}])(?:و|يا\s?)?(?:{arabic_part})(?![{_ARABIC_LETTER}])"
        rf"|(?<![A-Za-z0-9])(?:{latin_part})(?![A-Za-z0-9])",
        re.IGNORECASE,
    )


_KNOWN_NAMES = _name_list(ARABIC_SCRIPT, LATIN)


def _replace_known_name(match: re.Match) -> str:
    text = match.group(0)
    # Keep "و" / "يا" in front of an Arabic name: "وسارة" -> "و[NAME]", "يا أحمد" -> "يا [NAME]".
    for prefix in ("يا ", "يا", "و"):
        if text.startswith(prefix) and len(text) > len(prefix) + 2:
            return prefix + NAME
    return NAME


def redact(text: str) -> str:
    """The text with personal details replaced by [NAME], [PHONE], [EMAIL], [URL], [HANDLE]."""
    if not text:
        return text
    text = _EMAIL.sub(EMAIL, text)
    text = _URL.sub(URL, text)
    text = _HANDLE.sub(HANDLE, text)
    text = _HANDLE_AFTER_APP.sub(lambda m: m.group(1) + HANDLE, text)
    text = _PHONE.sub(PHONE, text)
    text = _NAME_CUES.sub(lambda m: m.group(0)[: m.start(1) - m.start(0)] + NAME, text)
    return _KNOWN_NAMES.sub(_replace_known_name, text)


def looks_personal(identifier: str) -> bool:
    """True when a conversation id itself is a personal detail (a phone number or e-mail, as on WhatsApp)."""
    digits = re.sub(r"[\s+\-()]", "", identifier or "")
    digits = re.sub(r"^(whatsapp|wa|tel|sms):", "", digits, flags=re.IGNORECASE)
    return bool(re.fullmatch(rf"[{_ANY_DIGIT}]{{6,}}", digits)) or "@" in (identifier or "")
