"""Check that every rule or story about high or imminent risk hands the child to a counsellor.

A flow "is about" high risk when a step (or a rule's condition) is the intent risk_high / risk_imminent or sets
the slot risk_level to high / imminent. After the last such step, the flow must run a handoff action, or end in
a way another rule continues (a rule that starts with the same last action, or a story that starts at the same
checkpoint) and that one reaches the handoff.
"""
from __future__ import annotations

from typing import List, Optional, Set

from bot.content.model import Content, Flow, Step
from bot.content.problems import Problem

HANDOFF_ACTIONS = ("action_handoff", "action_pause_for_counsellor")
RISK_INTENTS = ("risk_high", "risk_imminent")
RISK_LEVELS = ("high", "imminent")
_MAX_CONTINUATIONS = 5


def _is_risk_marker(step: Step) -> bool:
    if step.kind == "intent":
        return step.value in RISK_INTENTS
    if step.kind == "slot":
        name, value = step.value
        return name == "risk_level" and value in RISK_LEVELS
    if step.kind == "or":
        return any(_is_risk_marker(Step(kind, value, step.line)) for kind, value in step.value)
    return False


def _last_marker(flow: Flow) -> Optional[int]:
    """Index in flow.steps after which a handoff is required (-1 when only the rule's condition is risky)."""
    markers = [index for index, step in enumerate(flow.steps) if _is_risk_marker(step)]
    if markers:
        return markers[-1]
    if any(_is_risk_marker(step) for step in flow.condition):
        return -1
    return None


def _marker_line(flow: Flow) -> int:
    for step in reversed(flow.steps):
        if _is_risk_marker(step):
            return step.line
    for step in flow.condition:
        if _is_risk_marker(step):
            return step.line
    return flow.line


def _has_handoff(steps: List[Step]) -> bool:
    return any(step.kind == "action" and step.value in HANDOFF_ACTIONS for step in steps)


def _continuations(flow: Flow, rules_and_stories: List[Flow]) -> List[Flow]:
    """Flows that carry on where this one stops: a rule starting with its last action, or a story starting
    at the checkpoint it ends with."""
    last = flow.steps[-1] if flow.steps else None
    if last is None:
        return []
    found: List[Flow] = []
    for other in rules_and_stories:
        if other is flow or not other.steps:
            continue
        first = other.steps[0]
        if last.kind == "checkpoint" and first.kind == "checkpoint" and first.value == last.value:
            found.append(other)
        elif last.kind == "action" and other.kind == "rule" and first.kind == "action" and first.value == last.value:
            found.append(other)
    return found


def _reaches_handoff(flow: Flow, start: int, flows: List[Flow], seen: Set[int], depth: int = 0) -> bool:
    if _has_handoff(flow.steps[start + 1:]):
        return True
    if depth >= _MAX_CONTINUATIONS:
        return False
    seen = seen | {id(flow)}
    for other in _continuations(flow, flows):
        if id(other) not in seen and _reaches_handoff(other, 0, flows, seen, depth + 1):
            return True
    return False


def check_risk_flows_reach_handoff(content: Content) -> List[Problem]:
    """Every rule or story with risk_high / risk_imminent (or risk_level high / imminent) reaches a handoff."""
    problems: List[Problem] = []
    training = content.training_flows()
    for flow in content.flows:
        marker = _last_marker(flow)
        if marker is None:
            continue
        if _reaches_handoff(flow, marker, training, set()):
            continue
        label = f'The {"test story" if flow.is_test else flow.kind} "{flow.name}"'
        problems.append(Problem(
            flow.file, _marker_line(flow),
            f"{label} is about high or imminent risk (this line) but never hands the child to a counsellor: "
            f"no {' or '.join(HANDOFF_ACTIONS)} comes after it.",
            "Add \"- action: action_handoff\" after the safety message (or action_pause_for_counsellor if the "
            "child is already waiting), or end it where a rule that does the handoff carries on. A child at high "
            "risk must always reach a person.",
            check="risk_flows",
        ))
    return problems
