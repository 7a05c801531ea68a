"""The project's content, read from YAML with line numbers: intents, responses, rules/stories, lexicon, helplines.

`Content.load(root)` reads everything once; the lint checks and the review page both work from it, so they
agree on what the content is. Files that cannot be parsed become Problems (in `load_problems`) instead of
crashing, so one broken file does not hide the problems of all the others.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Tuple

from bot.content.problems import Problem
from bot.content.yaml_lines import item_line, key_line, load_yaml, node_line, value_line

LANGUAGES = ("ar", "en")
AGE_GROUPS = ("under_10", "10_13", "14_17", "18_plus")
AGE_GROUP_VALUES = AGE_GROUPS + ("unknown",)

# Rasa's training-data annotation "[text](entity)" or "[text]{...}": only the text is what a child typed.
_ENTITY_ANNOTATION = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")


@dataclass
class Example:
    """One training example of an intent."""

    intent: str
    text: str
    file: str
    line: int


@dataclass
class Variation:
    """One variation of a response (its text, and the slot values it is meant for)."""

    response: str
    text: str
    conditions: Dict[str, Any]
    file: str
    line: int
    buttons: List[Dict[str, Any]] = field(default_factory=list)

    @property
    def language(self) -> Optional[str]:
        return self.conditions.get("language")

    @property
    def age_group(self) -> Optional[str]:
        return self.conditions.get("age_group")


@dataclass
class Response:
    name: str
    file: str
    line: int
    variations: List[Variation]


@dataclass
class Step:
    """One step of a rule or story: kind is intent, action, slot, checkpoint, active_loop or or."""

    kind: str
    value: Any
    line: int
    user_text: Optional[str] = None


@dataclass
class Flow:
    """A rule or a story (training or test)."""

    kind: str  # "rule" or "story"
    name: str
    file: str
    line: int
    steps: List[Step]
    condition: List[Step] = field(default_factory=list)
    is_test: bool = False

    @property
    def actions(self) -> List[str]:
        return [step.value for step in self.steps if step.kind == "action"]

    def intents(self) -> List[str]:
        """Every intent a step of this flow stands for (the alternatives of an `or` included)."""
        names: List[str] = []
        for step in self.steps:
            if step.kind == "intent":
                names.append(step.value)
            elif step.kind == "or":
                names.extend(value for kind, value in step.value if kind == "intent")
        return names


@dataclass
class LexiconEntry:
    pattern: str
    category: Optional[str]
    level: Optional[str]
    language: Optional[str]
    examples: List[str]
    file: str
    line: int
    raw: Dict[str, Any]
    example_lines: List[int] = field(default_factory=list)


@dataclass
class ModifierExample:
    """An example phrase of an idiom, negation or escalation cue in data/safety/modifiers.yml."""

    kind: str  # idioms, negations, escalation or emergency
    pattern: str
    example: str
    file: str
    line: int


@dataclass
class Helpline:
    country: str
    kind: str  # child_helplines or emergency
    name_en: str
    name_ar: str
    number: str
    source: Optional[str]
    source_kind: str
    verified_on: str
    note: str
    file: str
    line: int


@dataclass
class Content:
    """Everything an editor writes, with where each piece was written."""

    root: Path
    domain_intents: List[str] = field(default_factory=list)
    domain_actions: List[str] = field(default_factory=list)
    domain_slots: Dict[str, Any] = field(default_factory=dict)
    domain_files: List[str] = field(default_factory=list)
    examples: List[Example] = field(default_factory=list)
    responses: Dict[str, Response] = field(default_factory=dict)
    flows: List[Flow] = field(default_factory=list)
    lexicon: List[LexiconEntry] = field(default_factory=list)
    lexicon_concepts: Dict[str, List[str]] = field(default_factory=dict)
    modifiers: Dict[str, Any] = field(default_factory=dict)
    modifier_examples: List[ModifierExample] = field(default_factory=list)
    helplines: List[Helpline] = field(default_factory=list)
    helplines_file: Optional[str] = None
    # Where each intent is declared: in domain.yml, and its first "- intent:" block in data/nlu.
    domain_intent_lines: Dict[str, Tuple[str, int]] = field(default_factory=dict)
    # Where each slot's "values:" list is (for categorical slots).
    domain_slot_value_lines: Dict[str, Tuple[str, int]] = field(default_factory=dict)
    intent_lines: Dict[str, Tuple[str, int]] = field(default_factory=dict)
    load_problems: List[Problem] = field(default_factory=list)

    @classmethod
    def load(cls, root: Path) -> "Content":
        """Read all content files under `root` (a project root, or a test fixture laid out like one)."""
        content = cls(root=Path(root))
        content._load_domain()
        content._load_nlu()
        content._load_flows()
        content._load_lexicon()
        content._load_helplines()
        return content

    # ------------------------------------------------------------------------------------------ helpers
    def relative(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)

    def _yaml_files(self, *folders: str) -> List[Path]:
        files: List[Path] = []
        for folder in folders:
            directory = self.root / folder
            if directory.is_dir():
                files.extend(sorted(p for p in directory.rglob("*") if p.suffix in (".yml", ".yaml")))
        return files

    def _read(self, path: Path) -> Tuple[Any, str]:
        name = self.relative(path)
        data, problem = load_yaml(path, name)
        if problem:
            self.load_problems.append(problem)
        return data, name

    def intents_with_examples(self) -> Dict[str, List[Example]]:
        by_intent: Dict[str, List[Example]] = {}
        for example in self.examples:
            by_intent.setdefault(example.intent, []).append(example)
        return by_intent

    def training_flows(self) -> List[Flow]:
        return [flow for flow in self.flows if not flow.is_test]

    # ------------------------------------------------------------------------------------------ domain
    def _load_domain(self) -> None:
        paths = [self.root / "domain.yml"] if (self.root / "domain.yml").exists() else []
        paths += self._yaml_files("domain")
        for path in paths:
            data, name = self._read(path)
            if not isinstance(data, dict):
                continue
            self.domain_files.append(name)
            intents = data.get("intents") or []
            for index, intent in enumerate(intents):
                intent_name = str(next(iter(intent))) if isinstance(intent, dict) else str(intent)
                self.domain_intents.append(intent_name)
                self.domain_intent_lines.setdefault(intent_name, (name, item_line(intents, index, 1)))
            self.domain_actions.extend(str(action) for action in data.get("actions") or [])
            slots = data.get("slots") or {}
            self.domain_slots.update(slots)
            for slot_name, slot in slots.items():
                if isinstance(slot, dict) and "values" in slot:
                    self.domain_slot_value_lines[str(slot_name)] = (name, value_line(slot, "values", 1))
            responses = data.get("responses") or {}
            for response_name, variations in responses.items():
                self.responses[str(response_name)] = self._response(
                    str(response_name), variations, name, key_line(responses, response_name, 1)
                )

    @staticmethod
    def _response(response_name: str, raw_variations: Any, file: str, line: int) -> Response:
        variations: List[Variation] = []
        for index, raw in enumerate(raw_variations or []):
            if not isinstance(raw, dict):
                continue
            conditions: Dict[str, Any] = {}
            for condition in raw.get("condition") or []:
                if isinstance(condition, dict) and condition.get("type", "slot") == "slot":
                    conditions[str(condition.get("name"))] = condition.get("value")
            variations.append(Variation(
                response=response_name,
                text=str(raw.get("text") or ""),
                conditions=conditions,
                file=file,
                line=key_line(raw, "text", item_line(raw_variations, index, line)),
                buttons=[dict(b) for b in raw.get("buttons") or [] if isinstance(b, dict)],
            ))
        return Response(response_name, file, line, variations)

    # ------------------------------------------------------------------------------------------ NLU
    def _load_nlu(self) -> None:
        for path in self._yaml_files("data/nlu"):
            data, name = self._read(path)
            if not isinstance(data, dict) or not isinstance(data.get("nlu"), list):
                continue
            for index, item in enumerate(data["nlu"]):
                if isinstance(item, dict) and "intent" in item:
                    self.intent_lines.setdefault(str(item["intent"]), (name, item_line(data["nlu"], index, 1)))
                    self.examples.extend(self._examples(item, name))

    @staticmethod
    def _examples(item: Any, file: str) -> Iterable[Example]:
        intent = str(item["intent"])
        raw = item.get("examples")
        if isinstance(raw, str):
            first = value_line(item, "examples", node_line(item, 1))
            for offset, text_line in enumerate(raw.split("\n")):
                stripped = text_line.strip()
                if stripped.startswith("- "):
                    text = _ENTITY_ANNOTATION.sub(r"\1", stripped[2:].strip())
                    yield Example(intent, text, file, first + 1 + offset)
        elif isinstance(raw, list):
            for index, entry in enumerate(raw):
                text = entry.get("text") if isinstance(entry, dict) else entry
                if text:
                    yield Example(intent, _ENTITY_ANNOTATION.sub(r"\1", str(text).strip()), file,
                                  item_line(raw, index, 1))

    # ------------------------------------------------------------------------------------------ rules and stories
    def _load_flows(self) -> None:
        for folder, is_test in (("data/rules", False), ("data/stories", False), ("tests/stories", True)):
            for path in self._yaml_files(folder):
                data, name = self._read(path)
                if not isinstance(data, dict):
                    continue
                for kind, key in (("rule", "rules"), ("story", "stories")):
                    for item in data.get(key) or []:
                        if isinstance(item, dict):
                            self.flows.append(self._flow(kind, item, name, is_test))

    @classmethod
    def _flow(cls, kind: str, item: Dict[str, Any], file: str, is_test: bool) -> Flow:
        line = node_line(item, 1)
        name = str(item.get(kind) or item.get("rule") or item.get("story") or "(no name)")
        steps = cls._steps(item.get("steps") or [], line)
        condition = cls._steps(item.get("condition") or [], line)
        return Flow(kind, name, file, line, steps, condition, is_test)

    @classmethod
    def _steps(cls, raw_steps: Any, default_line: int) -> List[Step]:
        steps: List[Step] = []
        for index, raw in enumerate(raw_steps):
            if not isinstance(raw, dict):
                continue
            line = item_line(raw_steps, index, default_line)
            if "intent" in raw:
                steps.append(Step("intent", str(raw["intent"]), line, raw.get("user")))
            elif "user" in raw:
                steps.append(Step("intent", str(raw.get("intent") or ""), line, raw.get("user")))
            elif "action" in raw:
                steps.append(Step("action", str(raw["action"]), line))
            elif "bot" in raw:
                steps.append(Step("bot_text", str(raw["bot"]), line))
            elif "slot_was_set" in raw:
                for slot in raw["slot_was_set"] or []:
                    if isinstance(slot, dict):
                        for slot_name, value in slot.items():
                            steps.append(Step("slot", (str(slot_name), value), line))
                    else:
                        steps.append(Step("slot", (str(slot), None), line))
            elif "checkpoint" in raw:
                steps.append(Step("checkpoint", str(raw["checkpoint"]), line))
            elif "active_loop" in raw:
                steps.append(Step("active_loop", raw["active_loop"], line))
            elif "or" in raw:
                alternatives = []
                for option in raw["or"] or []:
                    if isinstance(option, dict) and "intent" in option:
                        alternatives.append(("intent", str(option["intent"])))
                    elif isinstance(option, dict) and "slot_was_set" in option:
                        for slot in option["slot_was_set"] or []:
                            if isinstance(slot, dict):
                                alternatives.extend(("slot", (str(k), v)) for k, v in slot.items())
                steps.append(Step("or", alternatives, line))
        return steps

    # ------------------------------------------------------------------------------------------ safety lexicon
    def _load_lexicon(self) -> None:
        safety = self.root / "data" / "safety"
        concepts_path = safety / "concepts.yml"
        if concepts_path.exists():
            data, _ = self._read(concepts_path)
            if isinstance(data, dict):
                self.lexicon_concepts = {
                    str(k): [str(v) for v in values or []] for k, values in (data.get("concepts") or {}).items()
                }
        modifiers_path = safety / "modifiers.yml"
        if modifiers_path.exists():
            data, name = self._read(modifiers_path)
            if isinstance(data, dict):
                self.modifiers = _plain(data)
                self._load_modifier_examples(data, name)
        for path in self._yaml_files("data/safety/lexicon"):
            data, name = self._read(path)
            if not isinstance(data, dict):
                continue
            default_category = data.get("category")
            entries = data.get("entries") or []
            for index, raw in enumerate(entries):
                if not isinstance(raw, dict):
                    continue
                plain = _plain(raw)
                entry_line = item_line(entries, index, 1)
                raw_examples = raw.get("examples") or []
                example_lines = [item_line(raw_examples, i, entry_line) for i in range(len(raw_examples))]
                self.lexicon.append(LexiconEntry(
                    pattern=str(plain.get("pattern") or ""),
                    category=plain.get("category") or default_category,
                    level=plain.get("level"),
                    language=plain.get("language"),
                    examples=[str(e) for e in plain.get("examples") or []],
                    file=name,
                    line=entry_line,
                    raw=plain,
                    example_lines=example_lines,
                ))

    def _load_modifier_examples(self, data: Dict[str, Any], file: str) -> None:
        escalation = data.get("escalation") if isinstance(data.get("escalation"), dict) else {}
        emergency = data.get("emergency") if isinstance(data.get("emergency"), dict) else {}
        groups = (("idioms", data.get("idioms")), ("negations", data.get("negations")),
                  ("escalation", escalation.get("cues")), ("emergency", emergency.get("cues")))
        for kind, cues in groups:
            for index, cue in enumerate(cues or []):
                if not isinstance(cue, dict):
                    continue
                examples = cue.get("examples") or []
                cue_line = item_line(cues, index, 1)
                for position, example in enumerate(examples):
                    self.modifier_examples.append(ModifierExample(
                        kind, str(cue.get("pattern", "")), str(example), file,
                        item_line(examples, position, cue_line),
                    ))

    # ------------------------------------------------------------------------------------------ helplines
    def _load_helplines(self) -> None:
        path = self.root / "data" / "helplines.yml"
        if not path.exists():
            return
        data, name = self._read(path)
        self.helplines_file = name
        if not isinstance(data, dict):
            return
        countries = data.get("countries") or {}
        for code, country in countries.items():
            if not isinstance(country, dict):
                continue
            for kind in ("child_helplines", "emergency"):
                entries = country.get(kind) or []
                for index, raw in enumerate(entries):
                    if not isinstance(raw, dict):
                        continue
                    names = raw.get("name") or {}
                    self.helplines.append(Helpline(
                        country=str(code),
                        kind=kind,
                        name_en=str(names.get("en", "")) if isinstance(names, dict) else str(names),
                        name_ar=str(names.get("ar", "")) if isinstance(names, dict) else "",
                        number=str(raw.get("number", "")),
                        source=str(raw["source"]).strip() if raw.get("source") else None,
                        source_kind=str(raw.get("source_kind", "")),
                        verified_on=str(raw.get("verified_on", "")),
                        note=str(raw.get("note", "")),
                        file=name,
                        line=item_line(entries, index, key_line(countries, code, 1)),
                    ))


def _plain(value: Any) -> Any:
    """ruamel's commented maps/lists as plain dicts/lists (what the safety loader expects)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value
