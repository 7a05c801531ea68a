"""One message prepared for matching: its normalised form, word positions, and the Arabizi skeleton view.

All detectors report where they matched as a range of whitespace-separated words ("tokens") of the
normalised text, whatever view they searched; that common coordinate lets modifiers (idioms, negation)
compare spans found by different detectors, and lets the counsellor see the child's own words.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

from bot.nlu.arabic_normalizer import normalize_text
from bot.nlu.language_identifier import identify_language
from bot.safety.arabizi import skeleton_view
from bot.safety.notation import AR, ARABIZI, EMOJI, EN

_TOKEN = re.compile(r"\S+")
_ARABIC = re.compile(r"[\u0621-\u064A]")
_LATIN = re.compile(r"[a-z]")
_ASCII = re.compile(r"^[\x00-\x7f]*$")

Span = Tuple[int, int]  # [first token, last token + 1)


@dataclass
class PreparedText:
    """A message in every view the lexicon searches."""

    original: str
    normalized: str
    token_starts: List[int] = field(default_factory=list)
    token_ends: List[int] = field(default_factory=list)
    arabizi: str = ""
    arabizi_spans: List[Tuple[int, int, int]] = field(default_factory=list)
    has_arabic: bool = False
    has_latin: bool = False
    has_other: bool = False  # emoji and other symbols
    plainly_english: bool = False  # English words and no sign of Arabizi: Arabizi patterns are not tried
    _keys: dict = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_text(cls, text: str, normalized: Optional[str] = None) -> "PreparedText":
        """Prepare `text`; pass `normalized` when normalize_text(text) is already known."""
        if normalized is None:
            normalized = normalize_text(text)
        normalized = normalized.replace("’", "'").replace("‘", "'")
        prepared = cls(original=text, normalized=normalized)
        for match in _TOKEN.finditer(normalized):
            prepared.token_starts.append(match.start())
            prepared.token_ends.append(match.end())
        prepared.has_arabic = bool(_ARABIC.search(normalized))
        prepared.has_latin = bool(_LATIN.search(normalized))
        prepared.has_other = not _ASCII.match(_ARABIC.sub("", normalized))
        if prepared.has_latin:
            prepared.plainly_english = _plainly_english(text)
            prepared.arabizi, prepared.arabizi_spans = skeleton_view(normalized)
        return prepared

    def view(self, mode: str) -> str:
        """The string a pattern of this mode is searched in ("" when the message has nothing for it)."""
        if mode == AR:
            return self.normalized if self.has_arabic else ""
        if mode == EN:
            return self.normalized if self.has_latin else ""
        if mode == ARABIZI:
            return "" if self.plainly_english else self.arabizi
        if mode == EMOJI:
            return self.normalized if self.has_other else ""
        raise ValueError(mode)

    def keys(self, mode: str) -> frozenset:
        """Every character and every two-character string of view(mode), once per message: the lexicon's
        prefilter looks up a trigger only when its first two characters occur (bot.safety.lexicon.TriggerSet)."""
        keys = self._keys.get(mode)
        if keys is None:
            view = self.view(mode)
            keys = frozenset(view) | frozenset(view[i : i + 2] for i in range(len(view) - 1))
            self._keys[mode] = keys
        return keys

    def token_span(self, mode: str, start: int, end: int) -> Span:
        """Convert a character range found in view(mode) to a token range."""
        if mode == ARABIZI:
            first = last = None
            for view_start, view_end, token in self.arabizi_spans:
                if view_end > start and view_start < end:
                    first = token if first is None else first
                    last = token
            if first is None:
                return (0, 0)
            return (first, last + 1)
        first = bisect.bisect_right(self.token_starts, start) - 1
        last = bisect.bisect_left(self.token_ends, end)
        return (max(first, 0), min(last, len(self.token_starts) - 1) + 1)

    def excerpt(self, span: Span) -> str:
        """The child's own words for a token range (normalised words if the original cannot be aligned)."""
        original_tokens = self.original.split()
        if len(original_tokens) == len(self.token_starts):
            return " ".join(original_tokens[span[0] : span[1]])
        if not self.token_starts or span[1] <= span[0]:
            return ""
        return self.normalized[self.token_starts[span[0]] : self.token_ends[span[1] - 1]]

    def without(self, spans: List[Span]) -> str:
        """The normalised text with some token ranges removed (what is left once idioms etc. are set aside)."""
        if not spans:
            return self.normalized
        removed = set()
        for first, last in spans:
            removed.update(range(first, last))
        kept = [
            self.normalized[s:e]
            for index, (s, e) in enumerate(zip(self.token_starts, self.token_ends))
            if index not in removed
        ]
        return " ".join(kept)


_ENGLISH_FUNCTION_WORDS = re.compile(
    r"\b(i|i'm|im|me|my|you|your|he|she|it|we|they|the|a|an|and|or|but|to|of|in|on|at|for|with|is|are|was|"
    r"were|be|been|have|has|had|do|does|did|will|would|can|could|not|don't|dont|this|that|what|why|how|so)\b"
)


def _plainly_english(text: str) -> bool:
    """True for a message the language identifier calls English that has at least two English function
    words: Arabizi patterns match consonant skeletons, and English words share them ("another" ~ ente7ar)."""
    if identify_language(text).language != "en":
        return False
    return len(_ENGLISH_FUNCTION_WORDS.findall(text.lower())) >= 2
