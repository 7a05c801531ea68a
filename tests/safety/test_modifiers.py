"""Idioms and jokes do not escalate; negation lowers only what it governs and never clears imminent."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("text", [
    "this homework is killing me lol", "موتتني من الضحك", "الواجب ذبحني", "i'm dead 😂", "dying of laughter",
    "i killed him in fortnite", "my mom is gonna kill me if she sees my grades", "بموت من الضحك هههه",
    "mawetni mn el da7k", "قتلته في فورتنايت", "i would die for some pizza",
])
def test_hyperbole_and_games_do_not_escalate(assessor, text):
    assert assessor.assess(text)["level"] in ("none", "low"), text


def test_an_idiom_clears_only_the_words_it_covers(level):
    assert level("موتتني من الضحك بس بجد بدي موت") == "high"
    assert level("this homework is killing me lol and honestly i want to die") == "high"


def test_an_idiom_does_not_hide_a_weapon(level):
    assert level("my dad is going to kill me when he gets home he has a knife") == "imminent"


@pytest.mark.parametrize("text", [
    "i would never kill myself", "مستحيل اقتل حالي", "mesh hat7ar", "ما بدي اموت", "i'm not going to hurt myself",
])
def test_negation_lowers_high_to_low(level, text):
    assert level(text) == "low", text


def test_negation_elsewhere_in_the_message_does_not_lower(level):
    assert level("i don't know, i want to die") == "high"
    assert level("i'm not ok. i want to kill myself") == "high"
    assert level("ما حدا بيحبني وبدي موت") == "high"


@pytest.mark.parametrize("text", [
    "i would never lie to you, i took all my pills",
    "مستحيل احكي لأهلي، بلعت كل الحبوب",
    "i'm not joking the pills are in my hand",
    "i don't want to die but i have the pills in my hand",
])
def test_negation_never_clears_imminent(level, text):
    assert level(text) == "imminent", text


def test_a_phrase_that_is_itself_negative_stays_high(level):
    assert level("i don't want to live anymore") == "high"
    assert level("ما بدي عيش") == "high"


@pytest.mark.parametrize("text", [
    "بدي موت، ما عاد فيني كمّل هيك",   # هيك is not laughter (ههه used to fold to ه and match it)
    "بدي موت هو الحل الوحيد",
    "kms fr nothing matters anymore",   # "fr" (for real) makes it serious, not a joke
    "im gonna kms istg",
])
def test_words_that_look_like_joke_markers_do_not_clear_a_wish_to_die(level, text):
    assert level(text) == "high"


@pytest.mark.parametrize("text", ["بموت من الضحك ههههه", "ركضنا حول الملعب وكنت بموت هاهاها", "im dead 💀 fr"])
def test_laughter_still_marks_a_joke(level, text):
    assert level(text) == "none"
