"""data/console/settings.yml: opening hours and thresholds are read strictly."""
from __future__ import annotations

import datetime as dt

import pytest

from bot.handoff.service_settings import ServiceSettingsError, load_service_settings, parse_service_settings

QATAR = dt.timezone(dt.timedelta(hours=3))


def test_the_shipped_settings_load():
    settings = load_service_settings()
    assert settings.alert_after_s("imminent") < settings.alert_after_s("high")
    assert settings.alert_after_s("low") is None


def test_opening_hours_are_local_to_the_helplines_timezone():
    settings = parse_service_settings({"timezone": "Asia/Qatar",
                                       "opening_hours": {"monday": ["08:00-22:00"], "friday": []}})
    monday = dt.datetime(2026, 11, 23, tzinfo=QATAR)
    assert settings.opening_hours.is_open(monday.replace(hour=8))
    assert not settings.opening_hours.is_open(monday.replace(hour=22))
    assert not settings.opening_hours.is_open(monday.replace(hour=7, minute=59))
    # 06:00 UTC on Monday is 09:00 in Doha.
    assert settings.opening_hours.is_open(dt.datetime(2026, 11, 23, 6, tzinfo=dt.timezone.utc))
    assert not settings.opening_hours.is_open(dt.datetime(2026, 11, 27, 12, tzinfo=QATAR))  # Friday: closed


@pytest.mark.parametrize("hours", [{"monday": ["8-22"]}, {"monday": ["22:00-08:00"]}, {"someday": []},
                                   {"monday": "08:00-22:00"}])
def test_malformed_opening_hours_fail_loudly(hours):
    with pytest.raises(ServiceSettingsError):
        parse_service_settings({"opening_hours": hours})


def test_an_unknown_timezone_fails_loudly():
    with pytest.raises(ServiceSettingsError):
        parse_service_settings({"timezone": "Mars/Olympus"})
