"""Specification of `python -m bot.content.lint`: grouped, plain-words output and the exit code CI relies on."""
import pytest

from bot.content.lint import main, run_checks
from bot.settings import PROJECT_ROOT

from .helpers import FIXTURES


def test_clean_content_passes_with_exit_code_0(capsys):
    assert main(["--root", str(FIXTURES / "clean")]) == 0
    assert "no problems found" in capsys.readouterr().out


def test_problems_are_grouped_by_file_with_line_and_what_to_do_and_exit_1(capsys):
    assert main(["--root", str(FIXTURES / "risk_without_handoff")]) == 1
    out = capsys.readouterr().out
    rules, stories = out.index("data/rules/risk.yml\n"), out.index("data/stories/feelings.yml\n")
    assert rules < stories
    assert "  line 6  ERROR: The rule \"imminent risk without handoff\"" in out
    assert "What to do:" in out
    assert "error(s)" in out.splitlines()[-1]


def test_a_file_that_is_not_valid_yaml_is_reported_with_its_line(capsys):
    assert main(["--root", str(FIXTURES / "broken_yaml")]) == 1
    out = capsys.readouterr().out
    assert "data/nlu/greetings.yml\n  line 6  ERROR: This file is not valid YAML" in out
    assert "indentation" in out


def test_a_check_that_crashes_is_reported_and_the_others_still_run(tmp_path):
    def broken_check(content):
        raise RuntimeError("boom")

    def working_check(content):
        return []

    problems = run_checks(FIXTURES / "clean", [broken_check, working_check])
    assert len(problems) == 1
    assert 'The check "broken_check" could not run (RuntimeError: boom)' in problems[0].message
    assert "ask a developer" in problems[0].hint.lower()


def test_a_missing_folder_is_explained(capsys, tmp_path):
    assert main(["--root", str(tmp_path / "nowhere")]) == 2
    assert "does not exist" in capsys.readouterr().out


def test_the_project_content_has_no_errors():
    errors = [p for p in run_checks(PROJECT_ROOT) if p.is_error]
    assert errors == [], "\n".join(f"{p.file}:{p.line}: {p.message}" for p in errors)
