"""Run messages through the trained model exactly as the running assistant does (Agent.parse_message).

Used by the batch interface (`python -m bot.safety`) and the evaluation (`python -m bot.safety.evaluate`), so
what they report is what a child's message gets in production: the same pipeline, the same stored lexicon
and classifier, the same RiskAssessor.
"""
from __future__ import annotations

import asyncio
import logging
import os
import sys
import warnings
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional

NO_MODEL_MESSAGE = "No trained model in models/: run `make train` first"
NO_MODEL_EXIT_CODE = 2


def quiet_tensorflow() -> None:
    """Keep TensorFlow's and Rasa's start-up noise off stderr (call before importing Rasa)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    warnings.filterwarnings("ignore")
    for name in ("tensorflow", "rasa", "absl", "h5py", "matplotlib", "sanic", "apscheduler"):
        logging.getLogger(name).setLevel(logging.ERROR)


def newest_model_path() -> Optional[Path]:
    """The newest model archive in settings.models_dir, or None."""
    from bot.settings import Settings

    models_dir = Settings.from_environment().models_dir
    if not models_dir.is_dir():
        return None
    models = sorted(models_dir.glob("*.tar.gz"), key=lambda path: path.stat().st_mtime)
    return models[-1] if models else None


def quiet_rasa() -> None:
    """Rasa's structured logs default to debug on stdout: keep stdout for our JSON, warnings only."""
    import structlog

    structlog.configure(
        wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
    )


def load_agent(model_path: Path):
    """Rasa's Agent for a model archive (the same loader the Rasa server uses)."""
    quiet_tensorflow()
    quiet_rasa()
    from rasa.core.agent import Agent

    agent = Agent.load(str(model_path))
    quiet_tensorflow()  # Rasa resets some log levels while loading
    return agent


async def parse_all(agent, texts: Iterable[str], batch_size: int = 32) -> List[Dict[str, Any]]:
    """Parse results for texts, in order, `batch_size` at a time."""
    texts = list(texts)
    results: List[Dict[str, Any]] = []
    for start in range(0, len(texts), batch_size):
        batch = texts[start : start + batch_size]
        results.extend(await asyncio.gather(*(agent.parse_message(text) for text in batch)))
    return results


def agent_or_exit():
    """Load the newest model's Agent, or print the no-model message and exit with code 2."""
    model_path = newest_model_path()
    if model_path is None:
        print(NO_MODEL_MESSAGE, file=sys.stderr)
        sys.exit(NO_MODEL_EXIT_CODE)
    return load_agent(model_path)


def risk_of(parse_result: Dict[str, Any]) -> Dict[str, Any]:
    """The `risk` the RiskAssessor stored, or a fail-safe one if the model has none (misconfigured)."""
    from bot.safety.assessment import failsafe_assessment

    return parse_result.get("risk") or failsafe_assessment(reason="model has no RiskAssessor output")
