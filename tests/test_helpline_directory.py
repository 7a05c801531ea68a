"""Specification of the helpline directory (data/helplines.yml) and its loader (bot/helplines.py)."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from bot import helplines
from bot.helplines import HelplineDirectoryError, format_numbers, find_country, lookup

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DIRECTORY_FILE = PROJECT_ROOT / "data" / "helplines.yml"

EXPECTED_COUNTRIES = {
    "QA", "AE", "SA", "KW", "BH", "OM", "EG", "JO", "LB", "PS",
    "IQ", "SY", "YE", "MA", "DZ", "TN", "LY", "SD", "GB", "US",
}


@pytest.fixture(autouse=True)
def real_directory(monkeypatch):
    """Every test reads the project's own file, parsed afresh."""
    monkeypatch.delenv("HELPLINES_FILE", raising=False)
    helplines.clear_cache()
    yield
    helplines.clear_cache()


def raw_entries():
    """(country, kind, entry) for every number, straight from the YAML, so the loader cannot hide a gap."""
    data = yaml.safe_load(DIRECTORY_FILE.read_text(encoding="utf-8"))
    for code, country in data["countries"].items():
        for kind in ("child_helplines", "emergency"):
            for entry in country.get(kind) or []:
                yield code, kind, entry


def minimal_directory(**overrides):
    """A valid one-country directory to break in validation tests."""
    data = {
        "version": 1,
        "default": "QA",
        "countries": {
            "QA": {
                "name": {"en": "Qatar", "ar": "قطر"},
                "aliases": ["qatar"],
                "child_helplines": [],
                "emergency": [
                    {
                        "name": {"en": "Emergency", "ar": "الطوارئ"},
                        "number": "999",
                        "source": "https://example.org/emergency",
                        "source_kind": "government",
                        "verified_on": "2026-11-24",
                    }
                ],
            }
        },
    }
    data.update(overrides)
    return data


# ------------------------------------------------------------------------------------------ the data itself


def test_directory_covers_the_mena_countries_plus_uk_and_usa():
    assert set(helplines.load_directory().countries) == EXPECTED_COUNTRIES


@pytest.mark.parametrize("code, kind, entry", list(raw_entries()))
def test_every_number_cites_a_source_url(code, kind, entry):
    assert re.match(r"^https?://\S+$", str(entry.get("source", ""))), f"{code} {kind} {entry.get('number')}"


@pytest.mark.parametrize("code, kind, entry", list(raw_entries()))
def test_every_number_is_named_in_arabic_and_english_and_dated(code, kind, entry):
    assert entry["name"]["en"].strip() and entry["name"]["ar"].strip()
    assert isinstance(entry["verified_on"], dt.date)
    assert isinstance(entry["number"], str), "numbers must be quoted so leading zeros survive"


def test_every_country_is_named_in_both_languages_and_has_aliases():
    for country in helplines.load_directory().countries.values():
        assert country.name.en and country.name.ar
        assert country.aliases


def test_default_country_is_qatar_with_aman_919_and_emergency_999():
    directory = helplines.load_directory()
    assert directory.default_code == "QA"
    numbers = {entry.number for entry in directory.default.entries}
    assert {"919", "999"} <= numbers


def test_directory_is_parsed_once_and_cached():
    assert helplines.load_directory() is helplines.load_directory()


# ------------------------------------------------------------------------------------------ lookup


def test_lookup_without_a_country_falls_back_to_the_default():
    assert lookup(None).code == "QA"


def test_lookup_of_an_unknown_code_falls_back_to_the_default():
    assert lookup("ZZ").code == "QA"
    assert lookup("").code == "QA"


def test_lookup_accepts_lower_case_codes():
    assert lookup("kw").code == "KW"


def test_country_without_verified_numbers_is_not_replaced_by_the_default():
    # Qatar's 919 would not reach a child in Yemen; the caller must see that nothing is verified.
    yemen = lookup("YE")
    assert yemen.code == "YE"
    assert not yemen.has_numbers
    assert format_numbers(yemen, "en") == ""


# ------------------------------------------------------------------------------------------ find_country


@pytest.mark.parametrize(
    "text, code",
    [
        ("ana mn el kuwait", "KW"),
        ("انا من السعودية", "SA"),
        ("i live in dubai", "AE"),
        ("ana sakna fi 2atar", "QA"),
        ("ana mn masr w 5ayfa", "EG"),
        ("I live in Amman", "JO"),
        ("ana mn 3oman", "OM"),
        ("we moved to Abu Dhabi last year", "AE"),
        ("im from saudi arabia", "SA"),
        ("انا عايش في مصر", "EG"),
        ("انا من رام الله", "PS"),
        ("ساكنة بالدوحة", "QA"),
        ("أنا في الإمارات", "AE"),
        ("نحنا بالشام", "SY"),
        ("بغيت نهرب من الدار البيضاء", "MA"),
        ("I'm in LONDON with my dad", "GB"),
    ],
)
def test_arabic_arabizi_and_english_place_names_resolve(text, code):
    assert find_country(text) == code


@pytest.mark.parametrize(
    "text, code",
    [
        ("عايش بالسعودية", "SA"),
        ("رجعنا للكويت", "KW"),
        ("وقطر حلوة", "QA"),
        ("فالعراق ما في شي", "IQ"),
        ("رايح عالشام", "SY"),
    ],
)
def test_place_name_matches_with_a_leading_arabic_clitic(text, code):
    assert find_country(text) == code


def test_diacritics_tatweel_and_hamza_forms_are_ignored():
    assert find_country("السُّعُودِيَّة") == "SA"
    assert find_country("الكـــويت") == "KW"
    assert find_country("الاردن") == find_country("الأردن") == "JO"


def test_first_country_named_wins():
    assert find_country("kont fi masr w hala2 fi dubai") == "EG"


@pytest.mark.parametrize(
    "text",
    [
        "ماما ضربتني اليوم",
        "nobody listens to me",
        "",
        None,
        "qatari food is nice",  # nationality words are not places
        "ukulele lessons",  # "uk" must be a whole word
        "بعد المغرب ابوي صرخ علي",  # the sunset prayer, not Morocco
        "انا من عمان",  # Oman or Amman: ambiguous, so no guess
        "رحت عند جدة",  # grandmother, not Jeddah
        "شفت صور بالجوال",  # pictures, not Tyre
    ],
)
def test_text_without_a_place_name_gives_none(text):
    assert find_country(text) is None


# ------------------------------------------------------------------------------------------ format_numbers


def test_format_numbers_gives_a_short_line_in_english():
    assert format_numbers(lookup("QA"), "en") == "Aman 919 · Emergency 999"


def test_format_numbers_gives_a_short_line_in_arabic():
    assert format_numbers(lookup("QA"), "ar") == "أمان 919 · الطوارئ 999"


def test_format_numbers_accepts_a_code_or_none():
    assert format_numbers("QA", "en") == format_numbers(None, "en") == "Aman 919 · Emergency 999"


def test_format_numbers_leaves_out_secondary_numbers():
    line = format_numbers("MA", "en")
    assert "2511" in line
    assert "0800002511" not in line


# ------------------------------------------------------------------------------------------ configuration


def test_directory_path_comes_from_helplines_file(tmp_path, monkeypatch):
    custom = minimal_directory()
    custom["countries"]["QA"]["emergency"][0]["number"] = "112"
    path = tmp_path / "helplines.yml"
    path.write_text(yaml.safe_dump(custom, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("HELPLINES_FILE", str(path))
    assert format_numbers(lookup(None), "en") == "Emergency 112"


def test_missing_directory_file_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("HELPLINES_FILE", str(tmp_path / "absent.yml"))
    with pytest.raises(HelplineDirectoryError, match="cannot read"):
        lookup(None)


# ------------------------------------------------------------------------------------------ validation


def test_entry_without_a_source_is_refused():
    data = minimal_directory()
    del data["countries"]["QA"]["emergency"][0]["source"]
    with pytest.raises(HelplineDirectoryError, match="source"):
        helplines.parse_directory(data)


def test_entry_with_a_non_url_source_is_refused():
    data = minimal_directory()
    data["countries"]["QA"]["emergency"][0]["source"] = "my cousin told me"
    with pytest.raises(HelplineDirectoryError, match="URL"):
        helplines.parse_directory(data)


def test_default_must_be_a_listed_country():
    with pytest.raises(HelplineDirectoryError, match="default"):
        helplines.parse_directory(minimal_directory(default="KW"))


def test_an_alias_may_belong_to_one_country_only():
    data = minimal_directory()
    data["countries"]["KW"] = {
        "name": {"en": "Kuwait", "ar": "الكويت"},
        "aliases": ["kuwait", "Qatar"],
        "child_helplines": [],
        "emergency": [],
    }
    with pytest.raises(HelplineDirectoryError, match="alias"):
        helplines.parse_directory(data)
