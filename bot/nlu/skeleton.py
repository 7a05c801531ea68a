"""A consonant skeleton shared by Arabic script and Arabizi, so "ktir" and "كتير" look alike to the model.

Arabizi writers spell by ear and each writes Arabic words differently: ktir / kteer / ktiir, za3lana /
zaalane, madrase / madrasa. Their consonants agree, with each other and with the Arabic-script word:
كتير -> ktr, ktir -> ktr; زعلانة -> zln, za3lana -> zln; المدرسة -> mdrs, madrase -> mdrs.
The skeleton keeps those consonants in coarse classes and drops what writers disagree on:
  - vowels, and the letters that often stand for vowels or vanish (ا و ي ى ء ع ة, a final ه; Latin
    a e i o u y w, and the digit letters 2 and 3);
  - the Arabic article and a clitic before it (ال، وال، بال، فال) on words of four letters or more;
  - sounds written several ways fold into one class: ج/g/j (Egyptian g), ث/th/t, ذ/dh/d, ض ظ/d,
    ص س/s, خ/kh/5/x, ش/sh/ch, غ/gh/8, ح/h/7, ط/t/6, ق/q/9;
  - doubled letters collapse.
The tokenizer adds one skeleton token per word (marked with §) to Arabic and Arabizi messages, beside
the real words: the model sees both, and an Arabizi message shares features with Arabic-script examples.
English messages get none (their words are not Arabic, and would collide with skeletons by chance).
Measured with 5-fold cross-validation of a linear model on the training data: Arabizi macro-F1 0.73 ->
0.85, Arabic script 0.83 -> 0.84, English unchanged.
"""
from __future__ import annotations

import re
from typing import List

MARK = "§"

_ARABIC = {
    "ب": "b", "ت": "t", "ث": "t", "ج": "j", "ح": "h", "خ": "x", "د": "d", "ذ": "d", "ر": "r", "ز": "z",
    "س": "s", "ش": "c", "ص": "s", "ض": "d", "ط": "t", "ظ": "d", "غ": "G", "ف": "f", "ق": "q", "ك": "k",
    "ل": "l", "م": "m", "ن": "n", "ه": "h", "پ": "b", "گ": "j", "چ": "c", "ڤ": "f",
}
# Order matters: digraphs before single letters, and gh before g.
_LATIN = (("kh", "x"), ("sh", "c"), ("ch", "c"), ("gh", "G"), ("th", "t"), ("dh", "d"), ("5", "x"),
          ("7", "h"), ("6", "t"), ("9", "q"), ("8", "G"), ("p", "b"), ("v", "f"), ("g", "j"))
_NOT_LATIN_CONSONANT = re.compile(r"[^bcdfhjklmnqrstxzG]")
_ARABIC_LETTER = re.compile(r"[\u0600-\u06FF]")
_ARTICLE = re.compile(r"^(?:و|ف|ب)?ال")
_FINAL_HEH = re.compile(r"ه$")
_DOUBLES = re.compile(r"(.)\1+")


def word_skeleton(word: str) -> str:
    """The skeleton of one word, Arabic script or Latin ("" when nothing is left)."""
    if _ARABIC_LETTER.search(word):
        if len(word) >= 4:
            word = _ARTICLE.sub("", word)
        word = _FINAL_HEH.sub("", word)
        skeleton = "".join(_ARABIC.get(char, "") for char in word)
    else:
        word = word.lower()
        for written, sound in _LATIN:
            word = word.replace(written, sound)
        skeleton = _NOT_LATIN_CONSONANT.sub("", word)
    return _DOUBLES.sub(r"\1", skeleton)


def skeleton_tokens(words: List[str]) -> List[str]:
    """One marked skeleton token per word that has one ("§ktr"); numbers and emoji have none."""
    skeletons = (word_skeleton(word) for word in words if any(char.isalpha() for char in word))
    return [MARK + skeleton for skeleton in skeletons if skeleton]
