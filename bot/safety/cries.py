"""A message that is nothing but a cry for help: "help", "HELP!!", "الحقوني", "sa3douni".

A child who can only type one word may be in the most danger of all, and no phrase in the lexicon is
there to match. The cry words and the words allowed beside them ("me", "please", "someone") live in
data/safety/modifiers.yml under `cries`, for content editors. A "rescue me" cry is `high`, a plain "help"
is `medium` (the child is offered a counsellor); with an exclamation mark or in capitals either is
`imminent`. A cry inside a longer sentence ("can you help
me with my homework") is not a bare cry and is left to the other detectors.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, FrozenSet, Iterable, Optional

from bot.nlu.arabic_normalizer import normalize_text
from bot.safety.levels import HIGH, IMMINENT, MEDIUM

_TOKENS = re.compile(r"[\w']+")
_REPEATS = re.compile(r"(.)\1+")
_MAX_WORDS = 5


def _fold(word: str) -> str:
    """Lower-case, normalised, repeated letters merged ("Heeelpp" -> "help", "الحقووني" -> "الحقوني")."""
    return _REPEATS.sub(r"\1", normalize_text(word))


@dataclass(frozen=True)
class CryForHelp:
    rescue: FrozenSet[str]
    help: FrozenSet[str]
    fillers: FrozenSet[str]

    @classmethod
    def from_config(cls, config: Optional[Dict[str, Any]]) -> Optional["CryForHelp"]:
        """From the `cries` section of modifiers.yml (rescue, help and fillers word lists); None if absent."""
        if not config or not (config.get("rescue") or config.get("help")):
            return None
        return cls(_folded(config.get("rescue")), _folded(config.get("help")), _folded(config.get("fillers")))

    def level(self, text: str) -> Optional[str]:
        """medium, high or imminent when the whole message is a cry for help, else None."""
        tokens = _TOKENS.findall(text or "")
        if not tokens or len(tokens) > _MAX_WORDS:  # counted before folding: most messages stop here, cheaply
            return None
        words = [_fold(token) for token in tokens]
        cries = self.rescue | self.help
        if not any(word in cries for word in words):
            return None
        if not all(word in cries or word in self.fillers for word in words):
            return None
        letters = [char for char in text if char.isalpha() and char.isascii()]
        if "!" in text or (len(letters) >= 3 and all(char.isupper() for char in letters)):
            return IMMINENT
        return HIGH if any(word in self.rescue for word in words) else MEDIUM


def _folded(words: Optional[Iterable[Any]]) -> FrozenSet[str]:
    return frozenset(_fold(str(word)) for word in words or [] if str(word).strip())
