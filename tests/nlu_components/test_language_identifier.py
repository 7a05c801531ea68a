"""Replies follow the child's language: Arabic script and Arabizi get Arabic, English gets English."""
import pytest

from bot.nlu.language_identifier import LanguageIdentifier, identify_language
from rasa.shared.nlu.training_data.message import Message


@pytest.mark.parametrize(
    "text, language, reply",
    [
        ("مرحبا، انا زعلانة", "ar", "ar"),
        ("شلونك؟ ابي اكلم احد", "ar", "ar"),
        ("hi i feel really sad today", "en", "en"),
        ("3omri 12 w ana za3lana", "arabizi", "ar"),
        ("ana msh 3arfa a3mel eh", "arabizi", "ar"),
        ("bghit nhder m3a chi wa7ed", "arabizi", "ar"),
        ("انا sad جدا اليوم", "mixed", "ar"),
        ("my teacher قال اني غبية", "mixed", "ar"),
        ("i feel so sad w ana mesh 3arfa", "mixed", "ar"),
    ],
)
def test_language_and_reply_language(text, language, reply):
    guess = identify_language(text)
    assert (guess.language, guess.reply_language) == (language, reply)


@pytest.mark.parametrize("text", ["ok", "😢😢", "12", "lol", "..."])
def test_messages_without_language_signal_keep_the_current_language(text):
    assert identify_language(text).reply_language is None


@pytest.mark.parametrize(
    "text, requested",
    [
        ("english please", "en"),
        ("can u speak english", "en"),
        ("كلمني انجليزي لو سمحت", "en"),
        ("بالعربي", "ar"),
        ("momken nektb 3arabi", "ar"),
        ("can you talk in arabic", "ar"),
    ],
)
def test_child_can_switch_language_in_either_script(text, requested):
    guess = identify_language(text)
    assert guess.switch_requested and guess.reply_language == requested


def test_a_long_message_mentioning_a_language_is_not_a_switch_request():
    guess = identify_language("my mum speaks arabic at home but at school everyone talks to me in english only")
    assert not guess.switch_requested


def test_component_sets_language_entity_only_when_there_is_a_signal():
    component = LanguageIdentifier()
    arabic, neutral = Message(data={"text": "انا خايف"}), Message(data={"text": "ok"})
    component.process([arabic, neutral])
    assert [e["value"] for e in arabic.get("entities") if e["entity"] == "language"] == ["ar"]
    assert not [e for e in neutral.get("entities", []) if e["entity"] == "language"]
    assert neutral.get("language_detection")["language"] == "unknown"


def test_maghrebi_arabizi_without_digit_letters_is_arabizi():
    assert identify_language("wach had l application kat3awn").language == "arabizi"
    assert identify_language("nta chkoun?").language == "arabizi"
    assert identify_language("wakha safi").language == "arabizi"
    assert identify_language("i had a bad day").language == "en"
