"""Helpers for the console tests: a real console process, accounts made with `add-user`, and an HTTP client."""
from __future__ import annotations

import http.cookiejar
import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from typing import Any, Dict, Optional, Tuple

import pytest

from bot.settings import PROJECT_ROOT
from bot.stack import free_port, wait_for_http

CONSOLE_TEST_DB = "4"
PASSWORD = "synthetic-pass-phrase-1"


def add_user(env: Dict[str, str], name: str, role: str = "counsellor", password: str = PASSWORD,
             display_name: str = "") -> subprocess.CompletedProcess:
    """`python -m bot.console add-user` with the password on stdin, as an operator would run it."""
    command = [sys.executable, "-m", "bot.console", "add-user", name, "--role", role]
    if display_name:
        command += ["--display-name", display_name]
    return subprocess.run(command, input=password + "\n", env=env, cwd=PROJECT_ROOT, capture_output=True,
                          text=True, timeout=60)


class ConsoleProcess:
    def __init__(self, env: Dict[str, str], log_path) -> None:
        self.env = env
        self.port = int(env["CONSOLE_PORT"])
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.process: Optional[subprocess.Popen] = None

    def start(self) -> None:
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen([sys.executable, "-m", "bot.console", "serve", "--port", str(self.port)],
                                        cwd=PROJECT_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        wait_for_http(f"{self.url}/health", 60, self.process)

    def kill(self) -> None:
        """SIGKILL: the harshest restart; the console must keep nothing that matters in memory."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)


class ApiClient:
    """A browser-like client: keeps the session cookie and sends the CSRF token it got at login."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        self.csrf: Optional[str] = None

    def request(self, method: str, path: str, body: Any = None, raw: Optional[bytes] = None,
                headers: Optional[Dict[str, str]] = None, csrf: bool = True) -> Tuple[int, Dict[str, Any]]:
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        all_headers = {"Content-Type": "application/json"}
        if csrf and self.csrf:
            all_headers["X-CSRF-Token"] = self.csrf
        all_headers.update(headers or {})
        request = urllib.request.Request(self.base_url + path, data=data, method=method, headers=all_headers)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            text = error.read()
            try:
                return error.code, json.loads(text or b"{}")
            except ValueError:
                return error.code, {"raw": text.decode(errors="replace")}

    def get(self, path: str) -> Tuple[int, Dict[str, Any]]:
        return self.request("GET", path)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Tuple[int, Dict[str, Any]]:
        return self.request("POST", path, body if body is not None else {}, **kwargs)

    def login(self, username: str, password: str = PASSWORD) -> Tuple[int, Dict[str, Any]]:
        status, body = self.request("POST", "/api/login", {"username": username, "password": password},
                                    csrf=False)
        if status == 200:
            self.csrf = body["csrf_token"]
        return status, body


@pytest.fixture(scope="module")
def console_env(test_environment, redis_server) -> Dict[str, str]:
    """Environment of a console of its own: Redis database 4, a Rasa URL where nothing listens."""
    env = dict(test_environment)
    env.update({"REDIS_PORT": str(redis_server.port), "REDIS_DB": CONSOLE_TEST_DB,
                "CONSOLE_PORT": str(free_port()), "RASA_URL": f"http://127.0.0.1:{free_port()}",
                "CONSOLE_SECRET": "console-test-secret"})
    import redis

    client = redis.Redis(host=redis_server.host, port=redis_server.port, db=int(CONSOLE_TEST_DB))
    client.flushdb()
    client.close()
    return env


@pytest.fixture(scope="module")
def console(console_env, tmp_path_factory):
    process = ConsoleProcess(console_env, tmp_path_factory.mktemp("console") / "console.log")
    process.start()
    yield process
    process.stop()
