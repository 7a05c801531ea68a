"""Checks on intents' training examples: enough in each script, and no example under two intents."""
from __future__ import annotations

from collections import Counter
from typing import Dict, List

from bot.content.model import Content, Example
from bot.content.problems import Problem
from bot.nlu.arabic_normalizer import normalize_text
from bot.nlu.language_identifier import identify_language

# Minimum examples per intent and script. The assistant must understand a child whichever way they write;
# fewer examples than this and the model guesses. "mixed" examples (two scripts in one) count towards neither.
DEFAULT_MINIMUMS = {"ar": 15, "arabizi": 5, "en": 15}
# Risk intents cover many categories and dialects, so they need more examples than small talk does (the safety
# lexicon, not these examples alone, is what catches risk: see docs/risk-taxonomy.md).
RISK_MINIMUMS = {"ar": 20, "arabizi": 8, "en": 20}

SCRIPT_NAMES = {"ar": "Arabic script", "arabizi": "Arabizi", "en": "English"}
ARABIZI_EXPLAINED = 'Arabizi is Arabic written in Latin letters and digits, like "ana 5ayef" or "mar7aba"'


def minimums_for(intent: str) -> Dict[str, int]:
    return RISK_MINIMUMS if intent.startswith("risk_") else DEFAULT_MINIMUMS


def count_by_script(examples: List[Example]) -> Counter:
    """How many examples are in Arabic script, Arabizi, English (and mixed/unknown), by identify_language."""
    return Counter(identify_language(example.text).language for example in examples)


def check_example_counts(content: Content) -> List[Problem]:
    """Every intent has at least the minimum number of examples in Arabic script, Arabizi and English."""
    problems: List[Problem] = []
    by_intent = content.intents_with_examples()
    for intent in sorted(set(by_intent) | set(content.domain_intents)):
        counts = count_by_script(by_intent.get(intent, []))
        short = {script: minimum - counts.get(script, 0)
                 for script, minimum in minimums_for(intent).items() if counts.get(script, 0) < minimum}
        if not short:
            continue
        if intent in content.intent_lines:
            file, line = content.intent_lines[intent]
            where = f'under "- intent: {intent}" (this line)'
        else:
            file, line = content.domain_intent_lines.get(intent, ("domain.yml", 1))
            where = f'in a file in data/nlu/, in a block starting "- intent: {intent}" and "examples: |"'
        have = ", ".join(
            f"{SCRIPT_NAMES[script]} {counts.get(script, 0)} of {minimum}"
            for script, minimum in minimums_for(intent).items() if script in short
        )
        uncounted = counts.get("mixed", 0) + counts.get("unknown", 0)
        note = (f" ({uncounted} example(s) mix scripts or have no words, and count towards none.)"
                if uncounted else "")
        need = ", ".join(f"{missing} in {SCRIPT_NAMES[script]}" for script, missing in short.items())
        explain = f" {ARABIZI_EXPLAINED}." if "arabizi" in short else ""
        problems.append(Problem(
            file, line,
            f'The intent "{intent}" has too few examples: {have}.{note}',
            f"Add at least {need} {where}: different ways a child would really write it (short, long, slang, "
            f"spelling mistakes, several dialects).{explain}",
            check="examples",
        ))
    return problems


def check_duplicate_examples(content: Content) -> List[Problem]:
    """No example (after normalisation: hamza, ة/ه, diacritics, case, stretched letters) is under two intents."""
    problems: List[Problem] = []
    first_seen: Dict[str, Example] = {}
    for example in content.examples:
        key = normalize_text(example.text)
        if not key:
            continue
        earlier = first_seen.setdefault(key, example)
        if earlier is example or earlier.intent == example.intent:
            continue
        spelled = "" if earlier.text == example.text else f' (written there as "{earlier.text}")'
        problems.append(Problem(
            example.file, example.line,
            f'The example "{example.text}" of intent "{example.intent}" is also an example of intent '
            f'"{earlier.intent}" ({earlier.file}, line {earlier.line}){spelled}. The same words cannot teach '
            "the assistant two different meanings.",
            "Keep it only under the intent it really means and delete the other one, or reword one of them so "
            "they clearly differ. Spellings that differ only in hamza, ة/ه, ى/ي, diacritics or capitals count "
            "as the same.",
            check="examples",
        ))
    return problems
