"""Risk assessment of one message: lexicon + classifier (+ DIET's intent, with care), fail-safe.

`Assessor.assess()` returns the dict stored as `risk` on every parsed message:
  {"level", "categories", "evidence": [{"detector", "category", "level", "pattern", "matched", "score"}],
   "original_intent", "language"}
The highest level any detector supports wins. Anything that goes wrong gives level "high" with category
"unknown" (a counsellor looks at the conversation) rather than a silent "none".
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

from bot.privacy import describe_text
from bot.safety.classifier import CategoryGuesser, RiskClassifier
from bot.safety.cries import CryForHelp
from bot.safety.levels import (
    HIGH,
    IMMINENT,
    LEVEL_FOR_RISK_INTENT,
    LOW,
    MEDIUM,
    NONE,
    highest,
    lower_to,
    rank,
)
from bot.safety.lexicon import Lexicon
from bot.safety.modifiers import Modifiers
from bot.safety.text import PreparedText

logger = logging.getLogger(__name__)

IMMEDIATE_DANGER = "immediate_danger"

_HAS_WORD = re.compile(r"[\w\u0621-\u064A]")
_WORDS = re.compile(r"[^\W\d_]{2,}")


@dataclass
class DietPolicy:
    """When DIET's (uncalibrated) risk intent counts as evidence: confident, corroborated, capped.

    Corroborated means the n-gram classifier itself (bot/safety/classifier.py, balanced-prior probabilities) puts at
    least even odds on medium or above. On the 5,788 evaluation messages of session 7, DIET alone lifted 5
    messages to high: 3 harmless ones (a burnt cake, a kitchen knife, a sister's hoodie joke), 1 medium and 1 true
    imminent. At 0.5 two of the harmless ones are no longer lifted and the imminent one still is (it had 0.67); at
    the former 0.15 all five were.
    """

    min_confidence: float = 0.9
    min_classifier_medium_or_above: float = 0.5
    ceiling: str = HIGH


def failsafe_assessment(language: Optional[str] = None, original_intent: Optional[str] = None,
                        reason: str = "assessment failed") -> Dict[str, Any]:
    """The assessment used when assessing failed: high, category unknown, for a human to look at."""
    return {
        "level": HIGH,
        "categories": ["unknown"],
        "evidence": [{"detector": "failsafe", "category": "unknown", "level": HIGH, "pattern": reason,
                      "matched": "", "score": 1.0}],
        "original_intent": original_intent,
        "language": language,
    }


def empty_assessment(language: Optional[str] = None, original_intent: Optional[str] = None) -> Dict[str, Any]:
    return {"level": NONE, "categories": [], "evidence": [], "original_intent": original_intent,
            "language": language}


@dataclass
class Assessor:
    """Both detectors and the rules that combine them. Build once, call `assess` per message."""

    lexicon: Optional[Lexicon]
    modifiers: Optional[Modifiers]
    classifier: Optional[RiskClassifier]
    category_guesser: Optional[CategoryGuesser] = None
    diet_policy: DietPolicy = field(default_factory=DietPolicy)
    cries: Optional[CryForHelp] = None

    @classmethod
    def from_lexicon_data(cls, data: Dict[str, Any], classifier: Optional[RiskClassifier],
                          category_guesser: Optional[CategoryGuesser] = None) -> "Assessor":
        lexicon = Lexicon(data)
        modifiers = Modifiers(data.get("modifiers") or {}, lexicon.compiler)
        cries = CryForHelp.from_config((data.get("modifiers") or {}).get("cries"))
        return cls(lexicon, modifiers, classifier, category_guesser, cries=cries)

    def assess(self, text: Any, normalized: Optional[str] = None, language: Optional[str] = None,
               intent: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        """Assess one message; never raises (fail-safe). `intent` is DIET/fallback's {"name", "confidence"}."""
        original_intent = (intent or {}).get("name")
        try:
            if text is None or (isinstance(text, str) and not text.strip()):
                return empty_assessment(language, original_intent)
            if not isinstance(text, str):
                return failsafe_assessment(language, original_intent, "unreadable message")
            if self.lexicon is None or self.modifiers is None or self.classifier is None:
                return failsafe_assessment(language, original_intent, "detector missing")
            return self._assess(text, normalized, language, intent or {})
        except Exception:  # noqa: BLE001 - any failure must end in a human looking, never in silence
            logger.exception("risk assessment failed for a message of %s; using the fail-safe",
                             describe_text(text if isinstance(text, str) else None))
            return failsafe_assessment(language, original_intent)

    def _assess(self, text: str, normalized: Optional[str], language: Optional[str],
                intent: Dict[str, Any]) -> Dict[str, Any]:
        prepared = PreparedText.from_text(text, normalized)
        if not _HAS_WORD.search(prepared.normalized) and not prepared.has_other:
            return empty_assessment(language, intent.get("name"))
        hits = self.lexicon.find(prepared)
        modified = self.modifiers.apply(prepared, hits)
        evidence: List[Dict[str, Any]] = []
        for hit in sorted(hits, key=lambda h: -rank(h.level)):
            item = {"detector": "lexicon", "category": hit.category, "level": hit.level,
                    "pattern": hit.entry.pattern, "matched": hit.matched, "score": 1.0}
            if hit.modifier:
                item["modifier"] = hit.modifier
            evidence.append(item)

        # The classifier reads what is left once idioms and directly negated phrases are set aside.
        rest = prepared.without(modified.set_aside)
        classifier_level, classifier_medium_plus = NONE, 0.0
        # A word or two left over from an idiom ("i" of "i killed him in fortnite") is not a message.
        enough_left = not modified.set_aside or len(_WORDS.findall(rest)) >= 3
        if enough_left and _HAS_WORD.search(rest):
            classifier_level, score, probabilities = self.classifier.assess(rest)
            classifier_medium_plus = probabilities[MEDIUM] + probabilities[HIGH] + probabilities["imminent"]
            if classifier_level != NONE:
                evidence.append({"detector": "classifier", "category": None, "level": classifier_level,
                                 "pattern": None, "matched": "", "score": score})

        diet_item = self._diet_evidence(intent, modified, classifier_medium_plus)
        if diet_item:
            evidence.append(diet_item)
        cry_level = self.cries.level(text) if self.cries is not None else None
        if cry_level:
            evidence.append({"detector": "cry", "category": "immediate_danger" if cry_level == IMMINENT else "emotional_distress",
                             "level": cry_level, "pattern": "a message that is only a cry for help",
                             "matched": "", "score": 1.0})

        level = highest(item["level"] for item in evidence)
        categories = _categories(evidence, level)
        if level != NONE and not categories:
            categories = [self._guess_category(rest or prepared.normalized, level)]
        for item in evidence:
            if item["category"] is None:
                item["category"] = categories[0] if categories else None
        # Already high, and the child's body is in danger now ("can't breathe", "tied me up"): imminent.
        sign = self.modifiers.emergency_sign(prepared, modified.idiom_spans, categories) if level == HIGH else None
        if sign is not None:
            pattern, span = sign
            evidence.append({"detector": "emergency", "category": IMMEDIATE_DANGER, "level": IMMINENT,
                             "pattern": pattern, "matched": prepared.excerpt(span), "score": 1.0})
            level = IMMINENT
            if IMMEDIATE_DANGER not in categories:
                categories = categories + [IMMEDIATE_DANGER]
        return {"level": level, "categories": categories, "evidence": evidence,
                "original_intent": intent.get("name"), "language": language}

    def _diet_evidence(self, intent: Dict[str, Any], modified, classifier_medium_plus: float):
        level = LEVEL_FOR_RISK_INTENT.get(intent.get("name") or "")
        confidence = float(intent.get("confidence") or 0.0)
        policy = self.diet_policy
        if level is None or confidence < policy.min_confidence:
            return None
        if modified.idiom_spans or modified.set_aside:
            return None  # DIET saw the whole text, jokes and negations included
        if classifier_medium_plus < policy.min_classifier_medium_or_above:
            return None
        return {"detector": "diet", "category": None, "level": lower_to(level, policy.ceiling),
                "pattern": intent.get("name"), "matched": "", "score": round(confidence, 3)}

    def _guess_category(self, normalized: str, level: str) -> str:
        if self.category_guesser is not None:
            category, _ = self.category_guesser.guess(normalized)
            return category
        return "emotional_distress" if level in (LOW, MEDIUM) else "unknown"


def _categories(evidence: List[Dict[str, Any]], level: str) -> List[str]:
    """Categories of the evidence at low or above, most serious first, each once."""
    ordered: List[str] = []
    for item in sorted(evidence, key=lambda i: -rank(i["level"])):
        if item["category"] and rank(item["level"]) >= rank(LOW) and item["category"] not in ordered:
            ordered.append(item["category"])
    return ordered


def default_lexicon_dir() -> Path:
    from bot.settings import PROJECT_ROOT

    return PROJECT_ROOT / "data" / "safety"
