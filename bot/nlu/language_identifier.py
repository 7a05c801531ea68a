"""Per-message language identification: Arabic script, English, Arabizi, or a mix.

The result decides the reply language: the `language` entity (and so the `language` slot) is `ar` for
Arabic script and for Arabizi (Arabizi writers read Arabic script; most cannot type it), `en` for English.
A message that says nothing about language (emoji, digits, "ok") emits no entity, so the slot keeps the
language the child was already using. A short explicit request ("english please", "كلمني عربي",
"momken 3arabi") switches to the requested language, whatever script it is written in.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_CONFIDENCE,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.arabic_normalizer import normalize_text
from bot.nlu.base import StatelessComponent

LANGUAGE_ENTITY = "language"
LANGUAGE_DETECTION = "language_detection"

_ARABIC_LETTERS = re.compile(r"[\u0621-\u064A\u0671-\u06D3\u06FA-\u06FF]")
_LATIN_LETTERS = re.compile(r"[A-Za-z]")
_WORDS = re.compile(r"[A-Za-z0-9\u0621-\u064A']+")
# A Latin word with an Arabizi digit letter inside or at an edge: 3omri, 7abibi, a5, la2, ba7ebak, 9a7bi.
_ARABIZI_DIGIT_WORD = re.compile(r"^(?=.*[a-z])(?=.*[2356789])[a-z2356789']+$")

# Frequent Arabizi words without digit letters (several dialects). Chosen to not be common English words.
_ARABIZI_WORDS = frozenset(
    """
    ana enta enti inta inti ente howa hiya e7na ehna nehna ne7na entu intu homa
    bdi badi biddi bde bidi baddi abi abgha abga 3ayez ayez 3ayza ayza bghit bgheet nbghi
    mesh msh mish mush ma mafi mafish mafeesh mashi mech mouch
    kteer kter ktir kthir awi aawi wayed wayid bezaf bzaf barsha barcha
    shu sho eish esh ish shnu shno chno chnou wesh wach ezay izay ezzay keef kif kifak kifek shlonak shlonik
    leh leish lesh lish 3lash alash 3lach
    wallah walla wallahi yalla inshallah insha2allah mashallah habibi habibti yani ya3ni
    mama baba mama's 5ali khalo ammo 3ammo 3amo teta jedo
    el il al fi fe fil w wa ya bas bs kaman kamn kaman kman 3ala 3al ala mn men min
    marhaba mar7aba ahlan ahla salam salamo slm shukran shokran choukran merci yslmo
    tayeb tayb tamam zain zein zen mezyan mzyan behi kwayes kwayyes mnih mne7 mni7
    hala hela sabah masa tisba7 tesba7 lail leila
    madrase madrasa madrasse mudarris ustaz ostaz
    ahl ahli ahlee 3eli 3ayla 3eila bet beit bait dar
    7ayati 3omri omri sana sanawat
    dyal dial diali dyali dyalek wakha wakhkha aywa labas labes chkoun chkon chkun kifach kifash kifech
    daba dba safi bghina nta nti ntuma ghir walou walo bach ila kayn kayen makaynch makaynsh chi shi
    brabi famma famech yesser yasser chnowa chnia tawa 3andi andi 3andek
    keda kda bardo awy khalas tayyeb leeh feen emta ba2a 7aga
    shlon shlonk wain hatha hadha hadi ba3dain ga3id gaa3id
    hayda hayde halla halla2 3anjad ktiir shway shwaye kamen ya3ne eno inno heik hek hayk shou
    """.split()
)
_ENGLISH_WORDS = frozenset(
    """
    i im i'm me my mine you your u ur he she his her it its we our they them their
    a an the and or but so because cause cuz coz if when what why how who where which
    is am are was were be been being do does did dont don't doesnt didnt cant can't can could
    will would should shall may might must have has had not no yes yeah yep nope ok okay
    to of in on at for with about from into by up down out over
    feel feeling sad happy scared worried alone lonely help please pls plz want wanna gonna
    school friend friends mom mum dad parents brother sister teacher home
    this that there here just really very too much like know think talk tell anyone someone
    hi hello hey bye thanks thank
    """.split()
)
# Messages that carry no language signal: keep the current reply language.
_NEUTRAL = frozenset("ok okay k kk lol lmao hmm hm mm xd haha hahaha hh hhh ??".split())

_REQUEST_ENGLISH = re.compile(
    r"\b(english|engilsh|inglish|englsh|engl|inglizi|englizi|engleezi|ingliizi)\b"
    r"|انجليزي|انكليزي|انقليزي|بالانجليزي|بالانكليزي|بالانجليزيه|بالانكليزيه|الانجليزيه|الانكليزيه",
)
_REQUEST_ARABIC = re.compile(
    r"\b(arabic|arabi|3arabi|3arbi|arbi|l3arbiya|bel3arabi|bl3arabi|bil3arabi|al3arabiya)\b"
    r"|عربي|بالعربي|العربيه|بالعربيه|عربيه",
)
_MAX_WORDS_FOR_A_SWITCH_REQUEST = 7


@dataclass(frozen=True)
class LanguageGuess:
    """What a message is written in, and which language the reply should use (None: keep current)."""

    language: str  # ar | en | arabizi | mixed | unknown
    reply_language: Optional[str]  # ar | en | None
    switch_requested: bool = False

    def as_dict(self) -> Dict[str, Any]:
        return {
            "language": self.language,
            "reply_language": self.reply_language,
            "switch_requested": self.switch_requested,
        }


def _requested_language(normalized: str, word_count: int) -> Optional[str]:
    if word_count > _MAX_WORDS_FOR_A_SWITCH_REQUEST:
        return None
    wants_english = bool(_REQUEST_ENGLISH.search(normalized))
    wants_arabic = bool(_REQUEST_ARABIC.search(normalized))
    if wants_english != wants_arabic:
        return "en" if wants_english else "ar"
    return None


def _latin_kind(words: List[str]) -> str:
    """Decide between English and Arabizi for a Latin-script message."""
    arabizi = sum(1 for w in words if _ARABIZI_DIGIT_WORD.match(w) or w in _ARABIZI_WORDS)
    english = sum(1 for w in words if w in _ENGLISH_WORDS)
    if arabizi == 0:
        return "en"
    if english == 0 or arabizi >= 2 * english:
        return "arabizi"
    if english >= 2 * arabizi:
        return "en"
    return "mixed"


def identify_language(text: str) -> LanguageGuess:
    """Identify the language of one message. Pure function, no model needed."""
    normalized = normalize_text(text or "")
    words = _WORDS.findall(normalized)
    guess = _detect(normalized, words)
    requested = _requested_language(normalized, len(words))
    if requested:
        return LanguageGuess(guess.language, requested, True)
    return guess


def _detect(normalized: str, words: List[str]) -> LanguageGuess:
    arabic_letters = len(_ARABIC_LETTERS.findall(normalized))
    latin_letters = len(_LATIN_LETTERS.findall(normalized))
    if arabic_letters == 0 and latin_letters == 0:
        return LanguageGuess("unknown", None)
    latin_words = [w for w in words if _LATIN_LETTERS.search(w)]
    if arabic_letters == 0:
        if len(latin_words) <= 2 and all(w in _NEUTRAL for w in latin_words):
            return LanguageGuess("unknown", None)
        kind = _latin_kind(latin_words)
        # Arabizi writers get Arabic script; a Latin mix of English and Arabizi is answered in Arabic too,
        # because a child who reaches for Arabic words is most at home in Arabic.
        return LanguageGuess(kind, "en" if kind == "en" else "ar")
    if latin_letters == 0:
        return LanguageGuess("ar", "ar")
    # Both scripts: the dominant one decides the reply.
    return LanguageGuess("mixed", "ar" if arabic_letters >= latin_letters else "en")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class LanguageIdentifier(StatelessComponent):
    """Adds `language_detection` to the parse result and a `language` entity (ar|en) for the slot."""

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            guess = identify_language(text)
            message.set(LANGUAGE_DETECTION, guess.as_dict(), add_to_output=True)
            if guess.reply_language is None:
                continue
            entity = {
                ENTITY_ATTRIBUTE_TYPE: LANGUAGE_ENTITY,
                ENTITY_ATTRIBUTE_VALUE: guess.reply_language,
                ENTITY_ATTRIBUTE_START: 0,
                ENTITY_ATTRIBUTE_END: len(text),
                ENTITY_ATTRIBUTE_CONFIDENCE: 1.0,
                EXTRACTOR: self.__class__.__name__,
            }
            message.set(ENTITIES, message.get(ENTITIES, []) + [entity], add_to_output=True)
        return messages
