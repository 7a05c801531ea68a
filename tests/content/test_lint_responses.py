"""Specification: responses exist in both languages and every age group, and are used and defined."""
from bot.content.checks.responses import (
    check_age_variations,
    check_condition_values,
    check_missing_responses,
    check_response_languages,
    check_slot_values,
    check_unused_responses,
)

from .helpers import only, run_check


def test_a_response_without_arabic_is_reported_at_the_response():
    problem = only(run_check("responses_broken", check_response_languages), '"utter_greet"')
    assert (problem.file, problem.line) == ("domain.yml", 9)
    assert "has no Arabic variation" in problem.message
    assert "value: ar" in problem.hint


def test_a_response_with_only_age_variations_leaves_children_of_unknown_age_without_an_answer():
    problems = run_check("hard_to_read", check_response_languages)
    assert any("age is unknown" in p.message and "Arabic" in p.message for p in problems)
    assert any("age is unknown" in p.message and "English" in p.message for p in problems)


def test_age_variations_must_cover_every_age_group_in_both_languages():
    problem = only(run_check("responses_broken", check_age_variations), '"utter_feelings_ok"')
    assert problem.line == 16
    assert "Missing: Arabic for 10_13, 14_17, 18_plus; English for 10_13, 14_17, 18_plus." in problem.message


def test_an_unquoted_10_13_is_explained_as_the_number_1013():
    problem = only(run_check("responses_broken", check_condition_values), '"utter_unquoted_age"')
    assert problem.line == 62
    assert 'Write it in double quotes: "10_13"' in problem.hint


def test_slot_values_written_as_numbers_are_reported(tmp_path):
    (tmp_path / "domain.yml").write_text(
        'version: "3.1"\nslots:\n  age_group:\n    type: categorical\n    values: [under_10, 10_13, "14_17"]\n',
        encoding="utf-8",
    )
    from bot.content.model import Content

    problems = check_slot_values(Content.load(tmp_path))
    assert [(p.line, p.message) for p in problems] == [
        (5, "The slot age_group lists the value 1013, which the assistant never sets.")
    ]


def test_a_response_that_nothing_uses_is_reported():
    problems = run_check("responses_broken", check_unused_responses)
    assert [p.message.split('"')[1] for p in problems] == ["utter_forgotten"]
    assert problems[0].line == 64


def test_a_response_named_in_action_code_counts_as_used():
    problems = run_check("responses_broken", check_unused_responses)
    assert not any('"utter_greet"' in p.message for p in problems)


def test_a_misspelt_response_in_a_rule_is_reported_with_a_suggestion():
    problem = only(run_check("responses_broken", check_missing_responses), '"utter_greeet"')
    assert (problem.file, problem.line) == ("data/rules/greet.yml", 10)
    assert 'did you mean "utter_greet"?' in problem.hint


def test_a_missing_response_in_action_code_is_reported_at_the_code_line():
    problem = only(run_check("responses_broken", check_missing_responses), '"utter_queue_full"')
    assert (problem.file, problem.line) == ("actions/handoff.py", 6)
