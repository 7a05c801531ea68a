"""The channel harness (tests/channels/harness.py) as a subprocess the tests start and stop."""
from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Optional

from bot.settings import PROJECT_ROOT
from bot.stack import wait_for_http

# The harness keeps its WhatsApp inbox in its own Redis database, so it never takes messages meant for the
# Rasa server of the `stack` fixture (both read the same stream name).
HARNESS_REDIS_DB = "1"


@dataclass
class ChannelHarness:
    """tests/channels/harness.py running as a subprocess."""

    port: int
    env: Dict[str, str]
    log_path: Path
    process: Optional[subprocess.Popen] = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def whatsapp_webhook(self) -> str:
        return f"{self.url}/webhooks/whatsapp/webhook"

    def start(self) -> None:
        with open(self.log_path, "ab") as log:  # the child keeps its own copy of the file descriptor
            self.process = subprocess.Popen(
                [sys.executable, str(PROJECT_ROOT / "tests" / "channels" / "harness.py"), "--port", str(self.port)],
                cwd=PROJECT_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        wait_for_http(f"{self.url}/webhooks/whatsapp/", 60, self.process)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.process = None

    def wait_for_exit(self, timeout_s: float = 15) -> int:
        assert self.process is not None
        return self.process.wait(timeout_s)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")
