"""Check that what the youngest children read is simple enough.

English: the Flesch-Kincaid grade (textstat) of the text, after removing {slot} placeholders and numbers
(a phone number is not a hard word), must be at most 4 for under-10s and 7 for 10-13s. Arabic has no standard
readability formula, so the rule is plain: no sentence longer than 15 words for those age groups.
"""
from __future__ import annotations

import re
import warnings
from typing import List

with warnings.catch_warnings():
    # textstat imports pkg_resources, which prints deprecation notices editors should not have to read.
    warnings.simplefilter("ignore")
    import textstat

from bot.content.checks.responses import AGE_NAMES
from bot.content.model import Content
from bot.content.problems import Problem

MAX_ENGLISH_GRADE = {"under_10": 4.0, "10_13": 7.0}
MAX_ARABIC_SENTENCE_WORDS = 15

_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
_NUMBER = re.compile(r"[+]?[0-9٠-٩۰-۹][0-9٠-٩۰-۹ \-]*")
_URL = re.compile(r"https?://\S+")
_MARKUP = re.compile(r"[*_`#>]")
_SENTENCE_END = re.compile(r"[.!?؟\n]+")
_ENGLISH_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_WORD = re.compile(r"[\w\u0621-\u064A]")


def plain_english(text: str) -> str:
    """The words a reader must read: no placeholders, numbers, links or markup."""
    text = _URL.sub(" ", text)
    text = _PLACEHOLDER.sub(" ", text)
    text = _NUMBER.sub(" ", text)
    text = _MARKUP.sub(" ", text)
    return re.sub(r"[ \t]+", " ", text).strip()


def english_grade(text: str) -> float:
    """Flesch-Kincaid grade of the readable part of an English text."""
    textstat.set_lang("en")
    cleaned = plain_english(text)
    return float(textstat.flesch_kincaid_grade(cleaned)) if cleaned else 0.0


def arabic_sentences(text: str) -> List[List[str]]:
    """The words of each sentence (split on . ! ? ؟ and new lines); tokens without a letter are not words."""
    sentences = []
    for sentence in _SENTENCE_END.split(_URL.sub(" ", text)):
        words = [token for token in sentence.split() if _WORD.search(token)]
        if words:
            sentences.append(words)
    return sentences


def _longest_english_sentence(text: str) -> str:
    sentences = [s.strip() for s in _ENGLISH_SENTENCE.split(plain_english(text)) if s.strip()]
    return max(sentences, key=lambda s: len(s.split()), default="")


def check_english_reading_level(content: Content) -> List[Problem]:
    """English text for under-10s reads at grade 4 or below, for 10-13s at grade 7 or below."""
    problems: List[Problem] = []
    for response in content.responses.values():
        for variation in response.variations:
            limit = MAX_ENGLISH_GRADE.get(variation.age_group or "")
            if variation.language != "en" or limit is None or not variation.text.strip():
                continue
            grade = english_grade(variation.text)
            if grade <= limit:
                continue
            longest = _longest_english_sentence(variation.text)
            problems.append(Problem(
                variation.file, variation.line,
                f'The English text of "{response.name}" for age group {variation.age_group} '
                f"({AGE_NAMES[variation.age_group]}) reads at school grade {grade:.1f} (Flesch-Kincaid); "
                f"it must be {limit:.0f} or lower for this age.",
                "Use shorter sentences and short everyday words (\"help\", not \"assistance\"). The longest "
                f'sentence is: "{longest}"',
                check="readability",
            ))
    return problems


def check_arabic_sentence_length(content: Content) -> List[Problem]:
    """Arabic text for under-10s and 10-13s has no sentence longer than 15 words."""
    problems: List[Problem] = []
    for response in content.responses.values():
        for variation in response.variations:
            if variation.language != "ar" or variation.age_group not in MAX_ENGLISH_GRADE:
                continue
            for words in arabic_sentences(variation.text):
                if len(words) <= MAX_ARABIC_SENTENCE_WORDS:
                    continue
                start = " ".join(words[:6])
                problems.append(Problem(
                    variation.file, variation.line,
                    f'A sentence in the Arabic text of "{response.name}" for age group {variation.age_group} '
                    f"({AGE_NAMES[variation.age_group]}) has {len(words)} words; at this age a sentence must "
                    f"have {MAX_ARABIC_SENTENCE_WORDS} words or fewer. It starts: «{start} …»",
                    "Split it into two or more short sentences (end each with . or ! or ؟), or leave out words "
                    "the child does not need.",
                    check="readability",
                ))
    return problems
