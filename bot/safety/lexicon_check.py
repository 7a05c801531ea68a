"""Content checks for the safety lexicon: everything compiles, and every example does what it promises.

  lexicon entry examples   must be matched by that entry, and give at least the entry's level
  idiom examples            must be matched by that idiom and give level none (lexicon only)
  negation examples         must give a level below high (lexicon only), i.e. the negation worked

Run `python -m bot.safety.lexicon_check` (the content lint and tests call `check_lexicon`).
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import List

import yaml

from bot.safety.levels import HIGH, NONE, rank
from bot.safety.lexicon import Lexicon, read_lexicon_data, search_any
from bot.safety.modifiers import Modifiers
from bot.safety.notation import PatternError
from bot.safety.text import PreparedText


def lexicon_level(lexicon: Lexicon, modifiers: Modifiers, text: str) -> str:
    """The level the lexicon alone (with modifiers) gives a text."""
    prepared = PreparedText.from_text(text)
    hits = lexicon.find(prepared)
    modifiers.apply(prepared, hits)
    return max((hit.level for hit in hits), key=rank, default=NONE)


def check_lexicon(directory: Path) -> List[str]:
    """Every problem found, as readable lines (empty when the lexicon is fine)."""
    try:
        data = read_lexicon_data(directory)
        lexicon = Lexicon(data)
        modifiers = Modifiers(data.get("modifiers") or {}, lexicon.compiler)
    except (PatternError, FileNotFoundError, OSError, ValueError, yaml.YAMLError) as error:
        return [f"lexicon does not compile: {error}"]
    problems: List[str] = []
    for entry in lexicon.entries:
        if not entry.examples:
            problems.append(f"{entry.source}: {entry.pattern!r} has no examples")
        for example in entry.examples:
            prepared = PreparedText.from_text(example)
            view = prepared.view(entry.language)
            if not view or not entry.regex.search(view):
                problems.append(f"{entry.source}: {entry.pattern!r} does not match its example {example!r}")
                continue
            if entry.requires and not search_any(entry.requires, prepared):
                problems.append(f"{entry.source}: {entry.pattern!r}: example {example!r} lacks its `requires`")
                continue
            level = lexicon_level(lexicon, modifiers, example)
            if rank(level) < rank(entry.level):
                problems.append(f"{entry.source}: example {example!r} gives {level}, below {entry.level}")
    for cue in modifiers.idioms:
        for example in cue.examples:
            if not search_any(cue.compiled, PreparedText.from_text(example)):
                problems.append(f"modifiers.yml idiom {cue.pattern!r} does not match its example {example!r}")
                continue
            level = lexicon_level(lexicon, modifiers, example)
            if level != NONE:
                problems.append(f"modifiers.yml idiom {cue.pattern!r}: example {example!r} still gives {level}")
    for cue in modifiers.negations:
        for example in cue.examples:
            prepared = PreparedText.from_text(example)
            if not search_any(cue.compiled, prepared):
                problems.append(f"modifiers.yml negation {cue.pattern!r} does not match its example {example!r}")
                continue
            level = lexicon_level(lexicon, modifiers, example)
            if rank(level) >= rank(HIGH):
                problems.append(f"modifiers.yml negation {cue.pattern!r}: example {example!r} still gives {level}")
    for cue in modifiers.escalation_cues:
        for example in cue.examples:
            if not search_any(cue.compiled, PreparedText.from_text(example)):
                problems.append(f"modifiers.yml escalation cue {cue.pattern!r} does not match {example!r}")
    for cue in modifiers.emergency_cues:
        for example in cue.examples:
            if not search_any(cue.compiled, PreparedText.from_text(example)):
                problems.append(f"modifiers.yml emergency sign {cue.pattern!r} does not match {example!r}")
    return problems


def main() -> int:
    from bot.safety.assessment import default_lexicon_dir

    directory = Path(sys.argv[1]) if len(sys.argv) > 1 else default_lexicon_dir()
    problems = check_lexicon(directory)
    for problem in problems:
        print(problem)
    entries = len(read_lexicon_data(directory)["entries"]) if not problems or "compile" not in problems[0] else 0
    print(f"{entries} entries, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
