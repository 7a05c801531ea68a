"""What makes two messages "the same" when tests keep evaluation sets apart from training data."""
from __future__ import annotations

from bot.nlu.arabic_normalizer import normalize_text


def comparison_key(text: str) -> str:
    """The normalised text without outer punctuation or extra spaces (normalize_text also lower-cases)."""
    return " ".join(normalize_text(str(text)).strip(" .!?,؟").split())
