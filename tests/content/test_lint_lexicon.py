"""Specification: lexicon entries use the taxonomy's labels and the real matcher catches their examples."""
from bot.content.checks.lexicon import check_lexicon_examples, check_lexicon_labels, check_modifier_examples

from .helpers import only, run_check


def test_a_level_not_in_the_taxonomy_is_reported():
    problem = only(run_check("lexicon_broken", check_lexicon_labels), '"end it all"')
    assert (problem.file, problem.line) == ("data/safety/lexicon/suicide.yml", 9)
    assert 'the level "severe"' in problem.message
    assert "low, medium, high, imminent" in problem.hint and "docs/risk-taxonomy.md" in problem.hint


def test_a_category_not_in_the_taxonomy_is_reported():
    problem = only(run_check("lexicon_broken", check_lexicon_labels), '"hang myself"')
    assert problem.line == 14
    assert 'the category "suicidal"' in problem.message


def test_an_example_the_pattern_does_not_match_is_reported_at_the_example_line():
    problem = only(run_check("lexicon_broken", check_lexicon_examples), '"i wanna die"')
    assert problem.line == 23
    assert 'detected at level "none", below the entry\'s level "high"' in problem.message
    assert "its pattern does not match it" in problem.message


def test_an_example_lowered_by_a_negation_rule_says_which_rule_lowered_it():
    problem = only(run_check("lexicon_broken", check_lexicon_examples), '"never overdose"')
    assert 'detected at level "low"' in problem.message
    assert "negation rule in modifiers.yml" in problem.message


def test_a_pattern_with_broken_notation_is_reported_without_hiding_the_other_entries():
    problems = run_check("lexicon_broken", check_lexicon_examples)
    problem = only(problems, '"{jump|leap off"')
    assert problem.line == 30 and "cannot be understood" in problem.message
    assert not any('"i want to kill myself"' in p.message for p in problems)  # the good entry still works


def test_entries_with_wrong_labels_are_reported_once():
    labels = run_check("lexicon_broken", check_lexicon_labels)
    examples = run_check("lexicon_broken", check_lexicon_examples)
    assert not any('"end it all"' in p.message for p in examples)
    assert len([p for p in labels if '"end it all"' in p.message]) == 1


def test_a_correct_lexicon_passes():
    assert run_check("clean", check_lexicon_labels) == []
    assert run_check("clean", check_lexicon_examples) == []


def test_a_negation_example_that_stays_high_is_an_error_at_its_line():
    problems = run_check("lexicon_broken", check_modifier_examples)
    problem = only(problems, '"no way i will kill myself"')
    assert (problem.file, problem.line, problem.severity) == ("data/safety/modifiers.yml", 11, "error")
    assert 'still gets risk level "high"' in problem.message


def test_an_idiom_that_does_not_cover_its_example_is_a_warning():
    problem = only(run_check("lexicon_broken", check_modifier_examples), '"haha i want to kill myself"')
    assert (problem.line, problem.severity) == (5, "warning")
    assert "does not match its own example" in problem.message


def test_working_modifier_examples_pass():
    problems = run_check("lexicon_broken", check_modifier_examples)
    assert not any('example "i would never kill myself"' in p.message or 'example "dying of laughter"' in p.message
                   for p in problems)
