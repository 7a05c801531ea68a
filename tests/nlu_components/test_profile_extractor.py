"""Age groups from free text in Arabic, Arabizi and English."""
import pytest

from bot.nlu.profile_extractor import age_group_for, extract_age_group


@pytest.mark.parametrize(
    "text, group",
    [
        ("عمري ٩ سنين", "under_10"),
        ("i'm 12", "10_13"),
        ("3omri 15", "14_17"),
        ("انا عندي 13 سنة", "10_13"),
        ("I am 19 years old", "18_plus"),
    ],
)
def test_age_in_any_language_gives_the_age_group(text, group):
    assert extract_age_group(text) == group


def test_a_number_without_age_context_is_not_an_age():
    assert extract_age_group("i got 12 out of 20 in maths") is None


def test_a_bare_number_counts_when_the_child_answers_the_age_question():
    assert extract_age_group("11", intent_is_inform_age=True) == "10_13"


@pytest.mark.parametrize("age, group", [(3, None), (9, "under_10"), (10, "10_13"), (13, "10_13"),
                                        (14, "14_17"), (17, "14_17"), (18, "18_plus"), (45, None)])
def test_age_group_boundaries(age, group):
    assert age_group_for(age) == group
