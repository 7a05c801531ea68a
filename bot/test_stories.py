"""Run the conversation test stories against the newest model (`make test` calls this).

`rasa test core --fail-on-prediction-errors` on tests/stories/: every bot action and every intent the NLU
predicts for the stories' user messages must match, in Arabic, Arabizi and English.
"""
from __future__ import annotations

import os
import subprocess
import sys

from bot.settings import PROJECT_ROOT
from bot.training import newest_model


def main() -> int:
    model = newest_model()
    if model is None:
        print("No trained model in models/: run `make train` first.", file=sys.stderr)
        return 2
    stories = PROJECT_ROOT / "tests" / "stories"
    if not any(stories.glob("*.yml")):
        print("No test stories in tests/stories/.", file=sys.stderr)
        return 1
    out = PROJECT_ROOT / "reports" / "test_stories"
    command = [sys.executable, "-m", "rasa", "test", "core", "--model", str(model), "--stories", str(stories),
               "--endpoints", "endpoints.yml", "--e2e", "--fail-on-prediction-errors", "--out", str(out)]
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH=str(PROJECT_ROOT), RASA_TELEMETRY_ENABLED="false")
    result = subprocess.run(command, cwd=PROJECT_ROOT, env=env)
    failed = out / "failed_test_stories.yml"
    if failed.exists() and "steps:" in failed.read_text(encoding="utf-8"):
        print(f"Failed test stories are in {failed.relative_to(PROJECT_ROOT)}", file=sys.stderr)
        return 1
    if result.returncode == 0:
        print(f"Test stories passed ({len(list(stories.glob('*.yml')))} files).")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
