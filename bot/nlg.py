"""Response selection where the most specific matching variation wins.

Rasa's templated generator picks at random among *all* conditional variations whose conditions match. Our
responses have a language-only variation (used when the child's age is unknown) and, where the words must
differ by age, variations for language + age group. With Rasa's rule a 9-year-old could get the 16-year-old's
wording; here the variation that matches the most conditions wins, so a content editor can add an
age-specific variation without touching the others. Configured as the `nlg` endpoint in endpoints.yml.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

import numpy as np
from rasa.core.nlg.generator import ResponseVariationFilter
from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.constants import RESPONSE_CONDITION


class MostSpecificVariationFilter(ResponseVariationFilter):
    """Rasa's filter (channel rules included), narrowed to the variations with the most matched conditions."""

    def responses_for_utter_action(
        self, utter_action: Text, output_channel: Text, filled_slots: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        candidates = super().responses_for_utter_action(utter_action, output_channel, filled_slots)
        if not candidates or not candidates[0].get(RESPONSE_CONDITION):
            return candidates
        most = max(len(response.get(RESPONSE_CONDITION) or []) for response in candidates)
        return [r for r in candidates if len(r.get(RESPONSE_CONDITION) or []) == most]


class MostSpecificResponseGenerator(TemplatedNaturalLanguageGenerator):
    """Templated responses; among matching conditional variations the most specific one is used."""

    def __init__(self, endpoint_config: Any = None, domain: Any = None, **kwargs: Any) -> None:
        # Rasa builds custom generators as `cls(endpoint_config=..., domain=...)`.
        super().__init__(domain.responses if domain is not None else {})

    def _random_response_for(
        self, utter_action: Text, output_channel: Text, filled_slots: Dict[Text, Any]
    ) -> Optional[Dict[Text, Any]]:
        if utter_action not in self.responses:
            return None
        suitable = MostSpecificVariationFilter(self.responses).responses_for_utter_action(
            utter_action, output_channel, filled_slots
        )
        return np.random.choice(suitable) if suitable else None
