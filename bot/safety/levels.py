"""Risk levels and categories of docs/risk-taxonomy.md, and how levels compare."""
from __future__ import annotations

from typing import Iterable

NONE, LOW, MEDIUM, HIGH, IMMINENT = "none", "low", "medium", "high", "imminent"
LEVELS = (NONE, LOW, MEDIUM, HIGH, IMMINENT)
_RANK = {level: rank for rank, level in enumerate(LEVELS)}

CATEGORIES = (
    "suicide",
    "self_harm",
    "sexual_abuse",
    "physical_abuse",
    "domestic_violence",
    "online_exploitation",
    "trafficking_child_labour",
    "child_marriage",
    "neglect",
    "runaway",
    "bullying",
    "immediate_danger",
    "emotional_distress",
    "unknown",
)

# The NLU intents that carry a level (risk.yml), and the level each one means.
RISK_INTENT_FOR_LEVEL = {MEDIUM: "risk_medium", HIGH: "risk_high", IMMINENT: "risk_imminent"}
LEVEL_FOR_RISK_INTENT = {intent: level for level, intent in RISK_INTENT_FOR_LEVEL.items()}


def rank(level: str) -> int:
    """Position of a level in the ordered scale (none=0 ... imminent=4); raises on an unknown level."""
    return _RANK[level]


def highest(levels: Iterable[str]) -> str:
    """The highest of some levels (none when there are none)."""
    return max(levels, key=rank, default=NONE)


def at_least(level: str, floor: str) -> bool:
    """True when `level` is `floor` or higher."""
    return rank(level) >= rank(floor)


def lower_to(level: str, ceiling: str) -> str:
    """`level`, but no higher than `ceiling`."""
    return level if rank(level) <= rank(ceiling) else ceiling
