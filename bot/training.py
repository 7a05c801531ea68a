"""Train the Rasa model when, and only when, its inputs changed.

`python -m bot.training` (used by `make train`, `make run` and `make test`) hashes everything a model is
built from: config, domain, NLU data, stories, rules, the safety lexicon, and the code of the NLU
components. When the newest model in models/ was built from the same hash, nothing happens. Otherwise it runs
`rasa train --force`: forced, because Rasa's own cache does not see files such as the safety lexicon that a
component reads, and a stale lexicon must never reach a child. A file lock stops two trainings at once.
"""
from __future__ import annotations

import argparse
import fcntl
import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterable, List, Optional

from bot.settings import PROJECT_ROOT, Settings

TRAINING_INPUTS = ("config.yml", "domain.yml", "data/nlu", "data/stories", "data/rules", "data/safety",
                   "bot/nlu", "bot/safety", "bot/helplines.py", "data/helplines.yml")
TRAINING_DATA_DIRS = ("data/nlu", "data/stories", "data/rules")
_EXCLUDED_PARTS = {"__pycache__", "evaluation"}
# Tools that read a trained model but take no part in building it: editing them must not force a retrain.
_TOOLING_FILES = {"bot/safety/__main__.py", "bot/safety/agent_runner.py", "bot/safety/benchmark.py",
                  "bot/safety/evaluate.py", "bot/safety/lexicon_check.py"}


def _input_files(root: Path) -> Iterable[Path]:
    for name in TRAINING_INPUTS:
        path = root / name
        if path.is_file():
            yield path
        elif path.is_dir():
            for file in sorted(path.rglob("*")):
                relative = file.relative_to(root)
                if file.is_file() and not (_EXCLUDED_PARTS & set(relative.parts)) \
                        and relative.as_posix() not in _TOOLING_FILES \
                        and file.suffix in (".yml", ".yaml", ".py", ".txt", ".json"):
                    yield file


def inputs_fingerprint(root: Path = PROJECT_ROOT) -> str:
    """A hash of the names and contents of every file the model is built from."""
    digest = hashlib.sha256()
    for file in _input_files(root):
        digest.update(str(file.relative_to(root)).encode())
        digest.update(b"\0")
        digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def newest_model(models_dir: Optional[Path] = None) -> Optional[Path]:
    """The most recently trained model archive, or None."""
    models_dir = models_dir or Settings.from_environment().models_dir
    models = sorted(models_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


def model_is_current(fingerprint: str, models_dir: Path) -> bool:
    return (models_dir / f"helpline-{fingerprint}.tar.gz").exists()


def rasa_train_command(fingerprint: str, models_dir: Path) -> List[str]:
    command = [sys.executable, "-m", "rasa", "train", "--force", "--out", str(models_dir),
               "--fixed-model-name", f"helpline-{fingerprint}", "--config", "config.yml",
               "--domain", "domain.yml", "--data", *TRAINING_DATA_DIRS]
    return command


def train_if_stale(force: bool = False) -> Path:
    """Train unless a model for the current inputs exists; returns the model path."""
    settings = Settings.from_environment()
    models_dir = settings.models_dir
    models_dir.mkdir(parents=True, exist_ok=True)
    with open(models_dir / ".train.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        fingerprint = inputs_fingerprint()
        target = models_dir / f"helpline-{fingerprint}.tar.gz"
        if target.exists() and not force:
            os.utime(target)  # the newest model is the one that matches the inputs
            print(f"Model is up to date: {target.relative_to(PROJECT_ROOT)}")
            return target
        print(f"Training model helpline-{fingerprint} (inputs changed) ...", flush=True)
        started = time.monotonic()
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH=str(PROJECT_ROOT), RASA_TELEMETRY_ENABLED="false")
        subprocess.run(rasa_train_command(fingerprint, models_dir), cwd=PROJECT_ROOT, env=env, check=True)
        _prune_old_models(models_dir, keep=3)
        print(f"Trained {target.relative_to(PROJECT_ROOT)} in {time.monotonic() - started:.0f} s")
        return target


def _prune_old_models(models_dir: Path, keep: int) -> None:
    models = sorted(models_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    for old in models[:-keep]:
        old.unlink()


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="train even if the model is current")
    parser.add_argument("--check", action="store_true", help="exit 1 if the model is stale, train nothing")
    args = parser.parse_args(argv)
    if args.check:
        current = model_is_current(inputs_fingerprint(), Settings.from_environment().models_dir)
        print("Model is up to date." if current else "Model is stale: run `make train`.")
        return 0 if current else 1
    try:
        train_if_stale(force=args.force)
    except subprocess.CalledProcessError as error:
        print(f"Training failed (exit {error.returncode}); see the output above.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
