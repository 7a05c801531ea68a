"""Shared helpers for the content-tool tests: load a fixture project and run one check on it."""
from __future__ import annotations

from pathlib import Path
from typing import Callable, List

from bot.content.model import Content
from bot.content.problems import Problem

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def run_check(fixture: str, check: Callable[[Content], List[Problem]]) -> List[Problem]:
    """The problems one check finds in tests/content/fixtures/<fixture>."""
    return check(Content.load(FIXTURES / fixture))


def only(problems: List[Problem], containing: str) -> Problem:
    """The single problem whose message contains `containing` (fails clearly when there is not exactly one)."""
    found = [p for p in problems if containing in p.message]
    assert len(found) == 1, f"expected one problem mentioning {containing!r}, got: {[p.message for p in problems]}"
    return found[0]
