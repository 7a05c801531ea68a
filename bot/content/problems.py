"""A content problem (file, line, what is wrong, what to do) and how problems are printed for editors."""
from __future__ import annotations

import textwrap
from collections import defaultdict
from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the content, said so that a non-programmer can fix it.

    `file` is relative to the project root, `line` is 1-based (None when the problem is about a whole file),
    `message` says what is wrong and `hint` says what to do about it.
    """

    file: str
    line: Optional[int]
    message: str
    hint: str
    severity: str = ERROR
    check: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


def _sort_key(problem: Problem):
    return (problem.line or 0, problem.message)


def group_by_file(problems: Iterable[Problem]) -> Dict[str, List[Problem]]:
    """Problems per file, files in alphabetical order, each file's problems in line order."""
    grouped: Dict[str, List[Problem]] = defaultdict(list)
    for problem in problems:
        grouped[problem.file].append(problem)
    return {name: sorted(grouped[name], key=_sort_key) for name in sorted(grouped)}


def _wrap(text: str, indent: str) -> str:
    # Long problems wrap under their own indentation, so each one stays readable in a narrow terminal.
    return textwrap.fill(text, width=110, subsequent_indent=indent, break_long_words=False,
                         break_on_hyphens=False)


def format_report(problems: List[Problem]) -> str:
    """The text `make validate` prints: problems grouped by file, then a one-line summary."""
    if not problems:
        return "Content check: no problems found. Everything is ready for review.\n"
    lines: List[str] = []
    for file_name, file_problems in group_by_file(problems).items():
        lines.append(f"{file_name}")
        for problem in file_problems:
            where = f"line {problem.line}" if problem.line else "(whole file)"
            label = "ERROR" if problem.is_error else "warning"
            head = f"  {where}  "
            indent = " " * len(head)
            lines.append(_wrap(f"{head}{label}: {problem.message}", indent))
            lines.append(_wrap(f"{indent}What to do: {problem.hint}", indent))
        lines.append("")
    errors = sum(1 for p in problems if p.is_error)
    warnings = len(problems) - errors
    files = len({p.file for p in problems})
    summary = f"Content check: {errors} error(s) and {warnings} warning(s) in {files} file(s)."
    if errors:
        summary += " Fix the errors above (each says what to do), then run `make validate` again."
    lines.append(summary)
    return "\n".join(lines) + "\n"
