"""The pattern notation content editors write (data/safety/README.md), compiled to regexes."""
from __future__ import annotations

import re

import pytest

from bot.safety.notation import Compiler, PatternError, script_of
from bot.safety.text import PreparedText


def matches(pattern: str, mode: str, text: str, concepts=None) -> bool:
    regex = re.compile(Compiler(concepts or {}).compile(pattern, mode))
    view = PreparedText.from_text(text).view(mode)
    return bool(view and regex.search(view))


def test_alternatives_wildcards_optional_words_and_gaps():
    assert matches("{cut|burn} myself", "en", "i burn myself")
    assert matches("kill*", "en", "killing")
    assert matches("take [all] my pills", "en", "take all my pills")
    assert matches("take [all] my pills", "en", "take my pills")
    assert matches("i ... die", "en", "i really really want to die")
    assert not matches("i ... die", "en", "i one two three four five die")


def test_arabic_words_accept_clitics_unless_exact():
    assert matches("بدي", "ar", "وبدي")
    assert matches("مدرسه", "ar", "فالمدرسة")
    assert matches("ضرب", "ar", "ضربوني")
    assert not matches("=ضرب", "ar", "ضربوني")


def test_arabic_patterns_are_normalised_like_messages():
    assert matches("أريد أن أموت", "ar", "اريد ان اموت")
    assert matches("حياة", "ar", "حياه")


def test_arabizi_words_match_their_spelling_variants():
    for text in ("mout", "mot", "moot", "mawt"):
        assert matches("{mout|mawt}", "arabizi", text), text
    assert matches("a2tel 7ali", "arabizi", "a2tol 7aly")


def test_short_arabizi_words_do_not_match_english():
    assert matches("ma", "arabizi", "ma")
    assert not matches("ma", "arabizi", "my")


def test_concepts_expand_by_script():
    concepts = {"want": ["بدي", "want to", "az:bdi"]}
    assert matches("@want die", "en", "i want to die", concepts)
    assert matches("@want mout", "arabizi", "bdi mout", concepts)
    assert matches("@want موت", "ar", "بدي موت", concepts)


@pytest.mark.parametrize("pattern", ["{unclosed", "@missing_concept", "", "[ ]"])
def test_bad_patterns_are_reported(pattern):
    with pytest.raises(PatternError):
        Compiler({}).compile(pattern, "en")


def test_a_cue_mixing_arabic_and_latin_is_refused():
    from bot.safety.lexicon import compile_any_mode

    with pytest.raises(PatternError):
        compile_any_mode(Compiler({}), "{lol|ههه} ... dead")


def test_an_emoji_in_an_arabizi_pattern_is_refused():
    # Compiled to nothing, "😂" made its group optional: "{😂|lol}" matched messages with neither.
    with pytest.raises(PatternError):
        Compiler({}).compile("bey2ol ... {😂|lol}", "arabizi")
    assert not matches("bey2ol ... {lol|hhhh}", "arabizi", "w bey2ol law hrabt hay2tlny")


def test_a_short_arabizi_word_written_with_3_or_2_needs_that_letter_in_the_message():
    # ع and ء vanish from the skeleton: a3ish (أعيش) would be shi (شي), ba2ta3 (بقطع) bayt (بيت).
    assert matches("a3ish", "arabizi", "3ish")
    assert matches("a3ish", "arabizi", "a3eesh")
    assert not matches("a3ish", "arabizi", "shi")
    assert matches("ba2ta3", "arabizi", "ba2ta3")
    assert not matches("ba2ta3", "arabizi", "bayt")
    assert not matches("ba7ra2", "arabizi", "ba7r")
    assert matches("mout", "arabizi", "mot")  # words without 3 or 2 keep their loose matching


def test_plain_numbers_are_words_not_keycap_emoji():
    assert script_of("{10|20|30}") == "latin"
    assert script_of("1️⃣") == "emoji"
