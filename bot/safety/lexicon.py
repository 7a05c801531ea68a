"""The safety lexicon: YAML entries written by content editors, compiled once, matched on every message.

Files (all under the lexicon directory, default data/safety/):
  concepts.yml          named word lists (@want, @die, @now ...) shared by patterns
  lexicon/<category>.yml  entries: pattern, level, language (ar|arabizi|en|emoji), optional requires, examples
  modifiers.yml         idioms/hyperbole, negation cues, escalation cues (see bot.safety.modifiers)
  classifier_examples.yml  extra examples for the classifier only (harmless uses of risk words)
  classifier/<category>.yml  the classifier's own training messages for one category, by level

Speed: every entry is compiled once. Each entry also has "triggers", literal strings one of which must occur
in any text it matches (bot.safety.notation.TriggerFinder); per message, the prefilter picks the few entries
whose regex is worth running. A pattern of several required parts ("{@carer_ar} ... {@hit_ar}") runs only when
a trigger of every part is present: those gap patterns were the costliest regexes, run on a third of all
messages because "هو" alone unlocked them. Triggers are filed under their first two characters (TriggerSet,
and Lexicon's per-mode key index), so a message is tested only for triggers whose first two characters it contains:
a set intersection instead of some thousand substring tests per message.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, NamedTuple, Optional, Tuple

import yaml

from bot.safety.levels import CATEGORIES, LEVELS
from bot.safety.notation import AR, ARABIZI, ARABIZI_TAG, EMOJI, EN, MODES, Compiler, PatternError, TriggerFinder, script_of
from bot.safety.text import PreparedText, Span

LANGUAGES = (AR, ARABIZI, EN, EMOJI)


@dataclass
class Entry:
    """One compiled lexicon entry."""

    pattern: str
    category: str
    level: str
    language: str
    regex: "re.Pattern[str]"
    requires: List["Compiled"] = field(default_factory=list)
    examples: List[str] = field(default_factory=list)
    source: str = ""


@dataclass
class Hit:
    """A lexicon entry found in a message."""

    entry: Entry
    span: Span
    matched: str
    level: str
    modifier: Optional[str] = None  # "idiom", "negation" or "escalation" when a modifier changed the level

    @property
    def category(self) -> str:
        return self.entry.category


def read_lexicon_data(directory: Path) -> Dict[str, Any]:
    """Read concepts, lexicon entries and modifiers from YAML into one plain dict (JSON-serialisable)."""
    directory = Path(directory)
    if not (directory / "lexicon").is_dir():
        raise FileNotFoundError(f"no lexicon directory in {directory}")
    concepts = _read_yaml(directory / "concepts.yml").get("concepts", {}) if (directory / "concepts.yml").exists() else {}
    entries: List[Dict[str, Any]] = []
    for path in sorted((directory / "lexicon").glob("*.yml")):
        content = _read_yaml(path)
        default_category = content.get("category")
        for raw in content.get("entries") or []:
            entry = dict(raw)
            entry.setdefault("category", default_category)
            entry["source"] = path.name
            entries.append(entry)
    modifiers = _read_yaml(directory / "modifiers.yml") if (directory / "modifiers.yml").exists() else {}
    extra = directory / "classifier_examples.yml"
    classifier_examples = _read_yaml(extra) if extra.exists() else {}
    return {"concepts": concepts, "entries": entries, "modifiers": modifiers,
            "classifier_examples": classifier_examples,
            "classifier_sets": read_classifier_sets(directory / "classifier")}


def read_classifier_sets(directory: Path) -> List[Dict[str, Any]]:
    """The classifier's training messages: one {category, source, examples: {level: [text]}} per file.

    They teach the learned detector only; the lexicon never matches on them. A file's `category` names what
    its risk messages (medium and above) are about; `none` for a file of harmless messages."""
    sets: List[Dict[str, Any]] = []
    for path in sorted(Path(directory).glob("*.yml")) if Path(directory).is_dir() else []:
        content = _read_yaml(path)
        examples = content.get("examples") or {}
        unknown = set(examples) - set(LEVELS)
        if unknown:
            raise ValueError(f"{path.name}: unknown level(s) {sorted(unknown)}; use {', '.join(LEVELS)}")
        sets.append({"category": str(content.get("category") or "none"), "source": path.name,
                     "examples": {level: [str(text) for text in texts or []] for level, texts in examples.items()}})
    return sets


def _read_yaml(path: Path) -> Dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def _key(trigger: str) -> str:
    return trigger[:2]


class TriggerSet:
    """Literal strings of which at least one must occur in a view, filed under their first two characters."""

    __slots__ = ("keys", "_by_key", "_always")

    def __init__(self, triggers: frozenset):
        by_key: Dict[str, List[str]] = {}
        for trigger in set(triggers):
            by_key.setdefault(_key(trigger), []).append(trigger)
        self._by_key = {key: tuple(items) for key, items in by_key.items()}
        self.keys = frozenset(self._by_key)
        self._always = "" in self.keys  # an empty trigger occurs in every view

    def present(self, view: str, view_keys: frozenset) -> bool:
        """Whether one of the triggers occurs in `view` (`view_keys`: PreparedText.keys of that view)."""
        if self._always:
            return True
        if self.keys.isdisjoint(view_keys):
            return False
        by_key = self._by_key
        return any(trigger in view for key in self.keys & view_keys for trigger in by_key[key])


class Compiled(NamedTuple):
    """A pattern compiled for one mode, with its prefilter triggers (None: always search)."""

    mode: str
    regex: "re.Pattern[str]"
    triggers: Optional[TriggerSet]
    also: Tuple[TriggerSet, ...] = ()  # the other required parts' triggers: one of each must occur too


def compile_any_mode(compiler: Compiler, pattern: str) -> List[Compiled]:
    """Compile a `requires` item or modifier cue in the mode(s) its script says.

    Arabic script → ar; Latin → en, or arabizi when tagged "az:"; emoji → emoji; a pattern made only of
    concepts (@now) → every mode its concepts have items for.
    """
    pattern = pattern.strip()
    if pattern.startswith(ARABIZI_TAG):
        modes: Tuple[str, ...] = (ARABIZI,)
        pattern = pattern[len(ARABIZI_TAG):]
    else:
        kind = script_of(pattern)
        if kind == "ar" and re.search(r"[A-Za-z]", re.sub(r"@[a-z0-9_]+", "", pattern)):
            raise PatternError(f"{pattern!r} mixes Arabic and Latin letters: write one pattern per script")
        modes = {"ar": (AR,), "latin": (EN,), "emoji": (EMOJI,), "concept": MODES}[kind]
    finder = TriggerFinder(compiler)
    compiled = []
    for mode in modes:
        try:
            triggers = finder.of(pattern, mode)
            others = _other_groups(finder.groups(pattern, mode), triggers)
            compiled.append(Compiled(mode, re.compile(compiler.compile(pattern, mode)),
                                     None if triggers is None else TriggerSet(triggers),
                                     tuple(TriggerSet(group) for group in others)))
        except PatternError as error:
            if len(modes) == 1 or ("has no" not in str(error) and "no required word" not in str(error)):
                raise
    if not compiled:
        raise PatternError(f"pattern {pattern!r} matches nothing in any script")
    return compiled


def search_any(compiled: List[Compiled], prepared: PreparedText) -> List[Span]:
    """Token spans of every match of a multi-mode pattern in a message."""
    spans = []
    for mode, regex, triggers, also in compiled:
        view = prepared.view(mode)
        if not view:
            continue
        if triggers is not None or also:
            keys = prepared.keys(mode)
            if triggers is not None and not triggers.present(view, keys):
                continue
            if not _all_present(also, view, keys):
                continue
        spans.extend(prepared.token_span(mode, m.start(), m.end()) for m in regex.finditer(view))
    return spans


def _other_groups(groups: List[frozenset], chosen: Optional[frozenset]) -> Tuple[frozenset, ...]:
    """The required trigger sets besides the one used as the index key (dropped once)."""
    others = list(groups)
    if chosen in others:
        others.remove(chosen)
    return tuple(others)


def _all_present(groups: Tuple[TriggerSet, ...], view: str, keys: frozenset) -> bool:
    """Whether the view holds at least one trigger of every set."""
    return all(group.present(view, keys) for group in groups)


class Lexicon:
    """Compiled lexicon entries, grouped by category and mode for fast matching."""

    def __init__(self, data: Dict[str, Any]):
        self.data = data
        self.compiler = Compiler({name: list(items) for name, items in (data.get("concepts") or {}).items()})
        self.entries: List[Entry] = [self._compile_entry(raw) for raw in data.get("entries", [])]
        # Prefilter: per mode, which entries each trigger string unlocks, and entries without a trigger.
        finder = TriggerFinder(self.compiler)
        by_trigger: Dict[str, Dict[str, List[int]]] = {mode: {} for mode in MODES}
        self._always: Dict[str, List[int]] = {mode: [] for mode in MODES}
        self._also: List[Tuple[TriggerSet, ...]] = []
        for index, entry in enumerate(self.entries):
            triggers = finder.of(entry.pattern, entry.language)
            others = _other_groups(finder.groups(entry.pattern, entry.language), triggers)
            self._also.append(tuple(TriggerSet(group) for group in others))
            if triggers is None or "" in triggers:
                self._always[entry.language].append(index)
            else:
                for trigger in triggers:
                    by_trigger[entry.language].setdefault(trigger, []).append(index)
        # Per mode: first two characters -> [(trigger, entry indexes)], so that a message looks only at the
        # triggers that can occur in it.
        self._by_key: Dict[str, Dict[str, List[Tuple[str, List[int]]]]] = {mode: {} for mode in MODES}
        for mode, triggers in by_trigger.items():
            for trigger, indexes in triggers.items():
                self._by_key[mode].setdefault(_key(trigger), []).append((trigger, indexes))

    @classmethod
    def from_directory(cls, directory: Path) -> "Lexicon":
        return cls(read_lexicon_data(directory))

    def _compile_entry(self, raw: Dict[str, Any]) -> Entry:
        where = f"{raw.get('source', '?')}: {raw.get('pattern')!r}"
        for key in ("pattern", "level", "language", "category"):
            if not raw.get(key):
                raise PatternError(f"{where}: missing {key}")
        if raw["category"] not in CATEGORIES or raw["category"] == "unknown":
            raise PatternError(f"{where}: unknown category {raw['category']!r}")
        if raw["level"] not in LEVELS or raw["level"] == "none":
            raise PatternError(f"{where}: level must be one of low, medium, high, imminent")
        if raw["language"] not in LANGUAGES:
            raise PatternError(f"{where}: language must be one of {', '.join(LANGUAGES)}")
        try:
            regex = re.compile(self.compiler.compile(str(raw["pattern"]), raw["language"]))
            requires = []
            for item in raw.get("requires") or []:
                requires.extend(compile_any_mode(self.compiler, str(item)))
        except (PatternError, re.error) as error:
            raise PatternError(f"{where}: {error}") from error
        return Entry(
            pattern=str(raw["pattern"]),
            category=raw["category"],
            level=raw["level"],
            language=raw["language"],
            regex=regex,
            requires=requires,
            examples=[str(example) for example in raw.get("examples") or []],
            source=raw.get("source", ""),
        )

    def candidates(self, prepared: PreparedText) -> List[Tuple[str, Entry]]:
        """(mode, entry) pairs worth running on this message: a trigger of theirs occurs in its view."""
        chosen: List[Tuple[str, Entry]] = []
        for mode in MODES:
            view = prepared.view(mode)
            if not view:
                continue
            keys = prepared.keys(mode)
            by_key = self._by_key[mode]
            indexes = set(self._always[mode])
            for key in keys.intersection(by_key):
                for trigger, entry_indexes in by_key[key]:
                    if trigger in view:
                        indexes.update(entry_indexes)
            chosen.extend((mode, self.entries[i]) for i in sorted(indexes)
                          if _all_present(self._also[i], view, keys))
        return chosen

    def find(self, prepared: PreparedText) -> List[Hit]:
        """Every entry that matches the message (each match of each entry, with its token span)."""
        hits: List[Hit] = []
        for mode, entry in self.candidates(prepared):
            view = prepared.view(mode)
            matches = list(entry.regex.finditer(view))
            if not matches:
                continue
            if entry.requires and not search_any(entry.requires, prepared):
                continue
            for match in matches:
                span = prepared.token_span(mode, match.start(), match.end())
                hits.append(Hit(entry, span, prepared.excerpt(span), entry.level))
        return hits
