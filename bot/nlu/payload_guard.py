"""Keep the risk assessment of a typed message that happens to start like a button payload.

Rasa runs its RegexMessageHandler after the NLU pipeline: a message such as `/affirm` or
`/inform_age{"age_group": "10-13"}` (what our buttons send) replaces the pipeline's result with that intent.
A child can type the same shape followed by words ("/deny بدي موت"); Rasa would then keep only the payload
(and warn that it ignored the rest), dropping the risk assessment of the words. A button payload never carries
free text after it, so when there is any, this guard keeps the pipeline's own result: risk layer included.
Exact payloads still work as before.
"""
from __future__ import annotations

from typing import Any, Optional

from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.nlu.constants import TEXT

_original_unpack = YAMLStoryReader.unpack_regex_message


def _has_typed_words_after_payload(text: str) -> bool:
    match = YAMLStoryReader._regex_message_pattern().match(text.strip())
    return bool(match and (match.group("rest") or "").strip())


def unpack_payload_unless_typed(message: Any, domain: Optional[Any] = None,
                                entity_extractor_name: Optional[str] = None) -> Any:
    """Rasa's payload unpacking, except for a payload followed by typed words (see module docstring)."""
    if _has_typed_words_after_payload(message.get(TEXT) or ""):
        return message
    return _original_unpack(message, domain, entity_extractor_name)


def install() -> None:
    """Idempotent: route Rasa's payload unpacking through the guard."""
    if getattr(YAMLStoryReader.unpack_regex_message, "__name__", "") != unpack_payload_unless_typed.__name__:
        YAMLStoryReader.unpack_regex_message = staticmethod(unpack_payload_unless_typed)
