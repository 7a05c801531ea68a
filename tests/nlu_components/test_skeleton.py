"""The consonant skeleton makes Arabizi and Arabic-script spellings of a word meet."""
import pytest

from bot.nlu.skeleton import skeleton_tokens, word_skeleton


@pytest.mark.parametrize("arabic, arabizi", [
    ("كتير", "ktir"), ("كتير", "kteer"), ("زعلانة", "za3lana"), ("المدرسة", "madrase"),
    ("بدي", "badi"), ("خايف", "5ayef"), ("خايف", "khayef"), ("شو", "chou"), ("حزين", "7azin"),
    ("غريب", "8arib"), ("جامعة", "gam3a"), ("بزاف", "bezaf"),
])
def test_an_arabizi_spelling_has_the_skeleton_of_the_arabic_word(arabic, arabizi):
    assert word_skeleton(arabic) == word_skeleton(arabizi) != ""


def test_different_words_keep_different_skeletons():
    assert word_skeleton("مدرسة") != word_skeleton("صاحبي")
    assert word_skeleton("sad") != word_skeleton("school")


def test_numbers_and_emoji_get_no_skeleton_token():
    assert skeleton_tokens(["12", "😢", "ana"]) == ["§n"]


def test_tokenizer_adds_skeletons_to_arabizi_but_not_to_english():
    from rasa.shared.nlu.training_data.message import Message

    from bot.nlu.arabic_normalizer import NORMALIZED_TEXT, normalize_text
    from bot.nlu.spacy_tokenizer import BilingualSpacyTokenizer

    tokenizer = BilingualSpacyTokenizer(BilingualSpacyTokenizer.get_default_config())

    def tokens(text):
        message = Message(data={"text": text, NORMALIZED_TEXT: normalize_text(text)})
        return [token.text for token in tokenizer.tokenize(message, "text")]

    assert "§ktr" in tokens("ana za3lana ktir")
    assert "§ktr" in tokens("انا زعلانة كتير")
    assert not any(token.startswith("§") for token in tokens("i am very sad today"))


def test_skeletons_can_be_switched_off():
    from rasa.shared.nlu.training_data.message import Message

    from bot.nlu.arabic_normalizer import NORMALIZED_TEXT, normalize_text
    from bot.nlu.spacy_tokenizer import BilingualSpacyTokenizer

    config = {**BilingualSpacyTokenizer.get_default_config(), "skeleton_tokens": False}
    message = Message(data={"text": "ana za3lana", NORMALIZED_TEXT: normalize_text("ana za3lana")})
    assert [t.text for t in BilingualSpacyTokenizer(config).tokenize(message, "text")] == ["ana", "za3lana"]
