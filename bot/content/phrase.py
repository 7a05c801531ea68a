"""Try a phrase against the safety lexicon: `python -m bot.content.phrase "some message" ["another" ...]`.

For editors writing lexicon entries: says which risk level the lexicon (with idioms and negations) gives the
phrase and which entries caught it, with file and line, before the phrase becomes an example. The trained
classifier is not used here, so the assistant may still rate a phrase higher than this says.
"""
from __future__ import annotations

import bot.content.quiet  # noqa: F401  (first: silences TensorFlow's start-up lines)

import argparse
import sys
from pathlib import Path
from typing import List, Optional, Sequence

from bot.content.lexicon_probe import LexiconProbe
from bot.content.model import Content
from bot.settings import PROJECT_ROOT


def describe(probe: LexiconProbe, content: Content, phrase: str) -> List[str]:
    """Lines saying the phrase's level and every entry that matched it."""
    detection = probe.detect(phrase)
    lines = [f'"{phrase}"  ->  level {detection.level}']
    by_pattern = {(entry.file.rsplit("/", 1)[-1], entry.pattern): entry for entry in content.lexicon}
    for hit in detection.hits:
        entry = by_pattern.get((hit.entry.source, hit.entry.pattern))
        where = f"{entry.file} line {entry.line}" if entry else hit.entry.source
        changed = f", changed by a {hit.modifier} rule to {hit.level}" if hit.modifier else ""
        lines.append(f"    caught by {where}: {hit.entry.category}, {hit.entry.level}{changed} "
                     f'(matched "{hit.matched}")')
    if not detection.hits:
        lines.append("    no lexicon entry matches it. What to do: if it shows risk, add an entry (or an example "
                     "to an entry) in data/safety/lexicon/, see docs/content-guide.md.")
    return lines


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.content.phrase",
                                     description="Show the risk level the safety lexicon gives phrases.")
    parser.add_argument("phrases", nargs="+", help="one or more phrases, each in quotes")
    parser.add_argument("--root", type=Path, default=PROJECT_ROOT, help="project folder (default: this project)")
    args = parser.parse_args(argv)
    content = Content.load(args.root.resolve())
    probe = LexiconProbe(content)
    for index, error in probe.compile_errors.items():
        entry = content.lexicon[index]
        print(f"{entry.file} line {entry.line}: this entry is left out because its pattern cannot be understood "
              f"({error}). What to do: run `make validate` and fix it.")
    for phrase in args.phrases:
        print("\n".join(describe(probe, content, phrase)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
