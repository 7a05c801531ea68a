"""The helpline directory: which numbers to give a child, by country.

The numbers live in `data/helplines.yml` (path from `HELPLINES_FILE`, via `bot.settings`), each with the page it
was read from. This module loads and validates that file once, then answers three questions:

- `lookup(code)`: the helplines for a country code, or the deployment's default country when the code is
  missing or unknown;
- `find_country(text)`: which country a child's message names ("انا من السعودية", "ana mn el kuwait",
  "i live in dubai");
- `format_numbers(country, language)`: a one-line summary such as "Aman 919 · Emergency 999".

Validation is strict on purpose: a directory entry without a source, or an alias claimed by two countries, is a
bug that could send a child to the wrong number, so loading fails loudly instead of guessing.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

import yaml

from bot.settings import Settings

__all__ = [
    "CountryHelplines",
    "HelplineDirectory",
    "HelplineDirectoryError",
    "HelplineEntry",
    "LocalisedText",
    "clear_cache",
    "find_country",
    "format_numbers",
    "load_directory",
    "lookup",
    "normalise",
    "parse_directory",
]

SUPPORTED_VERSION = 1
SOURCE_KINDS = frozenset({"official", "government", "chi", "ngo", "news", "directory"})
SUMMARY_SEPARATOR = " · "

_COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")
# Digits with optional spaces/dashes and a leading "+", as people write them ("0800 1111", "1-800-422-4453").
_PHONE_NUMBER = re.compile(r"^\+?[0-9](?:[0-9 \-]*[0-9])?$")
_URL = re.compile(r"^https?://\S+$")

# Arabic short vowels, tanween, shadda, sukun, superscript alef, Quranic marks, and tatweel (kashida).
_ARABIC_MARKS = re.compile(r"[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]")
_LETTER_FOLDS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي"})
_WORD = re.compile(r"\w+")
_ARABIC_LETTER = re.compile(r"[\u0621-\u064A]")

# Clitics a child may glue to a place name: conjunction, then preposition, then the article.
# "ع" is the Levantine/Gulf short form of "على" ("رايح عالشام"); it only ever appears before the article.
_CONJUNCTIONS = ("", "و", "ف")
_PREPOSITIONS = ("", "ب", "ل", "ك", "ع")
_ARTICLE = "ال"


class HelplineDirectoryError(ValueError):
    """The helpline directory file is missing, malformed, or fails validation."""


@dataclass(frozen=True)
class LocalisedText:
    """A short text in English and Arabic."""

    en: str
    ar: str

    def in_language(self, language: str | None) -> str:
        """The Arabic text for "ar" (or "ar-QA" etc.), the English text for anything else."""
        return self.ar if (language or "").lower().startswith("ar") else self.en


@dataclass(frozen=True)
class HelplineEntry:
    """One phone number and where we read it."""

    name: LocalisedText
    short: LocalisedText
    number: str
    source: str
    source_kind: str
    verified_on: dt.date
    note: str = ""
    in_summary: bool = True


@dataclass(frozen=True)
class CountryHelplines:
    """Everything the directory holds for one country."""

    code: str
    name: LocalisedText
    aliases: tuple[str, ...]
    child_helplines: tuple[HelplineEntry, ...]
    emergency: tuple[HelplineEntry, ...]

    @property
    def entries(self) -> tuple[HelplineEntry, ...]:
        """Child helplines first, then emergency numbers."""
        return self.child_helplines + self.emergency

    @property
    def has_numbers(self) -> bool:
        """False for a country whose numbers could not be verified (the caller must offer another route)."""
        return bool(self.entries)


@dataclass(frozen=True)
class _AliasPattern:
    """An alias as tokens: accepted surface forms of its first word, then the remaining words verbatim."""

    first_forms: frozenset[str]
    rest: tuple[str, ...]
    code: str

    @property
    def length(self) -> int:
        return 1 + len(self.rest)


@dataclass(frozen=True)
class HelplineDirectory:
    """The parsed, validated directory."""

    version: int
    default_code: str
    countries: Mapping[str, CountryHelplines]
    alias_patterns: tuple[_AliasPattern, ...]

    @property
    def default(self) -> CountryHelplines:
        return self.countries[self.default_code]

    def lookup(self, country_code: str | None) -> CountryHelplines:
        """The country's helplines, or the default country's when the code is None or not in the directory."""
        code = (country_code or "").strip().upper()
        return self.countries.get(code, self.default)

    def find_country(self, text: str | None) -> str | None:
        """The code of the first country named in the text, or None. See the module function."""
        tokens = _WORD.findall(normalise(text or ""))
        for position, token in enumerate(tokens):
            # At one position prefer the longest alias ("saudi arabia" over "saudi").
            candidates = [
                pattern
                for pattern in self.alias_patterns
                if token in pattern.first_forms
                and tuple(tokens[position + 1 : position + pattern.length]) == pattern.rest
            ]
            if candidates:
                return max(candidates, key=lambda pattern: pattern.length).code
        return None


# --------------------------------------------------------------------------------------------- normalising


def normalise(text: str) -> str:
    """Text folded for matching: lower case, no Arabic diacritics or tatweel, أإآٱ→ا, ة→ه, ى→ي."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _ARABIC_MARKS.sub("", text)
    return text.translate(_LETTER_FOLDS)


def _clitic_forms(word: str) -> frozenset[str]:
    """The word itself plus every form with a leading clitic (و/ف, then ب/ل/ك/ع, then ال)."""
    if not _ARABIC_LETTER.match(word):
        return frozenset({word})
    has_article = word.startswith(_ARTICLE)
    stem = word[len(_ARTICLE) :] if has_article else word
    # A word written with its article keeps it; a bare word ("قطر") may also take one ("بالقطر" is harmless).
    articles = (_ARTICLE,) if has_article else ("", _ARTICLE)
    forms = {word}
    for conjunction in _CONJUNCTIONS:
        for preposition in _PREPOSITIONS:
            for article in articles:
                if preposition == "ع" and not article:
                    continue
                if preposition == "ل" and article:
                    # ل + ال is written لل ("للسعودية"), never لال.
                    forms.add(conjunction + "لل" + stem)
                else:
                    forms.add(conjunction + preposition + article + stem)
    return frozenset(forms)


def _alias_pattern(alias: str, code: str) -> _AliasPattern | None:
    tokens = _WORD.findall(normalise(alias))
    if not tokens:
        return None
    return _AliasPattern(first_forms=_clitic_forms(tokens[0]), rest=tuple(tokens[1:]), code=code)


# --------------------------------------------------------------------------------------------- validating


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise HelplineDirectoryError(message)


def _text(value: Any, where: str) -> str:
    _require(isinstance(value, str) and value.strip() != "", f"{where}: expected a non-empty string")
    return value.strip()


def _localised(value: Any, where: str) -> LocalisedText:
    _require(isinstance(value, Mapping), f"{where}: expected a mapping with 'en' and 'ar'")
    return LocalisedText(en=_text(value.get("en"), f"{where}.en"), ar=_text(value.get("ar"), f"{where}.ar"))


def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(_text(value, where))
    except ValueError as error:
        raise HelplineDirectoryError(f"{where}: expected a date YYYY-MM-DD") from error


def _entry(value: Any, where: str) -> HelplineEntry:
    _require(isinstance(value, Mapping), f"{where}: expected a mapping")
    name = _localised(value.get("name"), f"{where}.name")
    short = _localised(value["short"], f"{where}.short") if "short" in value else name
    number = _text(str(value.get("number", "")), f"{where}.number")
    _require(bool(_PHONE_NUMBER.match(number)), f"{where}.number: {number!r} is not a phone number")
    source = _text(value.get("source"), f"{where}.source")
    _require(bool(_URL.match(source)), f"{where}.source: expected an http(s) URL")
    source_kind = _text(value.get("source_kind"), f"{where}.source_kind")
    _require(source_kind in SOURCE_KINDS, f"{where}.source_kind: {source_kind!r} not in {sorted(SOURCE_KINDS)}")
    note = value.get("note", "")
    _require(isinstance(note, str), f"{where}.note: expected a string")
    in_summary = value.get("in_summary", True)
    _require(isinstance(in_summary, bool), f"{where}.in_summary: expected true or false")
    return HelplineEntry(
        name=name,
        short=short,
        number=number,
        source=source,
        source_kind=source_kind,
        verified_on=_date(value.get("verified_on"), f"{where}.verified_on"),
        note=note.strip(),
        in_summary=in_summary,
    )


def _entries(value: Any, where: str) -> tuple[HelplineEntry, ...]:
    # An empty list is allowed: it is how the file records "nothing could be verified".
    value = [] if value is None else value
    _require(isinstance(value, list), f"{where}: expected a list")
    return tuple(_entry(item, f"{where}[{index}]") for index, item in enumerate(value))


def _country(code: Any, value: Any) -> CountryHelplines:
    _require(isinstance(code, str) and bool(_COUNTRY_CODE.match(code)), f"country code {code!r}: expected XX")
    where = f"countries.{code}"
    _require(isinstance(value, Mapping), f"{where}: expected a mapping")
    aliases = value.get("aliases")
    _require(isinstance(aliases, list) and bool(aliases), f"{where}.aliases: expected a non-empty list")
    return CountryHelplines(
        code=code,
        name=_localised(value.get("name"), f"{where}.name"),
        aliases=tuple(_text(str(alias), f"{where}.aliases") for alias in aliases),
        child_helplines=_entries(value.get("child_helplines"), f"{where}.child_helplines"),
        emergency=_entries(value.get("emergency"), f"{where}.emergency"),
    )


def _alias_patterns(countries: Mapping[str, CountryHelplines]) -> tuple[_AliasPattern, ...]:
    patterns: list[_AliasPattern] = []
    # Checked on surface forms, not just spellings: "لبنان" must not collide with some "ل" + "بنان" alias.
    owner_of: dict[tuple[str, ...], str] = {}
    for code, country in countries.items():
        for alias in country.aliases:
            pattern = _alias_pattern(alias, code)
            _require(pattern is not None, f"countries.{code}.aliases: {alias!r} has no letters")
            for form in pattern.first_forms:
                owner = owner_of.setdefault((form,) + pattern.rest, code)
                _require(owner == code, f"alias {alias!r} of {code} also matches an alias of {owner}")
            patterns.append(pattern)
    return tuple(patterns)


def parse_directory(data: Any, origin: str = "<helplines>") -> HelplineDirectory:
    """Validate the directory's parsed YAML and build the in-memory directory.

    Raises HelplineDirectoryError naming the offending field.
    """
    try:
        _require(isinstance(data, Mapping), "top level: expected a mapping")
        version = data.get("version")
        _require(version == SUPPORTED_VERSION, f"version: expected {SUPPORTED_VERSION}, got {version!r}")
        raw_countries = data.get("countries")
        _require(isinstance(raw_countries, Mapping) and bool(raw_countries), "countries: expected a mapping")
        countries = {code: _country(code, value) for code, value in raw_countries.items()}
        default_code = _text(data.get("default"), "default").upper()
        _require(default_code in countries, f"default: {default_code!r} is not in countries")
        _require(countries[default_code].has_numbers, f"default: {default_code} has no numbers")
        return HelplineDirectory(
            version=version,
            default_code=default_code,
            countries=countries,
            alias_patterns=_alias_patterns(countries),
        )
    except HelplineDirectoryError as error:
        raise HelplineDirectoryError(f"{origin}: {error}") from None


# --------------------------------------------------------------------------------------------- loading


def _configured_path() -> Path:
    return Settings.from_environment().helplines_file


@lru_cache(maxsize=4)
def _load_cached(path: str) -> HelplineDirectory:
    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except OSError as error:
        raise HelplineDirectoryError(f"{path}: cannot read the helpline directory ({error})") from error
    except yaml.YAMLError as error:
        raise HelplineDirectoryError(f"{path}: not valid YAML ({error})") from error
    return parse_directory(data, origin=path)


def load_directory(path: Path | str | None = None) -> HelplineDirectory:
    """The directory at `path`, or at HELPLINES_FILE (default data/helplines.yml). Parsed once per path."""
    resolved = Path(path) if path is not None else _configured_path()
    return _load_cached(str(resolved.resolve()))


def clear_cache() -> None:
    """Forget parsed directories, so the next call re-reads the file (after an edit, or in tests)."""
    _load_cached.cache_clear()


# --------------------------------------------------------------------------------------------- public API


def lookup(country_code: str | None) -> CountryHelplines:
    """The helplines for a country code (any case); the default country's when the code is None or unknown.

    A known country may have no verified numbers (`has_numbers` is False); that is returned as is, because the
    default country's numbers would not reach a child elsewhere.
    """
    return load_directory().lookup(country_code)


def find_country(text: str | None) -> str | None:
    """The code of the first country the text names, or None.

    Matching is on whole words of the normalised text (see `normalise`), against each country's aliases; an
    Arabic alias also matches with a leading clitic (و/ف, ب/ل/ك/ع, ال: "بالسعودية", "للكويت", "وقطر").
    When several countries are named, the first one in the text wins.
    """
    return load_directory().find_country(text)


def format_numbers(country: CountryHelplines | str | None, language: str | None) -> str:
    """A one-line summary of a country's numbers, e.g. "Aman 919 · Emergency 999" or "أمان 919 · الطوارئ 999".

    `country` may be a CountryHelplines or a code (None or unknown codes mean the default country). Entries
    marked `in_summary: false` are left out. Returns "" when the country has no verified numbers.
    """
    if not isinstance(country, CountryHelplines):
        country = lookup(country)
    parts = [
        f"{entry.short.in_language(language)} {entry.number}" for entry in country.entries if entry.in_summary
    ]
    return SUMMARY_SEPARATOR.join(parts)
