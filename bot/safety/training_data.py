"""Training examples for the risk classifier, from Rasa TrainingData or straight from data/nlu/*.yml.

At `rasa train` the RiskAssessor gets Rasa's TrainingData; tools and tests without a Rasa model read the
same YAML files here. Idiom and negation examples from modifiers.yml are added as none/low examples, so the
classifier learns that "dying of laughter" or "I would never hurt myself" are not disclosures.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Iterable, List, Tuple

import yaml

from bot.nlu.arabic_normalizer import normalize_text
from bot.safety.classifier import level_for_intent
from bot.safety.levels import CATEGORIES, HIGH, IMMINENT, LOW, MEDIUM, NONE


def examples_from_nlu_files(nlu_dir: Path) -> List[Tuple[str, str]]:
    """(text, intent) for every example of every intent in Rasa YAML NLU files."""
    pairs: List[Tuple[str, str]] = []
    for path in sorted(Path(nlu_dir).glob("*.yml")):
        with open(path, encoding="utf-8") as handle:
            content = yaml.safe_load(handle) or {}
        for block in content.get("nlu") or []:
            intent = block.get("intent")
            examples = block.get("examples")
            if not intent or not isinstance(examples, str):
                continue
            for line in examples.splitlines():
                line = line.strip()
                if line.startswith("- "):
                    pairs.append((line[2:].strip(), intent))
    return pairs


def classifier_level_examples(lexicon_data: Dict[str, Any]) -> List[Tuple[str, str]]:
    """(text, level) for the risk classifier beyond the NLU data: its own training messages
    (data/safety/classifier/*.yml), classifier_examples.yml, idiom examples (none) and negation examples (low)."""
    modifiers = lexicon_data.get("modifiers") or {}
    pairs: List[Tuple[str, str]] = []
    for level, examples in (lexicon_data.get("classifier_examples") or {}).items():
        pairs.extend((str(example), str(level)) for example in examples or [])
    for classifier_set in lexicon_data.get("classifier_sets") or []:
        for level, examples in classifier_set["examples"].items():
            pairs.extend((example, level) for example in examples)
    for level, key in ((NONE, "idioms"), (LOW, "negations")):
        for item in modifiers.get(key) or []:
            if isinstance(item, dict):
                pairs.extend((str(example), level) for example in item.get("examples") or [])
    return pairs


def level_examples(intent_examples: Iterable[Tuple[str, str]], lexicon_data: Dict[str, Any]) -> Tuple[List[str], List[str]]:
    """Normalised texts and their levels, ready for RiskClassifier.train()."""
    texts: List[str] = []
    levels: List[str] = []
    for text, intent in intent_examples:
        texts.append(normalize_text(text))
        levels.append(level_for_intent(intent))
    for text, level in classifier_level_examples(lexicon_data):
        texts.append(normalize_text(text))
        levels.append(level)
    return texts, levels


def category_examples(lexicon_data: Dict[str, Any]) -> Tuple[List[str], List[str]]:
    """Normalised lexicon examples and classifier messages of medium and above, with their categories
    (for the CategoryGuesser, which names the category when only the classifier saw risk)."""
    texts: List[str] = []
    categories: List[str] = []
    for entry in lexicon_data.get("entries") or []:
        for example in entry.get("examples") or []:
            texts.append(normalize_text(str(example)))
            categories.append(str(entry.get("category")))
    for classifier_set in lexicon_data.get("classifier_sets") or []:
        if classifier_set["category"] not in CATEGORIES or classifier_set["category"] == "unknown":
            continue
        for level in (MEDIUM, HIGH, IMMINENT):
            for example in classifier_set["examples"].get(level) or []:
                texts.append(normalize_text(example))
                categories.append(classifier_set["category"])
    return texts, categories
