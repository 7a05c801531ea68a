"""A message that is only a cry for help reaches a person; a cry inside an ordinary request does not."""
import pytest

from tests.safety.conftest import level_of


@pytest.mark.parametrize("text, expected", [
    ("HELP!!", "imminent"),
    ("help me please!", "imminent"),
    ("heeelp", "medium"),
    ("help", "medium"),
    ("الحقوني", "high"),
    ("يا ناس انقذوني", "high"),
    ("sa3douni!", "imminent"),
    ("SOS", "imminent"),
])
def test_a_bare_cry_for_help_is_escalated(lexicon_only, text, expected):
    assert level_of(lexicon_only, text) == expected


@pytest.mark.parametrize("text", [
    "can you help me with my maths homework",
    "how does this help line work",
    "thanks for the help",
])
def test_help_inside_an_ordinary_sentence_is_not_a_cry(lexicon_only, text):
    assert level_of(lexicon_only, text) in ("none", "low")
