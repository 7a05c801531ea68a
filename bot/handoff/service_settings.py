"""The counsellor service's settings (data/console/settings.yml): opening hours, alert thresholds, timers.

Both the action server (is a counsellor there to take a handoff?) and the console read this file, so one edit
changes both. Loading is strict: a malformed opening-hours range would silently tell children that nobody is
there, so it fails loudly instead.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Mapping, Tuple
from zoneinfo import ZoneInfo

import yaml

from bot.settings import PROJECT_ROOT

DEFAULT_SETTINGS_FILE = PROJECT_ROOT / "data" / "console" / "settings.yml"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_RANGE = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")


class ServiceSettingsError(ValueError):
    """data/console/settings.yml is missing or malformed."""


@dataclass(frozen=True)
class OpeningHours:
    """Weekly opening hours in one time zone; each day a tuple of (start_minute, end_minute) ranges."""

    timezone: str = "Asia/Qatar"
    days: Mapping[str, Tuple[Tuple[int, int], ...]] = field(
        default_factory=lambda: {day: ((0, 24 * 60),) for day in WEEKDAYS})

    def is_open(self, at: dt.datetime) -> bool:
        """True when `at` (timezone-aware) falls inside an opening range of its local weekday."""
        local = at.astimezone(ZoneInfo(self.timezone))
        minute = local.hour * 60 + local.minute
        return any(start <= minute < end for start, end in self.days.get(WEEKDAYS[local.weekday()], ()))


@dataclass(frozen=True)
class ServiceSettings:
    """Everything in data/console/settings.yml, typed."""

    opening_hours: OpeningHours = field(default_factory=OpeningHours)
    counsellor_online_window_s: int = 120
    alert_waiting_s: Mapping[str, int] = field(default_factory=lambda: {"imminent": 60, "high": 300})
    acknowledgement_interval_s: int = 180
    session_idle_timeout_s: int = 1800
    session_absolute_timeout_s: int = 43200
    secure_cookie: bool = False
    login_max_failures: int = 5
    login_max_failures_per_address: int = 30
    login_window_s: int = 900
    whatsapp_free_text_window_s: int = 86400
    transcript_messages: int = 20

    def alert_after_s(self, level: str) -> int | None:
        """Seconds a ticket of this risk level may wait before the console raises an alarm (None: never)."""
        return self.alert_waiting_s.get(level)


def _ranges(value: Any, where: str) -> Tuple[Tuple[int, int], ...]:
    if not isinstance(value, list):
        raise ServiceSettingsError(f"{where}: expected a list of \"HH:MM-HH:MM\" ranges")
    ranges = []
    for item in value:
        match = _RANGE.match(str(item).strip())
        if not match:
            raise ServiceSettingsError(f"{where}: {item!r} is not a \"HH:MM-HH:MM\" range")
        h1, m1, h2, m2 = (int(part) for part in match.groups())
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if not (0 <= start < end <= 24 * 60) or m1 > 59 or m2 > 59:
            raise ServiceSettingsError(f"{where}: {item!r} must run forwards within one day (00:00-24:00)")
        ranges.append((start, end))
    return tuple(ranges)


def _positive_int(data: Mapping[str, Any], key: str, default: int, where: str) -> int:
    value = data.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ServiceSettingsError(f"{where}.{key}: expected a positive whole number")
    return value


def parse_service_settings(data: Any, origin: str = "<settings>") -> ServiceSettings:
    """Validate the YAML structure of settings.yml and build ServiceSettings."""
    if not isinstance(data, Mapping):
        raise ServiceSettingsError(f"{origin}: expected a mapping")
    timezone = str(data.get("timezone", "Asia/Qatar"))
    try:
        ZoneInfo(timezone)
    except Exception as error:  # ZoneInfoNotFoundError, ValueError
        raise ServiceSettingsError(f"{origin}: unknown timezone {timezone!r}") from error
    hours = data.get("opening_hours") or {}
    if not isinstance(hours, Mapping):
        raise ServiceSettingsError(f"{origin}: opening_hours must map weekdays to lists of ranges")
    unknown = set(hours) - set(WEEKDAYS)
    if unknown:
        raise ServiceSettingsError(f"{origin}: opening_hours has unknown days {sorted(unknown)}")
    days: Dict[str, Tuple[Tuple[int, int], ...]] = {
        day: _ranges(hours.get(day, []), f"{origin}: opening_hours.{day}") for day in WEEKDAYS}

    alerts = (data.get("alerts") or {}).get("waiting_s") or {}
    if not isinstance(alerts, Mapping):
        raise ServiceSettingsError(f"{origin}: alerts.waiting_s must map risk levels to seconds")
    alert_waiting_s = {str(level): _positive_int(alerts, level, 1, f"{origin}: alerts.waiting_s")
                       for level in alerts}
    acks = data.get("acknowledgements") or {}
    sessions = data.get("sessions") or {}
    login = data.get("login") or {}
    whatsapp = data.get("whatsapp") or {}
    tickets = data.get("tickets") or {}
    return ServiceSettings(
        opening_hours=OpeningHours(timezone=timezone, days=days),
        counsellor_online_window_s=_positive_int(data, "counsellor_online_window_s", 120, origin),
        alert_waiting_s=alert_waiting_s,
        acknowledgement_interval_s=_positive_int(acks, "interval_s", 180, f"{origin}: acknowledgements"),
        session_idle_timeout_s=_positive_int(sessions, "idle_timeout_s", 1800, f"{origin}: sessions"),
        session_absolute_timeout_s=_positive_int(sessions, "absolute_timeout_s", 43200, f"{origin}: sessions"),
        secure_cookie=bool(sessions.get("secure_cookie", False)),
        login_max_failures=_positive_int(login, "max_failures", 5, f"{origin}: login"),
        login_max_failures_per_address=_positive_int(login, "max_failures_per_address", 30, f"{origin}: login"),
        login_window_s=_positive_int(login, "window_s", 900, f"{origin}: login"),
        whatsapp_free_text_window_s=_positive_int(whatsapp, "free_text_window_s", 86400, f"{origin}: whatsapp"),
        transcript_messages=_positive_int(tickets, "transcript_messages", 20, f"{origin}: tickets"),
    )


@lru_cache(maxsize=4)
def _load_cached(path: str) -> ServiceSettings:
    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except OSError as error:
        raise ServiceSettingsError(f"{path}: cannot read ({error})") from error
    except yaml.YAMLError as error:
        raise ServiceSettingsError(f"{path}: not valid YAML ({error})") from error
    return parse_service_settings(data, origin=path)


def load_service_settings(path: Path | str | None = None) -> ServiceSettings:
    """The settings in `path` (default data/console/settings.yml), parsed once per path."""
    return _load_cached(str(Path(path or DEFAULT_SETTINGS_FILE).resolve()))
