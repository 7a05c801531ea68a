"""Content lint: `python -m bot.content.lint [--root DIR]` (run by `make validate` after Rasa's own check).

Reads intents, responses, rules, stories, the safety lexicon and the helpline directory, runs every check in
bot.content.checks, and prints each problem with its file, line, what is wrong and what to do, grouped by
file. Exits 1 when there is at least one error (warnings alone exit 0), so CI stops a broken change.
"""
from __future__ import annotations

import bot.content.quiet  # noqa: F401  (first: silences TensorFlow's start-up lines)

import argparse
import inspect
import sys
from pathlib import Path
from typing import Callable, Iterable, List, Optional, Sequence

from bot.content.checks import ALL_CHECKS
from bot.content.model import Content
from bot.content.problems import Problem, format_report
from bot.settings import PROJECT_ROOT

Check = Callable[[Content], List[Problem]]


def _crashed(check: Check, error: Exception) -> Problem:
    source = inspect.getsourcefile(check) or "bot/content/checks"
    try:
        source = str(Path(source).resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        pass
    line = inspect.getsourcelines(check)[1]
    return Problem(
        source, line,
        f'The check "{check.__name__}" could not run ({type(error).__name__}: {error}).',
        "This is a problem in the checking tool or a file it needs, not necessarily in your change. "
        "Ask a developer, and include this message.",
        check="lint",
    )


def run_checks(root: Path, checks: Iterable[Check] = ALL_CHECKS) -> List[Problem]:
    """Every problem in the content under `root` (files that do not parse are problems too)."""
    return check_content(Content.load(root), checks)


def check_content(content: Content, checks: Iterable[Check] = ALL_CHECKS) -> List[Problem]:
    """Every problem in already-loaded content."""
    problems = list(content.load_problems)
    for check in checks:
        try:
            problems.extend(check(content))
        except Exception as error:  # noqa: BLE001 - one broken check must not hide the others' findings
            problems.append(_crashed(check, error))
    return problems


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.content.lint",
        description="Check the assistant's content and explain each problem in plain words.",
    )
    parser.add_argument("--root", type=Path, default=PROJECT_ROOT,
                        help="project folder to check (default: this project)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    if not root.is_dir():
        print(f"{root}: this folder does not exist. What to do: give --root the project folder.")
        return 2
    problems = run_checks(root)
    sys.stdout.write(format_report(problems))
    return 1 if any(problem.is_error for problem in problems) else 0


if __name__ == "__main__":
    sys.exit(main())
