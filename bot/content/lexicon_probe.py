"""Run the safety lexicon's real matcher (bot.safety) on phrases, to prove each entry catches its examples.

Nothing is re-implemented here: entries are compiled by bot.safety.lexicon.Lexicon, matched on
bot.safety.text.PreparedText, and idioms/negation/escalation applied by bot.safety.modifiers.Modifiers,
exactly as the assistant does for a child's message (the classifier is left out: this is about the lexicon).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from bot.content.model import Content, LexiconEntry


@dataclass
class Detection:
    """What the lexicon makes of one phrase."""

    level: str
    hits: List[Any] = field(default_factory=list)  # bot.safety.lexicon.Hit

    def hit_of(self, entry: LexiconEntry) -> Optional[Any]:
        """This entry's own hit in the phrase, if its pattern matched."""
        for hit in self.hits:
            if hit.entry.pattern == entry.pattern and hit.entry.source == _source(entry):
                return hit
        return None


def _source(entry: LexiconEntry) -> str:
    return entry.file.rsplit("/", 1)[-1]


def entry_data(entry: LexiconEntry) -> Dict[str, Any]:
    """The entry as the safety loader reads it (category inherited from its file, source = file name)."""
    raw = dict(entry.raw)
    raw["category"] = entry.category
    raw["source"] = _source(entry)
    return raw


class LexiconProbe:
    """The lexicon built from every entry that compiles; `compile_errors` says why the others do not."""

    def __init__(self, content: Content):
        from bot.safety.lexicon import Lexicon
        from bot.safety.modifiers import Modifiers
        from bot.safety.notation import PatternError

        self.compile_errors: Dict[int, str] = {}
        self.modifier_error: Optional[str] = None
        concepts = content.lexicon_concepts
        everything = [entry_data(entry) for entry in content.lexicon]
        try:
            # Compiling is slow (hundreds of large regexes), so try everything at once first ...
            self.lexicon = Lexicon({"concepts": concepts, "entries": everything, "modifiers": content.modifiers})
        except (PatternError, ValueError, KeyError, TypeError):
            # ... and only when that fails, entry by entry, to say which ones are broken.
            good: List[Dict[str, Any]] = []
            for index, data in enumerate(everything):
                try:
                    Lexicon({"concepts": concepts, "entries": [data], "modifiers": {}})
                except (PatternError, ValueError, KeyError, TypeError) as error:
                    self.compile_errors[index] = _plain_error(str(error))
                    continue
                good.append(data)
            self.lexicon = Lexicon({"concepts": concepts, "entries": good, "modifiers": content.modifiers})
        try:
            self.modifiers = Modifiers(content.modifiers or {}, self.lexicon.compiler)
        except (PatternError, ValueError, KeyError, TypeError) as error:
            self.modifier_error = _plain_error(str(error))
            self.modifiers = Modifiers({}, self.lexicon.compiler)

    def detect(self, text: str) -> Detection:
        """The level the lexicon (with modifiers) gives `text`, and the entries that matched."""
        from bot.safety.levels import highest
        from bot.safety.text import PreparedText

        prepared = PreparedText.from_text(text)
        hits = self.lexicon.find(prepared)
        self.modifiers.apply(prepared, hits)
        return Detection(highest(hit.level for hit in hits), hits)


def probe_for(content: Content) -> LexiconProbe:
    """The content's probe, built once: compiling the lexicon takes seconds, and two checks need it."""
    probe = getattr(content, "_lexicon_probe", None)
    if probe is None:
        probe = LexiconProbe(content)
        setattr(content, "_lexicon_probe", probe)
    return probe


def _plain_error(message: str) -> str:
    # The loader prefixes "file: 'pattern': "; the lint already says file, line and pattern.
    return message.rsplit("': ", 1)[-1] if "': " in message else message


def modifier_line(content: Content, message: str) -> Tuple[str, Optional[int]]:
    """Best guess of the modifiers.yml line an error message is about (the line quoting its pattern)."""
    name = "data/safety/modifiers.yml"
    path = content.root / name
    quoted = message.split("'")
    if path.exists() and len(quoted) >= 3:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if quoted[1] and quoted[1] in line:
                return name, number
    return name, None
