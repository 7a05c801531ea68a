"""The lexicon compiles, every example in it is detected, and it tolerates the ways children write."""
from __future__ import annotations

import pytest

from bot.safety.lexicon_check import check_lexicon
from bot.safety.levels import CATEGORIES, LEVELS

from tests.safety.conftest import SAFETY_DIR


def test_the_lexicon_compiles_and_every_example_is_detected_at_its_level():
    assert check_lexicon(SAFETY_DIR) == []


def test_every_category_has_entries_in_arabic_arabizi_and_english(lexicon_data):
    languages_by_category = {}
    for entry in lexicon_data["entries"]:
        languages_by_category.setdefault(entry["category"], set()).add(entry["language"])
    for category in CATEGORIES:
        if category == "unknown":
            continue
        assert {"ar", "en"} <= languages_by_category.get(category, set()), category
    with_arabizi = [c for c, langs in languages_by_category.items() if "arabizi" in langs]
    assert len(with_arabizi) >= 10


def test_the_lexicon_covers_every_level_above_none(lexicon_data):
    assert {entry["level"] for entry in lexicon_data["entries"]} == set(LEVELS) - {"none"}
    assert len(lexicon_data["entries"]) >= 250


@pytest.mark.parametrize("text", [
    "وبدي موت", "فبدي اموت", "والله ابي اموت", "بدي اموتت", "وعايزه اموت", "فبغيت نموت", "ولازم اموت",
    "بقتل حالي", "هقتل نفسي", "سأقتل نفسي", "والانتحار هو الحل عندي افكار انتحار",
    "وابوي يضربني", "فابويا بيضربني", "بابا بيضربنا بالحزام", "وهربت من البيت",
])
def test_arabic_patterns_tolerate_clitics(level, text):
    assert level(text) in ("high", "imminent"), text


@pytest.mark.parametrize("text", [
    "bdi mout", "bade mot", "biddi moot", "3ayez amout", "ayez amoot", "bghit nmout",
    "bdi a2tel 7ali", "ra7 a2tol 7aly", "ana ra7 2enta7er", "bfakker intahir", "7a ente7ar",
    "ma bdi 3ish", "mesh 3ayza a3eesh",
])
def test_arabizi_spelling_variants_are_recognised(level, text):
    assert level(text) in ("high", "imminent"), text


@pytest.mark.parametrize("text", [
    "kms", "i wanna unalive myself", "thinking about sewerslide", "i just want to end it all",
    "i don't want to be here anymore", "i want to not be here anymore", "i cut myself again",
    "i'm gonna ctb tonight", "i'm suicidal", "i wish i was never born",
])
def test_english_slang_and_typos_are_recognised(level, text):
    assert level(text) in ("high", "imminent"), text


@pytest.mark.parametrize("text", ["💊💊 all of them tonight", "🪢 bye", "🔪 myself"])
def test_risk_emoji_count_with_context(level, text):
    assert level(text) in ("high", "imminent"), text


@pytest.mark.parametrize("text", ["💊 for my headache", "🔪🍕 cutting pizza", "bought some rope 🪢 for camping"])
def test_risk_emoji_alone_are_not_alarms(level, text):
    assert level(text) in ("none", "low"), text


@pytest.mark.parametrize("text", [
    "my friend wants to kill herself", "صاحبتي بدها تموت", "sa7bi 2alli enno ra7 yente7er",
    "i tried to kill myself last year", "حاولت انتحر السنة الماضية",
])
def test_third_person_and_past_disclosures_are_high(level, text):
    assert level(text) in ("high", "imminent"), text


@pytest.mark.parametrize("text", [
    "i have the pills in my hand", "الحبوب بإيدي", "i'm on the roof and i want to jump",
    "i want to die tonight", "بدي موت هلق", "نحب نموت دابا", "عايزة اموت دلوقتي", "ابي اموت الحين",
    "i'm bleeding a lot and it won't stop", "he's outside my door and i'm scared",
    "قفلوا علي الباب بالغرفة ومش قادرة اطلع",
])
def test_plan_means_time_and_present_danger_are_imminent(level, text):
    assert level(text) == "imminent", text


@pytest.mark.parametrize("text", [
    "hi how are you", "what is bullying?", "why do people commit suicide? it's for my project",
    "ابوي يبيع خضار بالسوق", "انا عمري 14 سنة", "i wanna do my homework", "i want to meet my friends",
    "can you tell me a joke", "mama 3amlet akl tayeb", "شو يعني تحرش؟",
])
def test_ordinary_messages_are_not_alarms(level, text):
    assert level(text) in ("none", "low", "medium"), text


def test_the_keyed_trigger_prefilter_picks_exactly_the_entries_a_full_scan_would(lexicon_data):
    """Lexicon.candidates files triggers under their first two characters; it must choose the same entries as
    testing every trigger of every entry against the message (the prefilter may only save time)."""
    import yaml

    from bot.safety.lexicon import Lexicon, _other_groups
    from bot.safety.notation import MODES, TriggerFinder
    from bot.safety.text import PreparedText

    lexicon = Lexicon(lexicon_data)
    finder = TriggerFinder(lexicon.compiler)
    plan = []
    for entry in lexicon.entries:
        triggers = finder.of(entry.pattern, entry.language)
        plan.append((entry, triggers, _other_groups(finder.groups(entry.pattern, entry.language), triggers)))
    messages = [m["text"] for m in yaml.safe_load((SAFETY_DIR / "evaluation" / "dev_set.yml").read_text("utf-8"))["messages"]]
    messages += ["", "a", "😂", "x😭y", "بدي موت", "ana ta3bana", "I'M DONE 🔪"]
    checked = 0
    for text in messages:
        prepared = PreparedText.from_text(text)
        full_scan = set()
        for mode in MODES:
            view = prepared.view(mode)
            if not view:
                continue
            for entry, triggers, others in plan:
                if entry.language != mode:
                    continue
                if triggers is not None and not any(trigger in view for trigger in triggers):
                    continue
                if all(any(trigger in view for trigger in group) for group in others):
                    full_scan.add((mode, entry.pattern, entry.source))
        keyed = {(mode, entry.pattern, entry.source) for mode, entry in lexicon.candidates(prepared)}
        assert keyed == full_scan, text
        checked += len(full_scan)
    assert checked > 1000  # the comparison saw real candidates, not only empty sets
