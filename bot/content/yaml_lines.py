"""Reading YAML content files with line numbers, so every problem can say where it is.

ruamel.yaml's round-trip loader (it comes with Rasa) remembers where each key and list item was; these helpers
turn that into 1-based line numbers, and turn a YAML syntax error into a Problem an editor can act on.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Optional, Tuple

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from bot.content.problems import Problem


def _loader() -> YAML:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    return yaml


def load_yaml(path: Path, relative_name: str) -> Tuple[Any, Optional[Problem]]:
    """Parse one YAML file; returns (data, None) or (None, a Problem naming the line of the syntax error)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return None, Problem(
            relative_name, None, f"The file cannot be read ({error}).",
            "Check that the file exists and is saved as UTF-8 text.", check="yaml",
        )
    try:
        return _loader().load(text), None
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        what = (error.problem or "not valid YAML").strip()
        return None, Problem(
            relative_name, line, f"This file is not valid YAML: {what}.",
            "Look at this line and the one above it: usually an indentation that does not line up, a missing "
            "'-' or ':', or text containing ':' or '#' that needs \"double quotes\" around it.",
            check="yaml",
        )
    except YAMLError as error:
        return None, Problem(
            relative_name, None, f"This file is not valid YAML ({error}).",
            "Undo your last change to this file, or ask a developer to look at it.", check="yaml",
        )


def key_line(mapping: Any, key: Any, default: Optional[int] = None) -> Optional[int]:
    """1-based line of `key` in a round-trip mapping (or `default` when unknown)."""
    try:
        return mapping.lc.key(key)[0] + 1
    except (AttributeError, KeyError, TypeError):
        return default


def value_line(mapping: Any, key: Any, default: Optional[int] = None) -> Optional[int]:
    """1-based line where the value of `key` starts (for a block scalar `|`: the line of the `|`)."""
    try:
        return mapping.lc.value(key)[0] + 1
    except (AttributeError, KeyError, TypeError):
        return default


def item_line(sequence: Any, index: int, default: Optional[int] = None) -> Optional[int]:
    """1-based line of item `index` of a round-trip list (or `default` when unknown)."""
    try:
        return sequence.lc.item(index)[0] + 1
    except (AttributeError, KeyError, IndexError, TypeError):
        return default


def node_line(node: Any, default: Optional[int] = None) -> Optional[int]:
    """1-based line where a mapping or list starts."""
    try:
        return node.lc.line + 1
    except AttributeError:
        return default
