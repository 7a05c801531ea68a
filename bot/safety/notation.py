"""The lexicon's pattern notation, compiled to regular expressions (documented in data/safety/README.md).

A pattern is a sequence of words separated by spaces. Each word may use:
  *         any letters (خايف* , kill*, *نتحر)
  {a|b}     inside a word: letter alternatives ({ا|ن}موت, hat{7|h}ar)
  {a b|c}   standing alone: phrase alternatives, possibly empty ({my|the|} pills)
  [a b]     an optional phrase
  ...       up to four other words in between
  @name     a concept from data/safety/concepts.yml (a list of patterns)
  =word     exactly this word: no clitics (Arabizi: exactly this spelling, not its skeleton)

How a word matches depends on the script ("mode"):
  ar       on normalize_text() output; Arabic clitics are allowed around every word (و ف ب ل ك س ح ه ع
           ال لل before, ني ي ك ه ها هم نا كم و وا ين ون ات ت ش and tanween ا after), so وبدي, فالمدرسه, بموت match.
  en       on normalize_text() output, whole words, case-folded.
  arabizi  on the Arabizi skeleton of the message (bot.safety.arabizi): pattern words are skeletonised too,
           and Arabizi clitics (w-, f-, b-, l-, el-, 7a-; -ni, -ak, -ha, -hom, -sh ...) are allowed on words
           of three or more consonants; two-consonant words match their skeleton exactly, and shorter ones
           ("ma", "7a") match only as written, so that English words are not mistaken for Arabizi.
  emoji    the emoji themselves, tolerant of skin tones and variation selectors.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Union

from bot.nlu.arabic_normalizer import normalize_text
from bot.safety.arabizi import raw_form, skeleton

AR, EN, ARABIZI, EMOJI = "ar", "en", "arabizi", "emoji"
MODES = (AR, EN, ARABIZI, EMOJI)

_ARABIC = "\u0621-\u064A"
_HAS_ARABIC = re.compile(f"[{_ARABIC}]")
_HAS_LATIN = re.compile(r"[A-Za-z]")
_MAX_GAP_WORDS = 4

# Regex building blocks per mode.
_AR_PREFIX = "(?:[وف]?(?:لل|[بلكسحهع])?(?:ال)?)"
_AR_SUFFIX = "(?:ني|ي|كي|كم|ك|ها|هم|هن|ه|نا|وا|و|ين|ون|ات|تي|ت|ش|ا){0,2}"
_AZ_PREFIX = "(?:[wf]?(?:bl|hl|fl|wl|[bhl])?)"
_AZ_SUFFIX = "(?:hm|km|sh|n|k|h|t|w)?"
_EMOJI_TAIL = "[\ufe0f\u200d\U0001F3FB-\U0001F3FF]*"


def _lost_letters(word: str, skel: str) -> bool:
    """True for an Arabizi word whose 3 or 2 (ع, ء) its skeleton `skel` drops, leaving three consonants or fewer."""
    return len(skel) <= 3 and re.search(r"[23]", raw_form(word)) is not None


class PatternError(ValueError):
    """A lexicon pattern that cannot be compiled (bad notation, unknown concept, wrong script)."""


# ----- parse tree -----------------------------------------------------------------------------------------
@dataclass
class Literal:
    text: str


@dataclass
class Wildcard:
    pass


@dataclass
class Alternatives:
    options: List["Sequence_"]
    optional: bool = False


@dataclass
class Word:
    pieces: List[Union[Literal, Wildcard, Alternatives]]
    exact: bool = False


@dataclass
class Concept:
    name: str


@dataclass
class Gap:
    pass


@dataclass
class Sequence_:
    elements: List[Union[Word, Concept, Gap, Alternatives]] = field(default_factory=list)


class _Parser:
    """Recursive-descent parser for the notation above."""

    def __init__(self, pattern: str):
        self.text = pattern
        self.pos = 0

    def parse(self) -> Sequence_:
        sequence = self._sequence(closers="")
        if self.pos != len(self.text):
            raise PatternError(f"unexpected {self.text[self.pos]!r} in pattern {self.text!r}")
        return sequence

    def _peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def _sequence(self, closers: str) -> Sequence_:
        sequence = Sequence_()
        while True:
            while self._peek().isspace():
                self.pos += 1
            char = self._peek()
            if not char or char in closers:
                return sequence
            sequence.elements.append(self._element(closers))

    def _element(self, closers: str):
        if self.text.startswith("...", self.pos):
            self.pos += 3
            return Gap()
        char = self._peek()
        if char == "@":
            match = re.compile(r"@([a-z0-9_]+)").match(self.text, self.pos)
            if not match:
                raise PatternError(f"bad concept name in {self.text!r}")
            self.pos = match.end()
            return Concept(match.group(1))
        if char == "[":
            self.pos += 1
            options = self._options("]")
            return Alternatives(options, optional=True)
        return self._word(closers)

    def _options(self, closer: str) -> List[Sequence_]:
        options = [self._sequence(closers="|" + closer)]
        while self._peek() == "|":
            self.pos += 1
            options.append(self._sequence(closers="|" + closer))
        if self._peek() != closer:
            raise PatternError(f"missing {closer!r} in pattern {self.text!r}")
        self.pos += 1
        return options

    def _word(self, closers: str) -> Union[Word, Alternatives]:
        word = Word(pieces=[])
        if self._peek() == "=":
            word.exact = True
            self.pos += 1
        while True:
            char = self._peek()
            if not char or char.isspace() or char in closers or char in "[@":
                break
            if char == "*":
                word.pieces.append(Wildcard())
                self.pos += 1
            elif char == "{":
                self.pos += 1
                word.pieces.append(Alternatives(self._options("}")))
            elif char in "}]":
                raise PatternError(f"unbalanced {char!r} in pattern {self.text!r}")
            else:
                start = self.pos
                while self._peek() and not self._peek().isspace() and self._peek() not in "*{}[]|@" + closers:
                    self.pos += 1
                word.pieces.append(Literal(self.text[start : self.pos]))
        if not word.pieces:
            raise PatternError(f"empty word in pattern {self.text!r}")
        # A brace group standing alone is a phrase-level choice: its options may be several words.
        if len(word.pieces) == 1 and isinstance(word.pieces[0], Alternatives) and not word.exact:
            return word.pieces[0]
        return word


def parse(pattern: str) -> Sequence_:
    """Parse a pattern into its tree (raises PatternError)."""
    if not isinstance(pattern, str) or not pattern.strip():
        raise PatternError("empty pattern")
    return _Parser(pattern.strip()).parse()


def script_of(text: str) -> str:
    """ar (Arabic script), latin, emoji, or concept (only @concept references and notation)."""
    if _HAS_ARABIC.search(text):
        return "ar"
    rest = re.sub(r"@[a-z0-9_]+", "", text)
    if _HAS_LATIN.search(rest):
        return "latin"
    if re.search(r"[^\s\[\]{}|.*=]", rest):
        # Plain numbers ("{10|20}") are written words, not keycap emoji.
        return "emoji" if re.search(r"[^\s\[\]{}|.*=0-9]", rest) else "latin"
    return "concept"


ARABIZI_TAG = "az:"


def mode_accepts(mode: str, item: str, concept: str = "") -> bool:
    """Whether a concept item takes part in a pattern of this mode.

    Concepts named *_ar, *_en, *_az hold one language. In other (mixed) concepts, items are sorted by
    script: Arabic script, emoji, and Latin, where Latin items tagged "az:" are Arabizi and the rest English.
    """
    kind = script_of(item)
    if kind == "concept":
        return True
    for suffix, only in (("_ar", AR), ("_en", EN), ("_az", ARABIZI), ("_emoji", EMOJI)):
        if concept.endswith(suffix):
            return mode == only
    if mode == AR:
        return kind == "ar"
    if mode == EMOJI:
        return kind == "emoji"
    if kind != "latin":
        return False
    return item.strip().startswith(ARABIZI_TAG) == (mode == ARABIZI)


# ----- compiler -------------------------------------------------------------------------------------------
class Compiler:
    """Compiles patterns to regex sources for one mode, expanding concepts (cached, cycle-checked)."""

    def __init__(self, concepts: Dict[str, List[str]]):
        self.concepts = concepts
        self._cache: Dict[tuple, str] = {}
        self._stack: List[str] = []

    def compile(self, pattern: str, mode: str) -> str:
        """Regex source for `pattern` in `mode` (raises PatternError)."""
        if mode == AR:
            pattern = normalize_text(pattern)
        elif mode in (EN, ARABIZI):
            pattern = pattern.lower().replace("’", "'")
        return self._sequence(parse(pattern), mode)

    def compiles_in(self, pattern: str, mode: str) -> bool:
        try:
            self.compile(pattern, mode)
            return True
        except PatternError:
            return False

    def _concept(self, name: str, mode: str) -> str:
        key = (name, mode)
        if key in self._cache:
            return self._cache[key]
        if name not in self.concepts:
            raise PatternError(f"unknown concept @{name}")
        if name in self._stack:
            raise PatternError(f"concept @{name} refers to itself")
        items = [str(item).strip() for item in self.concepts[name] if mode_accepts(mode, str(item), name)]
        items = [item[len(ARABIZI_TAG):] if item.startswith(ARABIZI_TAG) else item for item in items]
        if not items:
            raise PatternError(f"concept @{name} has no {mode} items")
        self._stack.append(name)
        try:
            sources = []
            for item in items:
                try:
                    sources.append(self.compile(str(item), mode))
                except PatternError as error:
                    if "has no" not in str(error):  # a nested concept may lack this script: skip it
                        raise
            if not sources:
                raise PatternError(f"concept @{name} has no {mode} items")
        finally:
            self._stack.pop()
        source = "(?:" + "|".join(sorted(set(sources), key=len, reverse=True)) + ")"
        self._cache[key] = source
        return source

    def _sequence(self, sequence: Sequence_, mode: str) -> str:
        """Join the elements with separators; optional phrases and gaps carry their own separator."""
        separator = _separator(mode)
        out = ""
        started = False
        for element in sequence.elements:
            if isinstance(element, Gap):
                word = r"\S+"
                unit, required = (f"(?:{separator}{word}){{0,{_MAX_GAP_WORDS}}}" if started
                                  else f"(?:{word}{separator}){{0,{_MAX_GAP_WORDS}}}"), False
                out += unit
                continue
            if isinstance(element, Concept):
                body, optional = self._concept(element.name, mode), False
            elif isinstance(element, Alternatives):
                body, optional = self._alternatives(element, mode)
            else:
                body, optional = self._word(element, mode), False
            if not body:
                continue  # e.g. an Arabizi word made only of vowels ("a"): it may be absent
            if optional:
                out += f"(?:{separator}{body})?" if started else f"(?:{body}{separator})?"
            else:
                out += f"{separator}{body}" if started else body
                started = True
        if not started:
            raise PatternError("pattern has no required word")
        return out

    def _alternatives(self, group: Alternatives, mode: str):
        """(regex of the non-empty options, whether the group may match nothing)."""
        options, optional = [], group.optional
        for option in group.options:
            source = ""
            if option.elements:
                try:
                    source = self._sequence(option, mode)
                except PatternError as error:
                    if "no required word" not in str(error):
                        raise
            if source:
                options.append(source)
            else:
                optional = True
        if not options:
            return "", True
        # Longest first: regex alternation takes the first option that fits, and the longest reading of
        # a phrase is the one that tells most ("killed himself" rather than "killed").
        options = sorted(set(options), key=len, reverse=True)
        return "(?:" + "|".join(options) + ")", optional

    def _word(self, word: Word, mode: str) -> str:
        short_skeleton = False
        raw_guard = ""
        if mode == ARABIZI:
            literal = "".join(p.text for p in word.pieces) if all(isinstance(p, Literal) for p in word.pieces) else None
            skel = skeleton(literal) if literal is not None else ""
            if literal is not None and (word.exact or len(skel) < 2) and raw_form(literal):
                # Marked exact (=word), or too short to match loosely ("ma", "7a", "3a"): match the word as
                # written, in the raw half.
                return f"(?<![^ ])[a-z]*/{re.escape(raw_form(literal))}(?![^ ])"
            if literal is not None and not skel and not raw_form(literal):
                # An emoji or punctuation has no Arabizi form: compiled to nothing, it would make its group
                # optional ("{😂|lol}" would match without either).
                raise PatternError(f"{literal!r} has no Latin letters or digits, so it cannot be an Arabizi word; "
                                   "write emoji in their own pattern")
            # Two consonants ("mt", "hs") plus a clitic would match English words ("this" = t+hs): no clitics.
            short_skeleton = literal is not None and len(skel) < 3
            # ع and ء vanish from the skeleton, so a short word written with 3 or 2 collides with everyday words:
            # a3ish (أعيش) = shi (شي), ba2ta3 (بقطع) = bayt (بيت), ba7ra2 (بحرق) = ba7r (بحر). Such a word matches
            # only a message word whose raw half also writes one of those letters as 3 or 2.
            raw_guard = "(?=[a-z0-9]*[23])" if literal is not None and _lost_letters(literal, skel) else ""
        body = "".join(self._piece(piece, mode) for piece in word.pieces)
        if not body:
            return ""
        if mode == AR:
            prefix, suffix = ("", "") if word.exact else (_AR_PREFIX, _AR_SUFFIX)
            return f"(?<![{_ARABIC}]){prefix}{body}{suffix}(?![{_ARABIC}])"
        if mode == EN:
            return f"(?<![a-z0-9']){body}(?![a-z0-9'])"
        if mode == ARABIZI:
            prefix, suffix = ("", "") if word.exact or short_skeleton else (_AZ_PREFIX, _AZ_SUFFIX)
            return f"(?<![^ ]){prefix}{body}{suffix}/{raw_guard}[a-z0-9]*(?![^ ])"
        return body

    def _piece(self, piece, mode: str) -> str:
        if isinstance(piece, Wildcard):
            return {AR: f"[{_ARABIC}]*", EN: r"[a-z0-9']*", ARABIZI: r"[a-z0-9]*"}.get(mode, r"\S*")
        if isinstance(piece, Alternatives):
            options = []
            for option in piece.options:
                if len(option.elements) > 1 or any(not isinstance(e, Word) for e in option.elements):
                    raise PatternError("letter alternatives inside a word must be single words")
                options.append("".join(self._piece(p, mode) for e in option.elements for p in e.pieces))
            return "(?:" + "|".join(sorted(set(options), key=len, reverse=True)) + ")"
        text = piece.text
        if mode == ARABIZI:
            return re.escape(skeleton(text))
        if mode == EMOJI:
            return "".join(re.escape(char) + _EMOJI_TAIL for char in text if char not in "\ufe0f\u200d")
        return re.escape(text)


class TriggerFinder:
    """Literal strings, at least one of which is in any text a pattern matches ("triggers").

    The lexicon checks which triggers occur in a message (plain substring tests, fast) and runs only the
    regexes of entries with a trigger present: an Aho-Corasick-like prefilter. None means "no safe
    trigger": that pattern is always run.
    """

    def __init__(self, compiler: "Compiler"):
        self.compiler = compiler

    def of(self, pattern: str, mode: str) -> Optional[frozenset]:
        if mode == AR:
            pattern = normalize_text(pattern)
        elif mode in (EN, ARABIZI):
            pattern = pattern.lower().replace("’", "'")
        return self._sequence(parse(pattern), mode)

    def groups(self, pattern: str, mode: str) -> List[frozenset]:
        """One trigger set per required part of the pattern: a text it matches holds a trigger of EVERY set.

        `of()` gives the single most selective set (for indexing); checking the other sets too skips the
        regex of a two-part pattern ("{@carer_ar} ... {@hit_ar}") when only one part's words are present.
        """
        if mode == AR:
            pattern = normalize_text(pattern)
        elif mode in (EN, ARABIZI):
            pattern = pattern.lower().replace("’", "'")
        return self._required_sets(parse(pattern), mode)

    def _required_sets(self, sequence: Sequence_, mode: str) -> List[frozenset]:
        found_sets: List[frozenset] = []
        for element in sequence.elements:
            if isinstance(element, Gap) or (isinstance(element, Alternatives) and element.optional):
                continue
            found = self._element(element, mode)
            if found is None or (isinstance(element, Alternatives) and any(not o.elements for o in element.options)):
                continue
            found_sets.append(found)
        return found_sets

    def _sequence(self, sequence: Sequence_, mode: str) -> Optional[frozenset]:
        best: Optional[frozenset] = None
        for found in self._required_sets(sequence, mode):
            if best is None or min(map(len, found)) > min(map(len, best)):
                best = found
        return best

    def _element(self, element, mode: str) -> Optional[frozenset]:
        if isinstance(element, Concept):
            items = [str(i).strip() for i in self.compiler.concepts.get(element.name, [])
                     if mode_accepts(mode, str(i), element.name)]
            items = [i[len(ARABIZI_TAG):] if i.startswith(ARABIZI_TAG) else i for i in items]
            return self._union(items, mode)
        if isinstance(element, Alternatives):
            found: set = set()
            for option in element.options:
                sub = self._sequence(option, mode)
                if sub is None:
                    return None
                found |= sub
            return frozenset(found) if found else None
        return self._word(element, mode)

    def _union(self, patterns, mode: str) -> Optional[frozenset]:
        found: set = set()
        for pattern in patterns:
            try:
                sub = self.of(pattern, mode)
            except PatternError:
                return None
            if sub is None:
                return None
            found |= sub
        return frozenset(found) if found else None

    def _word(self, word: Word, mode: str) -> Optional[frozenset]:
        literals = [p.text for p in word.pieces if isinstance(p, Literal)]
        if mode == ARABIZI:
            if all(isinstance(p, Literal) for p in word.pieces):
                text = "".join(literals)
                if word.exact or len(skeleton(text)) < 2:
                    return frozenset({"/" + raw_form(text)}) if raw_form(text) else None
            literals = [skeleton(text) for text in literals]
        elif mode == EMOJI:
            literals = [text.replace("\ufe0f", "").replace("\u200d", "")[:1] for text in literals]
        literals = [text for text in literals if text]
        if not literals:
            return None
        longest = max(literals, key=len)
        return frozenset({longest}) if len(longest) >= (1 if mode == EMOJI else 2) else None


def _separator(mode: str) -> str:
    if mode == ARABIZI:
        # One space, possibly around one vowel-only word ("bdi a mout"): such words carry no meaning here.
        return " (?:/[a-z0-9]* )?"
    if mode == EMOJI:
        return r"\s*"
    # One or more characters that are not letters or digits: spaces, punctuation, emoji.
    return r"[\W_]+"
