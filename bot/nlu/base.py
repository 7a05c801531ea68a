"""Shared base for the project's stateless NLU components."""
from __future__ import annotations

from typing import Any, Dict, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage


class StatelessComponent(GraphComponent):
    """A graph component with no configuration and nothing to train or persist.

    Rasa builds every component through `create()`; for a component that only annotates messages
    the answer is always a fresh instance, so the subclasses need only `process()`.
    """

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "StatelessComponent":
        return cls()
