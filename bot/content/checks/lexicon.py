"""Checks on the safety lexicon: labels from docs/risk-taxonomy.md, and each entry catches its own examples."""
from __future__ import annotations

from typing import Dict, List, Optional

from bot.content.lexicon_probe import modifier_line, probe_for
from bot.content.model import Content, LexiconEntry
from bot.content.problems import ERROR, WARNING, Problem
from bot.content.taxonomy import read_taxonomy

LEXICON_LANGUAGES = ("ar", "arabizi", "en", "emoji")
# "none" says there is no risk, so an entry at that level would do nothing; "unknown" is only ever set by the
# fail-safe when the assessment itself failed.
NOT_FOR_ENTRIES = {"level": ("none",), "category": ("unknown",)}


def _allowed_labels(content: Content) -> Dict[str, List[str]]:
    taxonomy = read_taxonomy(content.root)
    return {
        "category": [c for c in taxonomy.categories if c not in NOT_FOR_ENTRIES["category"]],
        "level": [level for level in taxonomy.levels if level not in NOT_FOR_ENTRIES["level"]],
        "language": list(LEXICON_LANGUAGES),
    }


def _labels(entry: LexiconEntry) -> Dict[str, Optional[str]]:
    return {"category": entry.category, "level": entry.level, "language": entry.language}


def check_lexicon_labels(content: Content) -> List[Problem]:
    """Every entry has a category and a level from the taxonomy's lists, a known language and examples."""
    taxonomy = read_taxonomy(content.root)
    allowed = _allowed_labels(content)
    problems: List[Problem] = []
    for entry in content.lexicon:
        for field_name, value in _labels(entry).items():
            if value in allowed[field_name]:
                continue
            what = f'has no {field_name}' if not value else f'has the {field_name} "{value}", which is not allowed'
            source = f" (the list in {taxonomy.file})" if field_name != "language" else ""
            problems.append(Problem(
                entry.file, entry.line,
                f'The lexicon entry "{entry.pattern}" {what}.',
                f"Set {field_name}: to one of {', '.join(allowed[field_name])}{source}. Spelling must be exact.",
                check="lexicon",
            ))
        if not entry.examples:
            problems.append(Problem(
                entry.file, entry.line,
                f'The lexicon entry "{entry.pattern}" has no examples, so nothing shows that it works.',
                "Add an examples: list with at least one short, realistic message this entry must catch.",
                severity=WARNING, check="lexicon",
            ))
    return problems


def check_lexicon_examples(content: Content) -> List[Problem]:
    """The real matcher detects every entry's examples at (at least) the entry's level."""
    from bot.safety.levels import rank

    if not content.lexicon:
        return []
    probe = probe_for(content)
    allowed = _allowed_labels(content)
    problems: List[Problem] = []
    if probe.modifier_error:
        file, line = modifier_line(content, probe.modifier_error)
        problems.append(Problem(
            file, line, f"A pattern in modifiers.yml cannot be understood: {probe.modifier_error}.",
            "Fix the pattern's notation (see data/safety/README.md); until then no idiom or negation rule is used.",
            check="lexicon",
        ))
    for index, entry in enumerate(content.lexicon):
        if any(value not in allowed[name] for name, value in _labels(entry).items()):
            continue  # check_lexicon_labels already says what to fix
        if index in probe.compile_errors:
            problems.append(Problem(
                entry.file, entry.line,
                f'The lexicon pattern "{entry.pattern}" cannot be understood: {probe.compile_errors[index]}.',
                "Fix the pattern's notation (see data/safety/README.md: words, *, {a|b}, [optional], ..., "
                "@concept), and check that its script matches language:.",
                check="lexicon",
            ))
            continue
        for example, line in zip(entry.examples, entry.example_lines):
            detection = probe.detect(example)
            own_hit = detection.hit_of(entry)
            if rank(detection.level) >= rank(entry.level):
                if own_hit is None:
                    problems.append(Problem(
                        entry.file, line,
                        f'The example "{example}" of lexicon entry "{entry.pattern}" is caught, but by another '
                        "entry: this entry's own pattern does not match it.",
                        "Change this entry's pattern so it covers its example, or move the example to the entry "
                        "that catches it.",
                        severity=WARNING, check="lexicon",
                    ))
                continue
            if own_hit is None:
                why = "its pattern does not match it"
                hint = ("Change the pattern so it covers this example (check the spelling and the language: "
                        f'"{entry.language}"), or correct the example.')
            else:
                why = f"its pattern matches, but the {own_hit.modifier} rule in modifiers.yml lowers it"
                hint = ("Write the example without the joke or negation, or narrow the idiom/negation in "
                        "data/safety/modifiers.yml if it is too broad (ask a clinician first).")
            problems.append(Problem(
                entry.file, line,
                f'The example "{example}" of lexicon entry "{entry.pattern}" is detected at level '
                f'"{detection.level}", below the entry\'s level "{entry.level}": {why}.',
                hint, check="lexicon",
            ))
    return problems


def check_modifier_examples(content: Content) -> List[Problem]:
    """Idiom examples end at level none, negation examples below high, escalation cues and emergency signs match
    their examples."""
    from bot.safety.lexicon import search_any
    from bot.safety.levels import HIGH, NONE, rank
    from bot.safety.text import PreparedText

    if not content.modifier_examples:
        return []
    probe = probe_for(content)
    if probe.modifier_error:
        return []  # check_lexicon_examples reports it
    cues = {
        "idioms": {cue.pattern: cue for cue in probe.modifiers.idioms},
        "negations": {cue.pattern: cue for cue in probe.modifiers.negations},
        "escalation": {cue.pattern: cue for cue in probe.modifiers.escalation_cues},
        "emergency": {cue.pattern: cue for cue in probe.modifiers.emergency_cues},
    }
    problems: List[Problem] = []
    for item in content.modifier_examples:
        cue = cues[item.kind].get(item.pattern)
        if cue is None:
            continue
        severity = ERROR
        prepared = PreparedText.from_text(item.example)
        matches = bool(search_any(cue.compiled, prepared))
        level = probe.detect(item.example).level
        if not matches:
            what = {"idioms": "idiom", "negations": "negation", "escalation": "escalation cue",
                    "emergency": "emergency sign"}[item.kind]
            message = f'The {what} "{item.pattern}" ' \
                      f'does not match its own example "{item.example}".'
            hint = "Change the pattern so it covers the example, or correct the example."
            severity = WARNING if item.kind == "idioms" else ERROR  # an idiom that misses only lowers nothing
        elif item.kind == "idioms" and level != NONE:
            message = (f'The idiom example "{item.example}" still gets risk level "{level}": the idiom must cover '
                       "every word that the lexicon matched.")
            hint = ("Widen the idiom's pattern to include the matched words, or choose an example that really is "
                    "a joke or figure of speech (ask a clinician when unsure).")
        elif item.kind == "negations" and rank(level) >= rank(HIGH):
            message = (f'The negation example "{item.example}" still gets risk level "{level}": the negation does '
                       "not lower it.")
            hint = ("The negated words must come right after the cue (at most one word between). Reword the "
                    "example, or widen the cue.")
        else:
            continue
        problems.append(Problem(item.file, item.line, message, hint, severity=severity, check="lexicon"))
    return problems
