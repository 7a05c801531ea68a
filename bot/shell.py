"""`make shell`: talk to the assistant in this terminal, against the same Redis as `make run`.

Starts Redis (if none answers) and an action server on a spare port, then Rasa's own interactive shell with
endpoints.yml, so conversations land in the same tracker store. Stops what it started on exit.
"""
from __future__ import annotations

import os
import subprocess
import sys

from bot.settings import PROJECT_ROOT, Settings
from bot.stack import Stack, default_environment, free_port, port_is_open
from bot.training import newest_model


def main() -> int:
    settings = Settings.from_environment()
    model = newest_model(settings.models_dir)
    if model is None:
        print("No trained model in models/: run `make train`.", file=sys.stderr)
        return 2
    env = default_environment(settings)
    stack = Stack(env=env, log_dir=PROJECT_ROOT / "logs")
    try:
        stack.start_redis(PROJECT_ROOT / ".redis")
        if not port_is_open("127.0.0.1", int(env["ACTION_PORT"])):
            stack.start_action_server()
        shell_port = str(free_port())
        print("Type a message as a child would; /stop to leave. Conversations are stored in Redis.\n")
        command = [sys.executable, "-m", "rasa", "shell", "--model", str(model), "--endpoints", "endpoints.yml",
                   "--port", shell_port]
        return subprocess.call(command, cwd=PROJECT_ROOT, env=env)
    finally:
        stack.stop()


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    sys.exit(main())
