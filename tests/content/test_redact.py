"""Specification: personal details in a child's message become placeholders; the meaning stays."""
import pytest

from bot.content.redact import looks_personal, redact


@pytest.mark.parametrize("message, expected", [
    ("hi my name is Sara and im 12", "hi my name is [NAME] and im 12"),
    ("اسمي أحمد وعمري ١١", "اسمي [NAME] وعمري ١١"),
    ("انا اسمي: لولو", "انا اسمي: [NAME]"),
    ("ana esmi yousef w 3omri 13", "ana esmi [NAME] w 3omri 13"),
    ("call me Lulu", "call me [NAME]"),
    ("كلمت سارة ومحمد", "كلمت [NAME] و[NAME]"),
    ("Mohammed hits me", "[NAME] hits me"),
])
def test_names_after_a_cue_or_from_the_name_list_are_replaced(message, expected):
    assert redact(message) == expected


@pytest.mark.parametrize("message, expected", [
    ("call me on 0551234567", "call me on [PHONE]"),
    ("رقمي ٠٥٥-١٢٣-٤٥٦٧", "رقمي [PHONE]"),
    ("+971 50 123 4567", "[PHONE]"),
    ("my email is sara.k@gmail.com", "my email is [EMAIL]"),
    ("look at https://example.com/x?id=12345678", "look at [URL]"),
    ("instagram.com/sara", "[URL]"),
    ("add me @cool_kid99", "add me [HANDLE]"),
    ("my snap is coolkid12", "my snap is [HANDLE]"),
])
def test_phone_numbers_emails_links_and_handles_are_replaced(message, expected):
    assert redact(message) == expected


@pytest.mark.parametrize("message", [
    "I am 12 years old and in grade 7",
    "عمري 12 سنة",                      # عمر is "age" here, not the name Omar
    "lama ba3ud lwa7di",                 # Arabizi "when", not the name Lama
    "my friend sam gave me pills",       # Arabizi "poison" is sam too: left alone
    "my name is not important",
])
def test_ages_and_everyday_words_are_kept(message):
    assert redact(message) == message


def test_a_whatsapp_phone_number_as_conversation_id_is_personal_but_a_web_session_id_is_not():
    assert looks_personal("+971 50 123 4567") and looks_personal("whatsapp:+97455123456")
    assert not looks_personal("a1b2c3d4e5f60718293a4b5c6d7e8f90")
