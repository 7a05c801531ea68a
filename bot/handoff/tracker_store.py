"""Redis tracker store used by the Rasa server (see endpoints.yml).

It is Rasa's RedisTrackerStore with the values from endpoints.yml (which arrive as strings from
environment variables) turned into proper types.
"""
from __future__ import annotations

from typing import Any, Optional

from rasa.core.tracker_store import RedisTrackerStore


def _optional_float(value: Any) -> Optional[float]:
    if value in (None, "", "0", 0, "None", "null"):
        return None
    return float(value)


class HandoffAwareRedisTrackerStore(RedisTrackerStore):
    """Rasa's Redis tracker store, configured from environment strings."""

    def __init__(self, domain: Any, host: str = "localhost", port: Any = 6379, db: Any = 0,
                 password: Optional[str] = None, record_exp: Any = None, **kwargs: Any) -> None:
        super().__init__(
            domain=domain,
            host=host or "localhost",
            port=int(port or 6379),
            db=int(db or 0),
            password=password or None,
            record_exp=_optional_float(record_exp),
            **kwargs,
        )
