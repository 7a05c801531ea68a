"""The most specific matching response variation wins, so a child gets wording for their age."""
from bot.nlg import MostSpecificVariationFilter

RESPONSES = {
    "utter_info": [
        {"text": "ar default", "condition": [{"type": "slot", "name": "language", "value": "ar"}]},
        {"text": "en default", "condition": [{"type": "slot", "name": "language", "value": "en"}]},
        {"text": "en under 10", "condition": [{"type": "slot", "name": "language", "value": "en"},
                                              {"type": "slot", "name": "age_group", "value": "under_10"}]},
        {"text": "no condition"},
    ]
}


def _texts(slots):
    return [r["text"] for r in MostSpecificVariationFilter(RESPONSES).responses_for_utter_action(
        "utter_info", "rest", slots)]


def test_age_specific_variation_wins_over_language_only():
    assert _texts({"language": "en", "age_group": "under_10"}) == ["en under 10"]


def test_language_only_variation_when_age_is_unknown_or_has_no_variation():
    assert _texts({"language": "en", "age_group": None}) == ["en default"]
    assert _texts({"language": "en", "age_group": "14_17"}) == ["en default"]
    assert _texts({"language": "ar", "age_group": "under_10"}) == ["ar default"]


def test_unconditional_variation_when_nothing_matches():
    assert _texts({"language": None}) == ["no condition"]
