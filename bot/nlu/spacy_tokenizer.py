"""Tokenisation with spaCy's blank Arabic and English tokenizers, chosen per message by script.

No pretrained spaCy pipeline can be installed here, and we need none: the blank `ar` and `en` languages
carry the tokenizer rules (punctuation, emoji, Arabic prefixes and suffixes left attached). Tokens are
taken from the `normalized_text` that ArabicNormalizer stores, so features see folded spellings.
Arabic and Arabizi messages also get one consonant-skeleton token per word (bot/nlu/skeleton.py), so
Arabizi shares features with the Arabic-script examples; `skeleton_tokens: false` turns that off.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Text

import spacy
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.arabic_normalizer import NORMALIZED_TEXT
from bot.nlu.language_identifier import identify_language
from bot.nlu.skeleton import skeleton_tokens

_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF]")
_SKELETON_LANGUAGES = frozenset({"ar", "arabizi", "mixed"})


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class BilingualSpacyTokenizer(Tokenizer):
    """Tokenizes Arabic-script text with spacy.blank('ar') and Latin text with spacy.blank('en')."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
            # Add consonant-skeleton tokens to Arabic-script, Arabizi and mixed messages.
            "skeleton_tokens": True,
        }

    @staticmethod
    def required_packages() -> List[Text]:
        return ["spacy"]

    def __init__(self, config: Dict[Text, Any]) -> None:
        super().__init__(config)
        self._pipelines = {"ar": spacy.blank("ar"), "en": spacy.blank("en")}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "BilingualSpacyTokenizer":
        return cls(config)

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        text = message.get(attribute) or ""
        if attribute == TEXT:
            text = message.get(NORMALIZED_TEXT) or text
        language = "ar" if _ARABIC_SCRIPT.search(text) else "en"
        doc = self._pipelines[language](text)
        tokens = self._apply_token_pattern([Token(token.text, token.idx) for token in doc if not token.is_space])
        if attribute == TEXT and self._config.get("skeleton_tokens", True) \
                and identify_language(message.get(TEXT) or "").language in _SKELETON_LANGUAGES:
            # After the real words, at the end of the text: entity recognition is off, offsets are not used.
            tokens += [Token(skeleton, len(text)) for skeleton in skeleton_tokens([t.text for t in tokens])]
        return tokens
