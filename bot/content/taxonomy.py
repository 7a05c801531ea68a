"""The risk levels and categories as written in docs/risk-taxonomy.md (the clinicians' page is the authority)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import List

TAXONOMY_FILE = "docs/risk-taxonomy.md"
_FIRST_CELL = re.compile(r"^\|\s*`([a-z_]+)`\s*\|")


@dataclass(frozen=True)
class Taxonomy:
    levels: List[str]
    categories: List[str]
    file: str


def _section_names(text: str, heading: str) -> List[str]:
    """The backticked first-column names of the table under a '## heading' (up to the next '## ')."""
    names: List[str] = []
    inside = False
    for line in text.splitlines():
        if line.startswith("## "):
            inside = line[3:].strip().lower().startswith(heading)
            continue
        match = _FIRST_CELL.match(line.strip()) if inside else None
        if match:
            names.append(match.group(1))
    return names


def read_taxonomy(root: Path) -> Taxonomy:
    """Levels and categories from `root`/docs/risk-taxonomy.md, or from the project's own copy if absent."""
    from bot.settings import PROJECT_ROOT

    path = Path(root) / TAXONOMY_FILE
    if not path.exists():
        path = PROJECT_ROOT / TAXONOMY_FILE
    text = path.read_text(encoding="utf-8")
    return Taxonomy(_section_names(text, "levels"), _section_names(text, "categories"), TAXONOMY_FILE)
