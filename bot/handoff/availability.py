"""Is a counsellor there to take a handoff right now?

A counsellor is online when their console has talked to the server within the last
`counsellor_online_window_s` seconds (the console records that in the Redis sorted set `console:presence`:
user name -> epoch seconds of the last request). Counsellors are available when at least one is online and the
time is inside the opening hours of data/console/settings.yml. The action server asks before it tells a child
"a counsellor will be with you soon"; when nobody is available the child hears so, gets the numbers, and the
ticket stays queued for the next counsellor.
"""
from __future__ import annotations

import datetime as dt
import time
from typing import Any, List, Optional

from bot.handoff.service_settings import ServiceSettings

PRESENCE_KEY = "console:presence"


async def mark_present(redis: Any, username: str, at: Optional[float] = None) -> None:
    """Record that `username`'s console just talked to the server."""
    await redis.zadd(PRESENCE_KEY, {username: at if at is not None else time.time()})


async def mark_absent(redis: Any, username: str) -> None:
    """Forget a counsellor's presence (they logged out)."""
    await redis.zrem(PRESENCE_KEY, username)


async def online_counsellors(redis: Any, settings: ServiceSettings, at: Optional[float] = None) -> List[str]:
    """User names whose console was active within the online window."""
    now = at if at is not None else time.time()
    return list(await redis.zrangebyscore(PRESENCE_KEY, now - settings.counsellor_online_window_s, "+inf"))


async def counsellors_available(redis: Any, settings: ServiceSettings, at: Optional[float] = None) -> bool:
    """True inside opening hours with at least one counsellor online."""
    now = at if at is not None else time.time()
    if not settings.opening_hours.is_open(dt.datetime.fromtimestamp(now, dt.timezone.utc)):
        return False
    return bool(await online_counsellors(redis, settings, now))
