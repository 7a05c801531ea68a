"""Start and stop the whole system: Redis, action server, Rasa server, counsellor console.

`make run` calls `python -m bot.stack`, which starts every process that is not already running, waits until
each answers, prints its URL, and on Ctrl-C stops what it started. The integration tests use the same
functions with their own ports, so they test exactly what `make run` runs.
"""
from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

from bot.settings import PROJECT_ROOT, Settings

PYTHON = sys.executable


def free_port() -> int:
    """A TCP port nobody listens on right now (for tests)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_is_open(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def wait_for_http(url: str, timeout_s: float, process: Optional[subprocess.Popen] = None) -> None:
    """Wait until `url` answers with any HTTP status below 500; fail early if `process` died."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process for {url} exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status < 500:
                    return
        except urllib.error.HTTPError as error:
            if error.code < 500:
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError, socket.timeout):
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {timeout_s:.0f} s")


def default_environment(settings: Settings) -> Dict[str, str]:
    """Environment every process gets: the values endpoints.yml and credentials.yml substitute."""
    env = dict(os.environ)
    env.setdefault("PYTHONPATH", str(PROJECT_ROOT))
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    # Privacy: Rasa must never send telemetry or crash reports (which could hold message text).
    env["RASA_TELEMETRY_ENABLED"] = "false"
    env.setdefault("REDIS_HOST", settings.redis_host)
    env.setdefault("REDIS_PORT", str(settings.redis_port))
    env.setdefault("REDIS_PASSWORD", settings.redis_password)
    env.setdefault("REDIS_DB", str(settings.redis_db))
    env.setdefault("TRACKER_RETENTION_S", str(settings.tracker_retention_s))
    env.setdefault("RASA_PORT", str(settings.rasa_port))
    env.setdefault("ACTION_PORT", str(settings.action_port))
    env.setdefault("CONSOLE_PORT", str(settings.console_port))
    env.setdefault("ACTION_SERVER_URL", f"http://localhost:{env['ACTION_PORT']}/webhook")
    env.setdefault("RASA_URL", f"http://localhost:{env['RASA_PORT']}")
    # A fresh secret per run unless the deployment sets one: nothing secret is ever committed.
    env.setdefault("RASA_TOKEN", secrets.token_urlsafe(24))
    env.setdefault("CONSOLE_SECRET", secrets.token_urlsafe(32))
    # WhatsApp: placeholders so credentials.yml always resolves; a deployment sets the real ones.
    env.setdefault("WHATSAPP_VERIFY_TOKEN", "change-me-verify-token")
    env.setdefault("WHATSAPP_APP_SECRET", "change-me-app-secret")
    env.setdefault("WHATSAPP_ACCESS_TOKEN", "change-me-access-token")
    env.setdefault("WHATSAPP_PHONE_NUMBER_ID", "000000000000000")
    env.setdefault("WHATSAPP_API_URL", "https://graph.facebook.com/v21.0")
    return env


@dataclass
class Stack:
    """Processes this run started (and so must stop), with their URLs."""

    env: Dict[str, str]
    log_dir: Path
    processes: List[subprocess.Popen] = field(default_factory=list)
    urls: Dict[str, str] = field(default_factory=dict)

    def _spawn(self, name: str, command: List[str]) -> subprocess.Popen:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with open(self.log_dir / f"{name}.log", "ab") as log:  # the child keeps its own copy of the handle
            process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=self.env, stdout=log,
                                       stderr=subprocess.STDOUT, start_new_session=True)
        process.name = name  # type: ignore[attr-defined]
        self.processes.append(process)
        return process

    def start_redis(self, data_dir: Path) -> None:
        """Start a persistent Redis (append-only file) unless one already answers on the configured port."""
        host, port = self.env["REDIS_HOST"], int(self.env["REDIS_PORT"])
        self.urls["Redis"] = f"redis://{host}:{port}/{self.env['REDIS_DB']}"
        if port_is_open(host, port):
            return
        if host not in ("localhost", "127.0.0.1"):
            raise RuntimeError(f"Redis at {host}:{port} does not answer")
        if shutil.which("redis-server") is None:
            raise RuntimeError("redis-server is not installed: run `make redis` (installs Debian's redis-server)")
        data_dir.mkdir(parents=True, exist_ok=True)
        command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", str(data_dir),
                   "--appendonly", "yes", "--appendfsync", "everysec", "--save", "60 1"]
        if self.env.get("REDIS_PASSWORD"):
            command += ["--requirepass", self.env["REDIS_PASSWORD"]]
        process = self._spawn("redis", command)
        deadline = time.monotonic() + 15
        while not port_is_open(host, port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start; see its log")
            time.sleep(0.1)

    def start_action_server(self) -> None:
        port = self.env["ACTION_PORT"]
        process = self._spawn("actions", [PYTHON, "-m", "rasa_sdk", "--actions", "actions", "--port", port])
        wait_for_http(f"http://localhost:{port}/health", 120, process)
        self.urls["Action server"] = f"http://localhost:{port}"

    def start_rasa(self, model: Path) -> None:
        port = self.env["RASA_PORT"]
        command = [PYTHON, "-m", "rasa", "run", "--model", str(model), "--port", port, "--enable-api",
                   "--auth-token", self.env["RASA_TOKEN"], "--endpoints", "endpoints.yml",
                   "--credentials", "credentials.yml"]
        process = self._spawn("rasa", command)
        wait_for_http(f"http://localhost:{port}/", 300, process)
        self.urls["Rasa server"] = f"http://localhost:{port}"
        self.urls["Web chat"] = f"http://localhost:{port}/webchat/"
        self.urls["WhatsApp webhook"] = f"http://localhost:{port}/webhooks/whatsapp/webhook"

    def start_console(self) -> None:
        if not (PROJECT_ROOT / "bot" / "console" / "__main__.py").exists():
            return
        port = self.env["CONSOLE_PORT"]
        process = self._spawn("console", [PYTHON, "-m", "bot.console", "serve", "--port", port])
        wait_for_http(f"http://localhost:{port}/health", 60, process)
        self.urls["Counsellor console"] = f"http://localhost:{port}/"

    def stop(self) -> None:
        """Stop what this run started, newest first; Redis last, so nothing is lost."""
        for process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in reversed(self.processes):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        self.processes.clear()


def _console_has_accounts(settings: Settings) -> bool:
    from bot.settings import redis_client

    try:
        return bool(redis_client(settings).scard("console:users"))
    except Exception:  # noqa: BLE001 - a hint only; never stop the system for it
        return True


def run(model: Optional[Path] = None) -> int:
    """`make run`: start everything, print the URLs, wait for Ctrl-C."""
    from bot.training import newest_model

    settings = Settings.from_environment()
    stack = Stack(env=default_environment(settings), log_dir=PROJECT_ROOT / "logs")
    model = model or newest_model(settings.models_dir)
    if model is None:
        print("No trained model in models/: run `make train`.", file=sys.stderr)
        return 2
    stopping = False

    def _stop(signum, frame):  # noqa: ARG001 - signal handler signature
        nonlocal stopping
        stopping = True

    # Ctrl-C, `kill`, or the terminal closing: stop everything this run started.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _stop)
    try:
        print("Starting Redis, action server, Rasa server and counsellor console (logs in logs/) ...",
              flush=True)
        stack.start_redis(PROJECT_ROOT / ".redis")
        stack.start_action_server()
        stack.start_rasa(model)
        stack.start_console()
        print("\nThe child helpline assistant is running:")
        for name, url in stack.urls.items():
            print(f"  {name}: {url}")
        if "Counsellor console" in stack.urls and not _console_has_accounts(settings):
            print("\nNo counsellor accounts yet. In another terminal create one (it asks for a password):\n"
                  "  make user NAME=amal ROLE=counsellor      (ROLE=supervisor for a supervisor)")
        print(f"\nRasa HTTP API token (this run): {stack.env['RASA_TOKEN'][:4]}... (set RASA_TOKEN to fix it)")
        print("Press Ctrl-C to stop everything started here.", flush=True)
        while not stopping:
            for process in stack.processes:
                if process.poll() is not None:
                    print(f"{process.name} exited with code {process.returncode}; see logs/{process.name}.log",
                          file=sys.stderr)
                    stopping = True
            time.sleep(0.5)
    except (RuntimeError, TimeoutError) as error:
        print(f"Could not start: {error}", file=sys.stderr)
        return 1
    finally:
        try:
            print("\nStopping ...", flush=True)
        except OSError:  # the terminal or pipe may already be gone; stopping matters more than saying so
            pass
        stack.stop()
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Run the whole child helpline system.")
    parser.add_argument("--model", type=Path, help="model archive (default: newest in models/)")
    args = parser.parse_args(argv)
    return run(args.model)


if __name__ == "__main__":
    sys.exit(main())
