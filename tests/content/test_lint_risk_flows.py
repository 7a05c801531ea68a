"""Specification: a rule or story about high or imminent risk always reaches a counsellor."""
from bot.content.checks.risk_flows import check_risk_flows_reach_handoff

from .helpers import run_check


def _flagged():
    return {p.message.split('"')[1]: p for p in run_check("risk_without_handoff", check_risk_flows_reach_handoff)}


def test_imminent_risk_that_stops_at_a_safety_message_is_reported_at_the_risk_line():
    problem = _flagged()["imminent risk without handoff"]
    assert (problem.file, problem.line) == ("data/rules/risk.yml", 6)
    assert "never hands the child to a counsellor" in problem.message
    assert "action_handoff" in problem.hint


def test_a_risk_level_condition_counts_as_being_about_risk():
    assert _flagged()["goodbye while at high risk"].line == 24


def test_a_disclosure_in_the_middle_of_a_story_needs_a_handoff_after_it():
    problem = _flagged()["sad then disclosure"]
    assert (problem.file, problem.line) == ("data/stories/feelings.yml", 8)


def test_a_rule_that_continues_into_a_handoff_rule_passes():
    flagged = _flagged()
    assert "high risk is assessed first" not in flagged
    assert "after the assessment, a counsellor" not in flagged
    assert len(flagged) == 3


def test_flows_with_a_handoff_pass():
    assert run_check("clean", check_risk_flows_reach_handoff) == []
