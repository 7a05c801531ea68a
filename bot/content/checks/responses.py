"""Checks on responses: both languages, every age group when any is used, known condition values, and that
every response is used and every used response exists."""
from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Iterable, List, Set, Tuple

from bot.content.model import AGE_GROUP_VALUES, AGE_GROUPS, LANGUAGES, Content, Flow
from bot.content.problems import Problem

LANGUAGE_NAMES = {"ar": "Arabic", "en": "English"}
AGE_NAMES = {"under_10": "under 10", "10_13": "10 to 13", "14_17": "14 to 17", "18_plus": "18 and over"}
KNOWN_VALUES = {"language": LANGUAGES, "age_group": AGE_GROUP_VALUES}
# Responses Rasa itself runs (fallbacks), so no rule or story has to name them.
USED_BY_RASA = {"utter_default", "utter_ask_rephrase"}
# Names that look like responses in code but are Rasa's own keys (BotUttered metadata["utter_action"]).
NOT_RESPONSE_NAMES = {"utter_action"}

_NAME_IN_CODE = re.compile(r"\butter_[a-z0-9_]*[a-z0-9]\b")
_QUOTED_NAME = re.compile(r"""["'](utter_[a-z0-9_]*[a-z0-9])["']""")
# f"utter_risk_{level}": every response starting with the text before the brace is used.
_NAME_PREFIX = re.compile(r"""f["'](utter_[a-z0-9_]*)\{""")


def check_response_languages(content: Content) -> List[Problem]:
    """Every response can be said in Arabic and in English, also to a child whose age is unknown."""
    problems: List[Problem] = []
    for response in content.responses.values():
        for language in LANGUAGES:
            in_language = [v for v in response.variations if v.language == language]
            name = LANGUAGE_NAMES[language]
            if not in_language:
                problems.append(Problem(
                    response.file, response.line,
                    f'The response "{response.name}" has no {name} variation.',
                    f'Add a variation under "{response.name}" with the condition "- type: slot / name: language / '
                    f'value: {language}" and the {name} text (see docs/content-guide.md, "Add a response").',
                    check="responses",
                ))
            elif not any(v.age_group in (None, "unknown") for v in in_language):
                problems.append(Problem(
                    response.file, response.line,
                    f'The response "{response.name}" has {name} variations only for some age groups, none for a '
                    "child whose age is unknown, so such a child would get no answer.",
                    f"Add an {name} variation whose only condition is language: {language} (it is used whenever no "
                    "age-group variation fits).",
                    check="responses",
                ))
    return problems


def check_age_variations(content: Content) -> List[Problem]:
    """A response with any age-group variation has one for every age group, in both languages."""
    problems: List[Problem] = []
    for response in content.responses.values():
        if not any(v.age_group for v in response.variations):
            continue
        present = {(v.language, v.age_group) for v in response.variations}
        missing = {
            language: [group for group in AGE_GROUPS if (language, group) not in present] for language in LANGUAGES
        }
        if not any(missing.values()):
            continue
        listed = "; ".join(
            f"{LANGUAGE_NAMES[language]} for {', '.join(groups)}" for language, groups in missing.items() if groups
        )
        problems.append(Problem(
            response.file, response.line,
            f'The response "{response.name}" has wording for some age groups but not for all of them. '
            f"Missing: {listed}.",
            "Add a variation for each missing one, with two conditions: language (ar or en) and age_group "
            '(under_10, "10_13", "14_17", 18_plus; put the two in the middle in quotes). Or remove all '
            "age-group variations of this response if one wording suits every age.",
            check="responses",
        ))
    return problems


def _how_to_write(value: object, allowed: Iterable[str]) -> str:
    """What to write instead of a wrong value; explains YAML's number trap (10_13 is read as 1013)."""
    for name in allowed:
        if not isinstance(value, str) and str(value) == name.replace("_", ""):
            return (f'Write it in double quotes: "{name}". Without quotes, YAML reads {name} as the number '
                    f"{value}, which never equals the age group.")
    return f"Use one of: {', '.join(allowed)}."


def check_condition_values(content: Content) -> List[Problem]:
    """Conditions name real values: a typo such as "10-13" would make a variation silently never used."""
    problems: List[Problem] = []
    for response in content.responses.values():
        for variation in response.variations:
            for slot, allowed in KNOWN_VALUES.items():
                value = variation.conditions.get(slot)
                if value is None or value in allowed:
                    continue
                problems.append(Problem(
                    variation.file, variation.line,
                    f'A variation of "{response.name}" has the condition {slot}: {value!r}, which is not a value '
                    f"the assistant ever uses, so this variation would never be shown.",
                    _how_to_write(value, allowed),
                    check="responses",
                ))
    return problems


def check_slot_values(content: Content) -> List[Problem]:
    """The language and age_group slots in domain.yml list exactly the values the assistant sets."""
    problems: List[Problem] = []
    for slot, allowed in KNOWN_VALUES.items():
        definition = content.domain_slots.get(slot)
        if not isinstance(definition, dict) or "values" not in definition:
            continue
        file, line = content.domain_slot_value_lines.get(slot, ("domain.yml", 1))
        for value in definition.get("values") or []:
            if value in allowed:
                continue
            problems.append(Problem(
                file, line,
                f"The slot {slot} lists the value {value!r}, which the assistant never sets.",
                _how_to_write(value, allowed), check="responses",
            ))
    return problems


def _code_files(root: Path) -> Iterable[Path]:
    for folder in ("actions", "bot"):
        directory = root / folder
        if directory.is_dir():
            for path in sorted(directory.rglob("*.py")):
                if "content" not in path.relative_to(root).parts[1:2]:
                    yield path


def code_references(root: Path) -> Tuple[Set[str], Set[str], List[Tuple[str, int, str]]]:
    """Response names mentioned in Python code: (every name, f-string prefixes, quoted names with file/line)."""
    mentioned: Set[str] = set()
    prefixes: Set[str] = set()
    quoted: List[Tuple[str, int, str]] = []
    for path in _code_files(root):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        mentioned.update(_NAME_IN_CODE.findall(text))
        prefixes.update(_NAME_PREFIX.findall(text))
        for number, line in enumerate(text.splitlines(), start=1):
            for name in _QUOTED_NAME.findall(line):
                if name not in NOT_RESPONSE_NAMES:
                    quoted.append((str(path.relative_to(root)), number, name))
    return mentioned, prefixes, quoted


def _flow_label(flow: Flow) -> str:
    return f'The {"test story" if flow.is_test else flow.kind} "{flow.name}"'


def _suggestion(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.8)
    return f' (did you mean "{close[0]}"?)' if close else ""


def check_unused_responses(content: Content) -> List[Problem]:
    """Every response is used by a rule or story, or named in the action code; otherwise no child sees it."""
    mentioned, prefixes, _ = code_references(content.root)
    in_flows = {action for flow in content.training_flows() for action in flow.actions}
    problems: List[Problem] = []
    for response in content.responses.values():
        name = response.name
        if name in in_flows or name in mentioned or name in USED_BY_RASA or name.startswith("utter_ask_"):
            continue
        if any(name.startswith(prefix) for prefix in prefixes):
            continue
        problems.append(Problem(
            response.file, response.line,
            f'The response "{name}" is never used: no rule or story in data/ runs it and no action code names it.',
            f'Add "- action: {name}" to the rule or story where the assistant should say it, or delete the '
            "response if it is no longer needed.",
            check="responses",
        ))
    return problems


def check_missing_responses(content: Content) -> List[Problem]:
    """Every response that a rule, story or action uses exists in the domain."""
    problems: List[Problem] = []
    known = set(content.responses)
    for flow in content.flows:
        for step in flow.steps:
            if step.kind == "action" and step.value.startswith("utter_") and step.value not in known:
                problems.append(Problem(
                    flow.file, step.line,
                    f'{_flow_label(flow)} runs the response "{step.value}", which does not exist in domain.yml.',
                    f"Check the spelling{_suggestion(step.value, known)}, or add a response with this name under "
                    "responses: in domain.yml (Arabic and English variations).",
                    check="responses",
                ))
    _, _, quoted = code_references(content.root)
    for file, line, name in quoted:
        if name not in known:
            problems.append(Problem(
                file, line,
                f'This Python code uses the response "{name}", which does not exist in domain.yml.',
                f"Check the spelling{_suggestion(name, known)}, or add the response to domain.yml; if you do "
                "not edit code, ask a developer.",
                check="responses",
            ))
    return problems
