"""Specification: every intent has enough examples in each script, and no example belongs to two intents."""
from bot.content.checks.examples import check_duplicate_examples, check_example_counts

from .helpers import only, run_check


def test_an_intent_with_too_few_examples_per_script_is_reported_at_its_intent_line():
    problem = only(run_check("too_few_examples", check_example_counts), '"feeling_sad"')
    assert (problem.file, problem.line) == ("data/nlu/feelings.yml", 4)
    assert "Arabic script 2 of 15, Arabizi 1 of 5, English 3 of 15" in problem.message
    assert "Add at least 13 in Arabic script, 4 in Arabizi, 12 in English" in problem.hint


def test_an_example_mixing_scripts_counts_towards_no_script_and_the_editor_is_told():
    problem = only(run_check("too_few_examples", check_example_counts), '"feeling_sad"')
    assert "1 example(s) mix scripts" in problem.message


def test_risk_intents_need_more_examples_than_small_talk():
    problems = run_check("clean", check_example_counts)
    assert problems == []  # risk_high in the clean fixture has 30/10/30 (needs 20/8/20), greet 15/5/15


def test_the_same_example_under_two_intents_is_reported_even_when_spelled_with_another_hamza():
    problem = only(run_check("duplicate_examples", check_duplicate_examples), '"اكيد"')
    assert (problem.file, problem.line) == ("data/nlu/yes_no.yml", 12)
    assert 'also an example of intent "affirm" (data/nlu/yes_no.yml, line 7)' in problem.message
    assert 'written there as "أكيد"' in problem.message


def test_different_examples_are_not_duplicates():
    assert run_check("clean", check_duplicate_examples) == []
