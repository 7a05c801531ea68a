"""Specification: texts for under-10s and 10-13s are easy enough to read."""
from bot.content.checks.readability import (
    arabic_sentences,
    check_arabic_sentence_length,
    check_english_reading_level,
    english_grade,
    plain_english,
)

from .helpers import only, run_check


def test_hard_english_for_under_10s_is_reported_with_its_grade_and_longest_sentence():
    problem = only(run_check("hard_to_read", check_english_reading_level), '"utter_privacy"')
    assert problem.line == 12
    assert "age group under_10" in problem.message and "must be 4 or lower" in problem.message
    assert "confidential" in problem.hint


def test_placeholders_and_phone_numbers_do_not_count_as_hard_words():
    assert plain_english("Call {helpline_numbers} or 116 111 now.") == "Call or now."
    assert english_grade("You can call {helpline_numbers} at any time. It is free.") <= 7


def test_a_long_arabic_sentence_for_10_to_13s_is_reported_with_its_length_and_start():
    problem = only(run_check("hard_to_read", check_arabic_sentence_length), '"utter_privacy"')
    assert problem.line == 28
    assert "has 26 words" in problem.message and "15 words or fewer" in problem.message
    assert "لكن إذا عرفنا" in problem.message


def test_arabic_sentences_split_on_arabic_question_marks_and_new_lines():
    assert [len(s) for s in arabic_sentences("هل أنت بخير؟ أنا هنا\nاكتب لي")] == [3, 2, 2]


def test_simple_texts_pass():
    assert run_check("clean", check_english_reading_level) == []
    assert run_check("clean", check_arabic_sentence_length) == []
