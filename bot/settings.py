"""The one place that reads configuration from the environment.

Every process (Rasa server, action server, counsellor console, tools) imports `settings` from here, so a
deployment changes behaviour through environment variables only. Defaults suit `make run` on a laptop.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def _str(name: str, default: str) -> str:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


@dataclass(frozen=True)
class Settings:
    """Runtime settings; build with `Settings.from_environment()`."""

    redis_host: str = "localhost"
    redis_port: int = 6379
    redis_password: str = ""
    redis_db: int = 0
    rasa_port: int = 5005
    action_port: int = 5055
    console_port: int = 8080
    rasa_url: str = "http://localhost:5005"
    action_server_url: str = "http://localhost:5055/webhook"
    rasa_token: str = ""
    console_secret: str = ""
    # Conversation retention in the tracker store, in seconds (0 = keep until deleted).
    tracker_retention_s: int = 0
    helplines_file: Path = field(default=PROJECT_ROOT / "data" / "helplines.yml")
    models_dir: Path = field(default=PROJECT_ROOT / "models")
    log_level: str = "INFO"

    @classmethod
    def from_environment(cls) -> "Settings":
        rasa_port = _int("RASA_PORT", 5005)
        action_port = _int("ACTION_PORT", 5055)
        return cls(
            redis_host=_str("REDIS_HOST", "localhost"),
            redis_port=_int("REDIS_PORT", 6379),
            redis_password=_str("REDIS_PASSWORD", ""),
            redis_db=_int("REDIS_DB", 0),
            rasa_port=rasa_port,
            action_port=action_port,
            console_port=_int("CONSOLE_PORT", 8080),
            rasa_url=_str("RASA_URL", f"http://localhost:{rasa_port}"),
            action_server_url=_str("ACTION_SERVER_URL", f"http://localhost:{action_port}/webhook"),
            rasa_token=_str("RASA_TOKEN", ""),
            console_secret=_str("CONSOLE_SECRET", ""),
            tracker_retention_s=_int("TRACKER_RETENTION_S", 0),
            helplines_file=Path(_str("HELPLINES_FILE", str(PROJECT_ROOT / "data" / "helplines.yml"))),
            models_dir=Path(_str("MODELS_DIR", str(PROJECT_ROOT / "models"))),
            log_level=_str("LOG_LEVEL", "INFO"),
        )

    def redis_url(self) -> str:
        auth = f":{self.redis_password}@" if self.redis_password else ""
        return f"redis://{auth}{self.redis_host}:{self.redis_port}/{self.redis_db}"


def redis_client(settings: "Settings | None" = None, decode_responses: bool = True):
    """A synchronous redis-py client for the configured server."""
    import redis

    settings = settings or Settings.from_environment()
    return redis.Redis(
        host=settings.redis_host,
        port=settings.redis_port,
        password=settings.redis_password or None,
        db=settings.redis_db,
        decode_responses=decode_responses,
    )


def async_redis_client(settings: "Settings | None" = None, decode_responses: bool = True):
    """An asyncio redis-py client for the configured server (for Sanic apps and channels)."""
    import redis.asyncio

    settings = settings or Settings.from_environment()
    return redis.asyncio.Redis(
        host=settings.redis_host,
        port=settings.redis_port,
        password=settings.redis_password or None,
        db=settings.redis_db,
        decode_responses=decode_responses,
    )
