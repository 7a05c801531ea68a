"""Shared fixtures: real Redis, real Rasa server, real action server, real console.

Unit tests need nothing. Tests marked `integration` get `stack`: every process started once per test session
on free ports, with the newest trained model (run `make train` first; `make test` does). Nothing is mocked:
Redis is a real redis-server with its own data directory, so tests never touch the data of `make run`.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT, Settings
from bot.stack import Stack, default_environment, free_port


def pytest_configure(config):
    config.addinivalue_line("markers", "integration: needs the running stack (Redis, Rasa, actions, console)")
    config.addinivalue_line("markers", "browser: drives headless Chromium with Playwright")


class RedisServer:
    """A redis-server started for the tests, on a free port, in a temporary directory."""

    def __init__(self, stack: Stack, data_dir: Path):
        self.host = "127.0.0.1"
        self.port = int(stack.env["REDIS_PORT"])
        self.data_dir = data_dir
        self.url = f"redis://{self.host}:{self.port}/0"

    def client(self, decode_responses: bool = True):
        import redis

        return redis.Redis(host=self.host, port=self.port, decode_responses=decode_responses)


def _test_environment() -> dict:
    os.environ.setdefault("REDIS_HOST", "127.0.0.1")
    env = default_environment(Settings.from_environment())
    env.update({
        "REDIS_HOST": "127.0.0.1",
        "REDIS_PORT": str(free_port()),
        "RASA_PORT": str(free_port()),
        "ACTION_PORT": str(free_port()),
        "CONSOLE_PORT": str(free_port()),
        "RASA_TOKEN": "test-rasa-token",
        "CONSOLE_SECRET": "test-console-secret",
        "LOG_LEVEL": "INFO",
    })
    env["ACTION_SERVER_URL"] = f"http://localhost:{env['ACTION_PORT']}/webhook"
    env["RASA_URL"] = f"http://localhost:{env['RASA_PORT']}"
    # WhatsApp goes to the fake Graph API (fixture `fake_graph_api`), never to Meta; fixed test secrets.
    env["FAKE_GRAPH_API_PORT"] = str(free_port())
    env["WHATSAPP_API_URL"] = f"http://127.0.0.1:{env['FAKE_GRAPH_API_PORT']}/v21.0"
    env["WHATSAPP_VERIFY_TOKEN"] = "test-verify-token"
    env["WHATSAPP_APP_SECRET"] = "test-app-secret"
    env["WHATSAPP_ACCESS_TOKEN"] = "test-access-token"
    env["WHATSAPP_PHONE_NUMBER_ID"] = "123456789012345"
    return env


@pytest.fixture(scope="session")
def test_environment() -> dict:
    """Environment for every process the tests start (ports, tokens); also applied to os.environ."""
    env = _test_environment()
    saved = dict(os.environ)
    os.environ.update({k: v for k, v in env.items() if k.isupper()})
    yield env
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture(scope="session")
def _base_stack(test_environment, tmp_path_factory):
    stack = Stack(env=test_environment, log_dir=tmp_path_factory.mktemp("logs"))
    yield stack
    stack.stop()


@pytest.fixture(scope="session")
def redis_server(_base_stack, tmp_path_factory) -> RedisServer:
    """A real redis-server (append-only persistence) for this test session."""
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is not installed: run `make redis`")
    data_dir = tmp_path_factory.mktemp("redis")
    _base_stack.start_redis(data_dir)
    return RedisServer(_base_stack, data_dir)


@pytest.fixture(scope="session")
def stack(_base_stack, redis_server) -> Stack:
    """Redis, action server, Rasa server (newest model) and counsellor console, started once."""
    from bot.training import newest_model

    model = newest_model(PROJECT_ROOT / "models")
    if model is None:
        pytest.fail("No trained model in models/: run `make train` first")
    if "Rasa server" not in _base_stack.urls:
        try:
            _base_stack.start_action_server()
            _base_stack.start_rasa(model)
            _base_stack.start_console()
        except Exception:
            for log in sorted(_base_stack.log_dir.glob("*.log")):
                print(f"----- {log.name} (last lines) -----")
                print("\n".join(log.read_text(errors="replace").splitlines()[-40:]))
            raise
    return _base_stack


@pytest.fixture(scope="session")
def fake_graph_api(test_environment):
    """The fake WhatsApp Cloud API (bot/channels/fake_graph_api.py) on FAKE_GRAPH_API_PORT, for the session."""
    from bot.channels.fake_graph_api import FakeGraphApi

    server = FakeGraphApi(int(test_environment["FAKE_GRAPH_API_PORT"])).start()
    yield server
    server.stop()


@pytest.fixture()
def rasa_url(stack) -> str:
    return stack.urls["Rasa server"]


@pytest.fixture()
def console_url(stack) -> str:
    return stack.urls["Counsellor console"]


@pytest.fixture()
def chromium_path() -> str:
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail("chromium is not installed: run `make browser`")
    return path


@pytest.fixture()
def temp_dir():
    with tempfile.TemporaryDirectory() as directory:
        yield Path(directory)
