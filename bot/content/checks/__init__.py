"""The content checks. Each is a function `check_...(content) -> List[Problem]`; ALL_CHECKS runs them all."""
from __future__ import annotations

from bot.content.checks.examples import check_duplicate_examples, check_example_counts
from bot.content.checks.helplines import check_helpline_sources
from bot.content.checks.lexicon import check_lexicon_examples, check_lexicon_labels, check_modifier_examples
from bot.content.checks.readability import check_arabic_sentence_length, check_english_reading_level
from bot.content.checks.responses import (
    check_age_variations,
    check_condition_values,
    check_missing_responses,
    check_response_languages,
    check_slot_values,
    check_unused_responses,
)
from bot.content.checks.risk_flows import check_risk_flows_reach_handoff

ALL_CHECKS = (
    check_example_counts,
    check_duplicate_examples,
    check_response_languages,
    check_age_variations,
    check_condition_values,
    check_slot_values,
    check_unused_responses,
    check_missing_responses,
    check_lexicon_labels,
    check_lexicon_examples,
    check_modifier_examples,
    check_helpline_sources,
    check_risk_flows_reach_handoff,
    check_english_reading_level,
    check_arabic_sentence_length,
)
