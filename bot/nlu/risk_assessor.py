"""The RiskAssessor NLU component: risk assessment of every message, last in the pipeline.

For every message it stores `risk` in the parse result (see bot.safety.assessment) and, when the level is
medium or above, replaces the intent with risk_medium / risk_high / risk_imminent (confidence 1.0; the
ranking is kept), so the dialogue's safety rules fire whatever the topic intent was. When the level is none
or low but DIET's top intent was a risk_* intent (or the fallback), it falls back to the best topic intent.

Training builds both detectors from the project's data and stores them in the model, so a model is
self-contained: the lexicon from `lexicon_dir` (default data/safety, relative to the project root) and the
classifier trained on the NLU examples. bot/training.py retrains whenever data/safety changes.
If anything is missing or fails, every message is assessed "high" / "unknown" (fail-safe).
"""
import json
import logging
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from bot.safety.assessment import Assessor, DietPolicy, failsafe_assessment
from bot.safety.classifier import DEFAULT_THRESHOLDS, CategoryGuesser, RiskClassifier
from bot.safety.levels import LOW, NONE, RISK_INTENT_FOR_LEVEL
from bot.safety.lexicon import read_lexicon_data
from bot.safety.training_data import category_examples, level_examples

logger = logging.getLogger(__name__)

RISK = "risk"
FALLBACK_INTENT = "nlu_fallback"
_LEXICON_FILE = "lexicon.json"


def choose_intent(intent: Optional[Dict[str, Any]], ranking: List[Dict[str, Any]], level: str,
                  fallback_threshold: float) -> Optional[Dict[str, Any]]:
    """The intent a message should carry once its risk level is known (None: leave it as it is)."""
    if level in RISK_INTENT_FOR_LEVEL:
        return {"name": RISK_INTENT_FOR_LEVEL[level], "confidence": 1.0}
    name = (intent or {}).get("name") or ""
    if level not in (NONE, LOW) or not (name.startswith("risk_") or name == FALLBACK_INTENT):
        return None
    topics = [item for item in ranking or []
              if item.get("name") and not item["name"].startswith("risk_") and item["name"] != FALLBACK_INTENT]
    best = max(topics, key=lambda item: item.get("confidence") or 0.0, default=None)
    if best is not None and (best.get("confidence") or 0.0) >= fallback_threshold:
        return {"name": best["name"], "confidence": best.get("confidence")}
    return {"name": FALLBACK_INTENT, "confidence": fallback_threshold}


def _register():
    # No `from __future__ import annotations` in this module: Rasa reads the component's type hints at run
    # time, and the Rasa types are only imported here.
    from rasa.engine.graph import ExecutionContext, GraphComponent
    from rasa.engine.recipes.default_recipe import DefaultV1Recipe
    from rasa.engine.storage.resource import Resource
    from rasa.engine.storage.storage import ModelStorage
    from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from bot.nlu import payload_guard

    # A typed message that starts like a button payload must keep its risk assessment.
    payload_guard.install()

    @DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
    class RiskAssessor(GraphComponent):
        """Assesses risk on every message with the lexicon and the classifier; fail-safe."""

        @staticmethod
        def get_default_config() -> Dict[Text, Any]:
            return {
                # Lexicon folder (concepts.yml, lexicon/, modifiers.yml), relative to the project root.
                "lexicon_dir": "data/safety",
                # Classifier thresholds on P(level or higher); imminent on P(imminent).
                "thresholds": dict(DEFAULT_THRESHOLDS),
                # DIET's risk intent counts only when this confident (it is not calibrated).
                "diet_min_confidence": 0.9,
                # Below this, a topic intent is too weak to replace a risk_*/fallback intent.
                "fallback_threshold": 0.45,
                "random_seed": 42,
            }

        def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                     assessor: Optional[Assessor] = None) -> None:
            self._config = {**self.get_default_config(), **config}
            self._model_storage = model_storage
            self._resource = resource
            self._assessor = assessor
            self._warned_missing = False

        @classmethod
        def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                   execution_context: ExecutionContext) -> GraphComponent:
            return cls(config, model_storage, resource)

        @staticmethod
        def required_packages() -> List[Text]:
            return ["sklearn", "camel_tools"]

        # ----- training -----------------------------------------------------------------------------------
        def _lexicon_dir(self) -> Path:
            from bot.settings import PROJECT_ROOT

            directory = Path(self._config["lexicon_dir"])
            return directory if directory.is_absolute() else PROJECT_ROOT / directory

        def train(self, training_data: TrainingData) -> Resource:
            """Compile the lexicon and train the classifier; store both in the model."""
            lexicon_data = read_lexicon_data(self._lexicon_dir())
            assessor = Assessor.from_lexicon_data(lexicon_data, None)  # fails loudly on a broken lexicon
            pairs = [(example.get(TEXT), example.get(INTENT)) for example in training_data.intent_examples
                     if example.get(TEXT)]
            texts, levels = level_examples(pairs, lexicon_data)
            seed = int(self._config["random_seed"])
            classifier = RiskClassifier.train(texts, levels, seed=seed, thresholds=self._config["thresholds"])
            category_texts, categories = category_examples(lexicon_data)
            guesser = CategoryGuesser.train(category_texts, categories, seed=seed) if len(set(categories)) > 1 else None
            with self._model_storage.write_to(self._resource) as directory:
                # The classifier's training messages are in its weights; the model keeps only what matching needs.
                stored = {key: value for key, value in lexicon_data.items()
                          if key not in ("classifier_examples", "classifier_sets")}
                (Path(directory) / _LEXICON_FILE).write_text(json.dumps(stored, ensure_ascii=False), encoding="utf-8")
                classifier.save(Path(directory))
                if guesser is not None:
                    guesser.save(Path(directory))
            assessor.classifier, assessor.category_guesser = classifier, guesser
            assessor.diet_policy = self._diet_policy()
            self._assessor = assessor
            logger.info("Risk assessor trained: %d lexicon entries, classifier on %d examples",
                        len(assessor.lexicon.entries), len(texts))
            return self._resource

        def _diet_policy(self) -> DietPolicy:
            return DietPolicy(min_confidence=float(self._config["diet_min_confidence"]))

        @classmethod
        def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 execution_context: ExecutionContext, **kwargs: Any) -> GraphComponent:
            """Read the lexicon and classifier stored in the model (fail-safe if they cannot be read)."""
            component = cls(config, model_storage, resource)
            try:
                with model_storage.read_from(resource) as directory:
                    directory = Path(directory)
                    lexicon_data = json.loads((directory / _LEXICON_FILE).read_text(encoding="utf-8"))
                    classifier = RiskClassifier.load(directory)
                    guesser = (CategoryGuesser.load(directory)
                               if (directory / "category_guesser.pkl").exists() else None)
                assessor = Assessor.from_lexicon_data(lexicon_data, classifier, guesser)
                assessor.diet_policy = component._diet_policy()
                component._assessor = assessor
            except Exception:  # noqa: BLE001 - a model without a working detector must still answer safely
                logger.exception("Risk assessor could not be loaded: every message will be assessed high")
            return component

        # ----- inference ----------------------------------------------------------------------------------
        def process(self, messages: List[Message]) -> List[Message]:
            """Set `risk` on every message and raise its intent when the level is medium or above."""
            for message in messages:
                self._process_one(message)
            return messages

        def _process_one(self, message: Message) -> None:
            intent = message.get(INTENT) or {}
            language = (message.get("language_detection") or {}).get("language")
            text = message.get(TEXT)
            try:
                if self._assessor is None:
                    if not self._warned_missing:
                        logger.error("Risk assessor has no detectors (model not trained or not loaded): "
                                     "assessing every message as high")
                        self._warned_missing = True
                    risk = failsafe_assessment(language, intent.get("name"), "detector missing")
                    if text is not None and isinstance(text, str) and not text.strip():
                        risk = {**risk, "level": NONE, "categories": [], "evidence": []}
                else:
                    risk = self._assessor.assess(text, message.get("normalized_text"), language, intent)
                new_intent = choose_intent(intent, message.get(INTENT_RANKING_KEY) or [], risk["level"],
                                           float(self._config["fallback_threshold"]))
            except Exception:  # noqa: BLE001 - never let a message through unassessed
                from bot.privacy import describe_text

                logger.exception("Risk assessment failed for a message of %s; using the fail-safe",
                                 describe_text(text if isinstance(text, str) else None))
                risk = failsafe_assessment(language, intent.get("name"))
                new_intent = {"name": RISK_INTENT_FOR_LEVEL["high"], "confidence": 1.0}
            message.set(RISK, risk, add_to_output=True)
            if new_intent is not None:
                message.set(INTENT, new_intent, add_to_output=True)

    return RiskAssessor


try:
    RiskAssessor = _register()
except ImportError:  # pragma: no cover - Rasa not installed (light tooling)
    RiskAssessor = None  # type: ignore[assignment]
