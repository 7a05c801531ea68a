"""Idioms, negation and escalation: the context rules that move a lexicon match's level (modifiers.yml).

The rules are deliberately conservative (docs/risk-taxonomy.md: "when in doubt, keep the higher level"):
  idiom      an idiom or joke ("موتتني من الضحك", "this homework is killing me lol") clears a match only when
             the idiom's span contains the whole matched span.
  negation   a negation cue ("I would never", "مستحيل", "mesh") lowers a high or medium match to low only when
             it governs the match directly: the matched words follow the cue with nothing but spaces or
             punctuation in between. An imminent match is never lowered by negation.
  escalation a suicide/self-harm match at high becomes imminent when the message also has an imminence cue:
             a time ("tonight", "الحين", "هلق", "دلوقتي", "daba") or means at hand ("in my hand", "بإيدي").
  emergency  signs that a child's body is in danger right now ("can't breathe", "ما بقدر اتحرك", "tied me up",
             "won't let me out"). The assessor makes a message imminent when it is already high, in any category
             and from either detector, and also has one of these signs (see Assessor._assess).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Dict, Iterable, Iterator, List, Optional, Tuple

from bot.safety.levels import HIGH, IMMINENT, LOW, MEDIUM, NONE
from bot.safety.arabizi import skeleton_view
from bot.safety.lexicon import Compiled, Hit, compile_any_mode, search_any
from bot.safety.notation import ARABIZI, Compiler, PatternError
from bot.safety.text import PreparedText, Span


@dataclass
class Cue:
    pattern: str
    compiled: List[Compiled]
    examples: List[str] = field(default_factory=list)
    unless: List[Compiled] = field(default_factory=list)  # idiom off when these appear
    categories: List[str] = field(default_factory=list)  # emergency signs: only for these categories (empty: any)


@dataclass
class ModifierResult:
    """What the modifiers found in a message."""

    idiom_spans: List[Span]
    negation_spans: List[Span]
    escalation_cues: List[Tuple[str, Span]]
    set_aside: List[Span]  # idiom spans and negated (cue + match) spans: not evidence of risk


class Modifiers:
    """Compiled idiom, negation and escalation cues."""

    def __init__(self, data: Dict[str, Any], compiler: Compiler):
        self.idioms = self._cues(data.get("idioms"), compiler, "idioms")
        self.negations = self._cues(data.get("negations"), compiler, "negations")
        # A negation must end exactly where the matched words begin: anchor each cue at the end.
        self._negation_tails = [
            (mode, re.compile(f"(?:{regex.pattern})(?:[\\W_]*)$" if mode != ARABIZI else f"(?:{regex.pattern}) ?$"))
            for cue in self.negations for mode, regex, *_ in cue.compiled
        ]
        escalation = data.get("escalation") or {}
        self.escalation_categories = set(escalation.get("categories") or [])
        self.escalation_cues = self._cues(escalation.get("cues"), compiler, "escalation cues")
        self.emergency_cues = self._cues((data.get("emergency") or {}).get("cues"), compiler, "emergency cues")
        # The escalation cues (a time, means at hand, a high place) are also emergency signs for a suicide or
        # self-harm message that only the classifier rated high ("i have the knife. im done").
        self.emergency_cues += [replace(cue, categories=sorted(self.escalation_categories))
                                for cue in self.escalation_cues]

    @staticmethod
    def _cues(raw_items, compiler: Compiler, what: str) -> List[Cue]:
        cues = []
        for raw in raw_items or []:
            item = raw if isinstance(raw, dict) else {"pattern": raw}
            try:
                compiled = compile_any_mode(compiler, str(item["pattern"]))
                unless = [c for pattern in item.get("unless") or [] for c in compile_any_mode(compiler, str(pattern))]
            except (PatternError, re.error, KeyError) as error:
                raise PatternError(f"modifiers.yml {what}: {item.get('pattern')!r}: {error}") from error
            cues.append(Cue(str(item["pattern"]), compiled, [str(e) for e in item.get("examples") or []], unless,
                            [str(c) for c in item.get("categories") or []]))
        return cues

    def apply(self, prepared: PreparedText, hits: List[Hit]) -> ModifierResult:
        """Lower or raise hit levels in place; return the spans found."""
        idiom_spans: List[Span] = []
        for cue in self.idioms:
            spans = search_any(cue.compiled, prepared)  # the idiom first: its `unless` only matters if it is there
            if spans and not (cue.unless and search_any(cue.unless, prepared)):
                idiom_spans.extend(spans)
        negation_spans: List[Span] = []
        set_aside: List[Span] = list(idiom_spans)
        for hit in hits:
            if any(_contains(idiom, hit.span) for idiom in idiom_spans):
                hit.level, hit.modifier = NONE, "idiom"
                continue
            if hit.level in (HIGH, MEDIUM):
                cue = self._negation_before(prepared, hit.span[0])
                if cue is not None:
                    hit.level, hit.modifier = LOW, "negation"
                    negation_spans.append(cue)
                    set_aside.extend([cue, hit.span])
        escalation_cues: List[Tuple[str, Span]] = []
        candidates = [h for h in hits if h.level == HIGH and h.modifier is None
                      and h.category in self.escalation_categories]
        if candidates:
            escalation_cues = list(_cue_spans(self.escalation_cues, prepared, idiom_spans))
            if escalation_cues:
                for hit in candidates:
                    hit.level, hit.modifier = IMMINENT, "escalation"
        return ModifierResult(idiom_spans, negation_spans, escalation_cues, set_aside)

    def emergency_sign(self, prepared: PreparedText, idiom_spans: List[Span],
                       categories: Iterable[str] = ()) -> Optional[Tuple[str, Span]]:
        """(pattern, span) of the first emergency sign in the message that is not part of an idiom and that applies
        to one of the message's `categories` (a sign without `categories` applies to all); None if there is none."""
        present = set(categories)
        cues = [cue for cue in self.emergency_cues if not cue.categories or present & set(cue.categories)]
        return next(_cue_spans(cues, prepared, idiom_spans), None)

    def _negation_before(self, prepared: PreparedText, first_token: int):
        """The token span of a negation cue that ends right before `first_token`, if there is one."""
        if first_token <= 0:
            return None
        prefix = prepared.normalized[: prepared.token_starts[first_token]]
        arabizi_prefix = None
        for mode, regex in self._negation_tails:
            if mode == ARABIZI:
                if arabizi_prefix is None:
                    arabizi_prefix = skeleton_view(prefix)[0] if prepared.has_latin else ""
                view = arabizi_prefix
            else:
                view = prefix
            if view and regex.search(view):
                return (max(first_token - 1, 0), first_token)
        return None


def _cue_spans(cues: List[Cue], prepared: PreparedText, idiom_spans: List[Span]) -> Iterator[Tuple[str, Span]]:
    """(pattern, span) of each match of `cues` that no `unless` switches off and no idiom covers, lazily."""
    for cue in cues:
        spans = [span for span in search_any(cue.compiled, prepared)
                 if not any(_contains(idiom, span) for idiom in idiom_spans)]
        if spans and not (cue.unless and search_any(cue.unless, prepared)):
            for span in spans:
                yield cue.pattern, span


def _contains(outer: Span, inner: Span) -> bool:
    """Whether the token range `outer` covers all of the non-empty range `inner`."""
    return outer[0] <= inner[0] and inner[1] <= outer[1] and inner[1] > inner[0]
