"""Specification: every helpline number names the web page it was read from."""
from bot.content.checks.helplines import check_helpline_sources

from .helpers import only, run_check


def test_a_number_without_a_source_is_reported_at_its_entry():
    problem = only(run_check("helpline_without_source", check_helpline_sources), "919")
    assert (problem.file, problem.line) == ("data/helplines.yml", 8)
    assert "has no source" in problem.message
    assert "https://" in problem.hint


def test_a_source_that_is_not_a_web_address_is_reported():
    problem = only(run_check("helpline_without_source", check_helpline_sources), "999")
    assert problem.line == 13
    assert '"the police told me"' in problem.message


def test_numbers_with_sources_pass():
    assert run_check("clean", check_helpline_sources) == []
