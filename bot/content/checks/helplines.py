"""Check that every helpline number says where it was read (a web page someone can open and re-check)."""
from __future__ import annotations

import re
from typing import List

from bot.content.model import Content
from bot.content.problems import Problem

_URL = re.compile(r"^https?://\S+$")


def check_helpline_sources(content: Content) -> List[Problem]:
    """Every number in data/helplines.yml has a `source:` that is a web address (http:// or https://)."""
    problems: List[Problem] = []
    for helpline in content.helplines:
        label = f'The number {helpline.number or "(no number)"} ("{helpline.name_en}", {helpline.country})'
        if not helpline.source:
            message = f"{label} has no source: nobody can check where it came from."
        elif not _URL.match(helpline.source):
            message = f'{label} has a source that is not a web address: "{helpline.source}".'
        else:
            continue
        problems.append(Problem(
            helpline.file, helpline.line, message,
            'Add "source: https://..." with the address of the page (ideally the service\'s official site) '
            "where you read this number, and set verified_on to today's date. Never add a number you have not "
            "seen on a page you can cite: a wrong number given to a child in danger is worse than none.",
            check="helplines",
        ))
    return problems
