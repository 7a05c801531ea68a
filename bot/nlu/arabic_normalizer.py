"""Arabic (and Arabizi/English) text normalisation, and the Rasa component that applies it.

Children write the same word many ways: with or without hamza on the alef, ة or ه, ى or ي, diacritics,
tatweel, stretched letters (خاااايف), Arabic-Indic digits. Folding them lets one training example or one
lexicon entry cover all spellings. camel-tools does the Unicode, alef, alef-maqsura, teh-marbuta and
diacritic work; we do not use its `arclean` mapper because it deletes emoji, and emoji carry meaning
(💊 🔪 😭). The original text is never changed: the result goes to the message's `normalized_text`.
"""
from __future__ import annotations

import re
from typing import List, Optional, Text

from camel_tools.utils.dediac import dediac_ar
from camel_tools.utils.normalize import (
    normalize_alef_ar,
    normalize_alef_maksura_ar,
    normalize_teh_marbuta_ar,
    normalize_unicode,
)
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.base import StatelessComponent

NORMALIZED_TEXT = "normalized_text"

_TATWEEL = "\u0640"
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_PUNCTUATION = str.maketrans({"،": ",", "؛": ";", "؟": "?", "٪": "%"})
_HAMZA_CARRIERS = str.maketrans({"ؤ": "و", "ئ": "ي"})
_ARABIC_LETTER = "\u0621-\u064A"
# Three or more of the same Arabic letter are one stretched letter (خاااايف -> خايف); Arabic spelling
# never doubles a letter in writing (that is what shadda is for).
_STRETCHED_ARABIC = re.compile(f"([{_ARABIC_LETTER}])\\1{{2,}}")
# Three or more of the same Latin letter become two ("sooooo" -> "soo", "helpp" stays): English has real
# double letters, Arabizi too ("kteer"); digit letters are left alone ("333" is rare and meaningful).
_STRETCHED_LATIN = re.compile(r"([a-z])\1{2,}")
# Laughter (ههههه, هاهاها, خخخخ) becomes one fixed word, هه or خخ, before stretched letters are folded:
# folded to a single ه it would look like a prefix and match any word starting with ه (هيك، هو، هذا), so a
# joke cue such as "... ههه" would wrongly cover "بدي موت ... هيك".
_LAUGHTER_HA = re.compile(f"(?<![{_ARABIC_LETTER}])(?=[ها]*ه[ها]*ه)[ها]{{2,}}(?![{_ARABIC_LETTER}])")
_LAUGHTER_KHA = re.compile(f"(?<![{_ARABIC_LETTER}])خ{{3,}}(?![{_ARABIC_LETTER}])")
_SPACES = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """Return the normalised form used for matching and features; keeps emoji and Arabizi digits."""
    if not text:
        return ""
    text = normalize_unicode(text)
    text = dediac_ar(text).replace(_TATWEEL, "")
    text = normalize_alef_ar(text)
    text = normalize_alef_maksura_ar(text)
    text = normalize_teh_marbuta_ar(text)
    text = text.translate(_HAMZA_CARRIERS).translate(_DIGITS).translate(_PUNCTUATION)
    text = text.lower()
    text = _LAUGHTER_KHA.sub("خخ", _LAUGHTER_HA.sub("هه", text))
    text = _STRETCHED_ARABIC.sub(r"\1", text)
    text = _STRETCHED_LATIN.sub(r"\1\1", text)
    return _SPACES.sub(" ", text).strip()


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class ArabicNormalizer(StatelessComponent):
    """Stores `normalize_text(text)` as `normalized_text` on every message (training and inference)."""

    @staticmethod
    def required_packages() -> List[Text]:
        return ["camel_tools"]

    def _normalize(self, message: Message) -> None:
        text: Optional[str] = message.get(TEXT)
        if text is not None:
            message.set(NORMALIZED_TEXT, normalize_text(text), add_to_output=True)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for message in training_data.training_examples:
            self._normalize(message)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._normalize(message)
        return messages
