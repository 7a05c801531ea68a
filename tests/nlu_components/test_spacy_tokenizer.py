"""The bilingual tokenizer splits Arabic and English with spaCy's blank languages, on normalised text."""
from bot.nlu.arabic_normalizer import ArabicNormalizer
from bot.nlu.spacy_tokenizer import BilingualSpacyTokenizer
from rasa.shared.nlu.training_data.message import Message


def _tokens(text):
    message = Message(data={"text": text})
    ArabicNormalizer().process([message])
    BilingualSpacyTokenizer(BilingualSpacyTokenizer.get_default_config()).process([message])
    # The word tokens; consonant-skeleton tokens (§...) are tested in test_skeleton.py.
    return [token.text for token in message.get("text_tokens") if not token.text.startswith("§")]


def test_arabic_tokens_come_from_the_normalised_text():
    assert _tokens("أنا خاااايفة 😢!") == ["انا", "خايفه", "😢", "!"]


def test_english_and_arabizi_use_the_english_rules():
    assert _tokens("I'm sooo scared") == ["i", "'m", "soo", "scared"]
    assert _tokens("ana 5ayfa") == ["ana", "5ayfa"]
