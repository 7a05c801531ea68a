"""Content the console shows counsellors: canned resources, system messages, CHI case categories, helplines.

data/console/canned_responses.yml and data/console/case_categories.yml are maintained by content editors; this
module validates them on load (a missing Arabic text or an unknown placeholder fails loudly at start-up, not in
front of a child) and fills placeholders for one conversation.
"""
from __future__ import annotations

import re
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import yaml

from bot import helplines
from bot.settings import PROJECT_ROOT

CONSOLE_DATA = PROJECT_ROOT / "data" / "console"
LANGUAGES = ("ar", "en")
PLACEHOLDERS = frozenset({"counsellor_name", "helpline_numbers", "emergency_number", "queue_position"})
SYSTEM_MESSAGES = ("counsellor_joined", "waiting_ack", "waiting_ack_no_counsellor")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class ContentError(ValueError):
    """A console content file is malformed."""


def _load_yaml(path: Path) -> Any:
    try:
        with open(path, encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except (OSError, yaml.YAMLError) as error:
        raise ContentError(f"{path}: {error}") from error


def _check_placeholders(text: str, where: str) -> None:
    for _, name, _, _ in string.Formatter().parse(text):
        if name is not None and name not in PLACEHOLDERS:
            raise ContentError(f"{where}: unknown placeholder {{{name}}} (known: {sorted(PLACEHOLDERS)})")


def _bilingual(value: Any, where: str) -> Dict[str, str]:
    if not isinstance(value, Mapping):
        raise ContentError(f"{where}: expected a mapping with 'ar' and 'en'")
    texts = {}
    for language in LANGUAGES:
        text = value.get(language)
        if not isinstance(text, str) or not text.strip():
            raise ContentError(f"{where}.{language}: missing")
        _check_placeholders(text, f"{where}.{language}")
        texts[language] = text.strip()
    return texts


@dataclass(frozen=True)
class CannedResource:
    id: str
    title: Dict[str, str]
    text: Dict[str, str]


@dataclass(frozen=True)
class CaseCategories:
    categories: Tuple[Dict[str, Any], ...]
    suggestions: Mapping[str, Tuple[str, str]]
    source: str

    def is_valid(self, category: str, subcategory: str = "") -> bool:
        for item in self.categories:
            if item["id"] == category:
                return not subcategory or any(sub["id"] == subcategory for sub in item["subcategories"])
        return False

    def suggest(self, risk_categories: Sequence[str]) -> Optional[Tuple[str, str]]:
        """The CHI category matching the first risk category that has a suggestion."""
        for risk_category in risk_categories:
            if risk_category in self.suggestions:
                return self.suggestions[risk_category]
        return None


def load_canned(path: Path = CONSOLE_DATA / "canned_responses.yml") -> Tuple[Tuple[CannedResource, ...],
                                                                              Dict[str, Dict[str, str]]]:
    """(resources, system messages) from canned_responses.yml, validated."""
    data = _load_yaml(path)
    if not isinstance(data, Mapping) or not isinstance(data.get("resources"), list):
        raise ContentError(f"{path}: expected 'resources' (a list) and 'system_messages'")
    resources, seen = [], set()
    for index, item in enumerate(data["resources"]):
        where = f"{path}: resources[{index}]"
        if not isinstance(item, Mapping) or not _ID.match(str(item.get("id", ""))):
            raise ContentError(f"{where}: needs an 'id' in lower_snake_case")
        if item["id"] in seen:
            raise ContentError(f"{where}: duplicate id {item['id']!r}")
        seen.add(item["id"])
        resources.append(CannedResource(item["id"], _bilingual(item.get("title"), f"{where}.title"),
                                        _bilingual(item.get("text"), f"{where}.text")))
    system = data.get("system_messages") or {}
    messages = {}
    for name in SYSTEM_MESSAGES:
        messages[name] = _bilingual(system.get(name), f"{path}: system_messages.{name}")
    return tuple(resources), messages


def load_case_categories(path: Path = CONSOLE_DATA / "case_categories.yml") -> CaseCategories:
    """The CHI case categories from case_categories.yml, validated."""
    data = _load_yaml(path)
    if not isinstance(data, Mapping) or not isinstance(data.get("categories"), list):
        raise ContentError(f"{path}: expected 'categories' (a list)")
    categories = []
    for index, item in enumerate(data["categories"]):
        where = f"{path}: categories[{index}]"
        if not isinstance(item, Mapping) or not _ID.match(str(item.get("id", ""))):
            raise ContentError(f"{where}: needs an 'id' in lower_snake_case")
        label = item.get("label") or {}
        subcategories = []
        for sub in item.get("subcategories") or []:
            if not isinstance(sub, Mapping) or not _ID.match(str(sub.get("id", ""))) or not sub.get("en") \
                    or not sub.get("ar"):
                raise ContentError(f"{where}: every subcategory needs id, en and ar")
            subcategories.append({"id": sub["id"], "en": sub["en"], "ar": sub["ar"]})
        if not label.get("en") or not label.get("ar"):
            raise ContentError(f"{where}: label needs en and ar")
        categories.append({"id": item["id"], "label": {"en": label["en"], "ar": label["ar"]},
                           "subcategories": subcategories})
    result = CaseCategories(tuple(categories), {}, str(data.get("source", "")))
    suggestions = {}
    for risk_category, pair in (data.get("suggestions") or {}).items():
        if not (isinstance(pair, list) and len(pair) == 2 and result.is_valid(pair[0], pair[1])):
            raise ContentError(f"{path}: suggestions.{risk_category} must name a known [category, subcategory]")
        suggestions[risk_category] = (pair[0], pair[1])
    return CaseCategories(result.categories, suggestions, result.source)


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def child_language(language: Optional[str]) -> str:
    return "en" if (language or "").lower().startswith("en") else "ar"


def placeholder_values(country: Optional[str], language: Optional[str], counsellor_name: str = "",
                       queue_position: Any = "") -> Dict[str, str]:
    """What the placeholders mean for one child (numbers of their country, in their language)."""
    try:
        entry = helplines.lookup(country or None)
        numbers = helplines.format_numbers(entry, child_language(language))
        emergency = entry.emergency[0].number if entry.emergency else ""
    except helplines.HelplineDirectoryError:
        numbers, emergency = "", ""
    if not emergency:
        # A country without a verified emergency number: never guess one. The texts read "call {emergency_number}"
        # / "الاتصال بالرقم {emergency_number}", so these phrases complete them.
        emergency = "الخاص بالطوارئ في بلدك" if child_language(language) == "ar" else "your local emergency number"
    return {"counsellor_name": counsellor_name, "helpline_numbers": numbers,
            "emergency_number": emergency, "queue_position": str(queue_position or "")}


def fill(text: str, values: Mapping[str, str]) -> str:
    """`text` with its placeholders filled (unknown or missing ones become empty)."""
    return text.format_map(_Blank(values))


def helplines_for(country: Optional[str], language: Optional[str]) -> Dict[str, Any]:
    """The helplines a counsellor can give this child: country name and every number with its label."""
    try:
        entry = helplines.lookup(country or None)
    except helplines.HelplineDirectoryError:
        return {"country": country or "", "name": "", "numbers": []}
    lang = child_language(language)
    return {
        "country": entry.code,
        "name": entry.name.in_language(lang),
        "name_en": entry.name.en,
        "summary": helplines.format_numbers(entry, lang),
        "numbers": [{"name": e.name.en, "name_ar": e.name.ar, "number": e.number, "note": e.note,
                     "kind": "emergency" if e in entry.emergency else "child_helpline"} for e in entry.entries],
    }


class ConsoleContent:
    """Everything above, loaded once at console start."""

    def __init__(self, data_dir: Path = CONSOLE_DATA) -> None:
        self.resources, self.system_messages = load_canned(data_dir / "canned_responses.yml")
        self.case_categories = load_case_categories(data_dir / "case_categories.yml")

    def resources_for(self, language: Optional[str], values: Mapping[str, str]) -> List[Dict[str, str]]:
        lang = child_language(language)
        return [{"id": r.id, "title": r.title["en"], "title_child_language": r.title[lang],
                 "text": fill(r.text[lang], values), "language": lang} for r in self.resources]

    def system_message(self, name: str, language: Optional[str], values: Mapping[str, str]) -> str:
        return fill(self.system_messages[name][child_language(language)], values)
