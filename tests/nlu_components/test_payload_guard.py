"""A typed message shaped like a button payload keeps the NLU pipeline's result (and so its risk)."""
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.nlu.training_data.message import Message

from bot.nlu import payload_guard


def _pipeline_result(text: str) -> Message:
    return Message(data={"text": text, "intent": {"name": "risk_high", "confidence": 1.0},
                         "risk": {"level": "high"}})


def test_words_typed_after_a_payload_keep_the_pipeline_result_and_its_risk():
    payload_guard.install()
    message = _pipeline_result('/deny{"x": 1} بدي موت')
    result = YAMLStoryReader.unpack_regex_message(message, None)
    assert result is message
    assert result.get("intent")["name"] == "risk_high"
    assert result.get("risk") == {"level": "high"}


def test_an_exact_button_payload_still_sets_its_intent():
    payload_guard.install()
    result = YAMLStoryReader.unpack_regex_message(_pipeline_result("/affirm"), None)
    assert result.get("intent")["name"] == "affirm"


def test_installing_twice_does_not_wrap_twice():
    payload_guard.install()
    payload_guard.install()
    assert YAMLStoryReader.unpack_regex_message is payload_guard.unpack_payload_unless_typed
