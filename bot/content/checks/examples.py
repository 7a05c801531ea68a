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
# Risk intents cover many categories and dialects, so they need more examples than small talk does.
RISK_MINIMUMS = {"ar": 30, "arabizi": 10, "en": 30}

SCRIPT_NAMES = {
    "ar": "Arabic-script",
    "arabizi": "Arabizi (Arabic in Latin letters, like \"mar7aba\" or \"ana 5ayef\")",
    "en": "English",
}


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
        if intent in content.intent_lines:
            file, line = content.intent_lines[intent]
        else:
            file, line = content.domain_intent_lines.get(intent, ("domain.yml", 1))
        for script, minimum in minimums_for(intent).items():
            have = counts.get(script, 0)
            if have >= minimum:
                continue
            where = (f'under "- intent: {intent}" in {file}' if intent in content.intent_lines
                     else f'in a file in data/nlu/ (start a block "- intent: {intent}" with "examples: |")')
            problems.append(Problem(
                file, line,
                f'The intent "{intent}" has {have} {SCRIPT_NAMES[script]} example(s); it needs at least {minimum}.',
                f"Add {minimum - have} more {SCRIPT_NAMES[script].split(' (')[0]} example(s) {where}: different "
                "ways a child would really write it (short, long, slang, spelling mistakes, several dialects).",
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
