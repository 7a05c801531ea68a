"""A spelling-tolerant "skeleton" of Latin-script words, so one lexicon entry covers many Arabizi spellings.

Arabizi has no standard spelling: mout / mot / moot, a2tel / a2tol / aktol, 7ali / 7aly, ente7ar / intahir.
The skeleton keeps what writers agree on (the consonants) and folds what they do not:
  - digit letters become the Latin letters writers also use: 7→h, 5→kh, 6→t, 9→q, 8→gh, 3 and 2 vanish
    (ع and ء are written 3/2, a vowel, an apostrophe, or nothing);
  - ch→sh (Maghrebi/French spelling), x→kh, ' vanishes;
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
    word = "".join(_DIGIT_LETTERS.get(char, char) for char in word)
    word = word.replace("ch", "sh").replace("x", "kh")
    word = _VOWELS.sub("", word)
    return _DOUBLES.sub(r"\1", word)


def skeleton_view(text: str) -> Tuple[str, List[Tuple[int, int, int]]]:
    """Skeletons of the Latin words of `text` joined by single spaces, and where each one came from.

    Returns (view, spans) where spans[i] = (start in view, end in view, index of the whitespace token of
    `text` it came from). Words with no Latin letters (Arabic script, emoji, plain numbers) are skipped.
    """
    parts: List[str] = []
    spans: List[Tuple[int, int, int]] = []
    position = 0
    for index, match in enumerate(_TOKEN.finditer(text)):
        token = match.group()
        if not re.search(r"[a-z]", token):
            continue
        skel = skeleton(token)
        if not skel:
            continue
        if parts:
            position += 1
        parts.append(skel)
        spans.append((position, position + len(skel), index))
        position += len(skel)
    return " ".join(parts), spans
