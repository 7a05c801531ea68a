"""A spelling-tolerant "skeleton" of Latin-script words, so one lexicon entry covers many Arabizi spellings.

Arabizi has no standard spelling: mout / mot / moot, a2tel / a2tol / aktol, 7ali / 7aly, ente7ar / intahir.
The skeleton keeps what writers agree on (the consonants) and folds what they do not:
  - digit letters become the Latin letters writers also use: 7→h, 5→kh, 6→t, 9→q, 8→gh, 3 and 2 vanish
    (ع and ء are written 3/2, a vowel, an apostrophe, or nothing);
  - ch→sh (Maghrebi/French spelling), x→kh, ' vanishes; a written "th" (ث/ذ) becomes "0", so that
    enthar (إنذار) is not read as ente7ar (انتحار);
  - vowels (a e i o u y) vanish, then doubled letters collapse (kteer → ktr, ma7boob → mhb).
So "mout", "mot", "moot" and "mawt" all become "mt"; "ente7ar" and "intahir" both become "nthr".
The same function is applied to lexicon patterns and to messages, so they meet in the middle.
"""
from __future__ import annotations

import re
from typing import List, Tuple

_DIGIT_LETTERS = {"7": "h", "5": "kh", "6": "t", "9": "q", "8": "gh", "3": "", "2": ""}
_NOT_LATIN = re.compile(r"[^a-z0-9]")
_VOWELS = re.compile(r"[aeiouy]")
_DOUBLES = re.compile(r"([a-z])\1+")
_TOKEN = re.compile(r"\S+")


def skeleton(word: str) -> str:
    """The consonant skeleton of one Latin-script word ("" for a word with no consonants, e.g. "a")."""
    word = word.lower().replace("’", "").replace("'", "")
    word = _NOT_LATIN.sub("", word)
    if not word:
        return ""
    # A written "th" is ث/ذ (enthar = إنذار, a warning), not ت+ح (ente7ar = انتحار): keep it apart as "0" before
    # the digit letters turn 7 into h, so the two never share a skeleton.
    word = word.replace("th", "0")
    word = "".join(_DIGIT_LETTERS.get(char, char) for char in word)
    word = word.replace("ch", "sh").replace("x", "kh")
    word = _VOWELS.sub("", word)
    return _DOUBLES.sub(r"\1", word)


def raw_form(word: str) -> str:
    """A Latin word lower-cased with everything but letters and digits removed ("Ma!" -> "ma")."""
    return _NOT_LATIN.sub("", word.lower().replace("’", "").replace("'", ""))


def skeleton_text(text: str) -> str:
    """The skeletons of the Latin words of a text, space-separated (a classifier feature)."""
    return " ".join(filter(None, (skeleton(token) for token in _TOKEN.findall(text) if re.search(r"[a-z]", token))))


def skeleton_view(text: str) -> Tuple[str, List[Tuple[int, int, int]]]:
    """The Arabizi view of `text`: one "skeleton/raw" item per Latin word, joined by single spaces.

    Long skeletons are matched loosely; a word whose skeleton is a single letter ("ma", "7a", "3ayez" -> "z")
    is too ambiguous for that and is matched on its raw form instead, hence both forms in the view.
    Returns (view, spans) where spans[i] = (start in view, end in view, index of the whitespace token of
    `text` it came from). Words without a Latin letter are skipped; a word with no consonant ("a", "3a")
    keeps its raw half only ("/3a"), and the matcher lets a pattern step over one such word.
    """
    parts: List[str] = []
    spans: List[Tuple[int, int, int]] = []
    position = 0
    for index, match in enumerate(_TOKEN.finditer(text)):
        token = match.group()
        if not re.search(r"[a-z]", token):
            continue
        skel = skeleton(token)
        item = f"{skel}/{raw_form(token)}"
        if parts:
            position += 1
        parts.append(item)
        spans.append((position, position + len(item), index))
        position += len(item)
    return " ".join(parts), spans
