"""Business time, worked by hand (zones, weekends, holidays, DST)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from supportbot.business_hours import business_seconds
from supportbot.config import BusinessHours

UTC_9_TO_18 = BusinessHours(timezone="UTC")


def utc(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "end", "seconds"),
    [
        (utc(16, 10), utc(16, 11), 3600),  # Monday, inside hours
        (utc(16, 7), utc(16, 10), 3600),  # before opening counts from 09:00
        (utc(16, 17), utc(17, 10), 2 * 3600),  # 17–18 Mon + 09–10 Tue
        (utc(20, 17, 50), utc(23, 9, 5), 900),  # Fri 10 min + Mon 5 min, weekend closed
        (utc(21, 10), utc(22, 20), 0),  # the whole weekend
        (utc(16, 9), utc(23, 9), 5 * 9 * 3600),  # one full week: 45 h
        (utc(16, 12), utc(16, 11), 0),  # end before start
    ],
)
def test_business_seconds_in_utc(start: datetime, end: datetime, seconds: float) -> None:
    assert business_seconds(start, end, UTC_9_TO_18) == seconds


def test_time_zone_and_holidays() -> None:
    tokyo = BusinessHours(timezone="Asia/Tokyo", holidays=[date(2026, 11, 23)])  # Labour Thanks.
    # Fri 20 Nov 08:00 UTC = 17:00 JST: one hour left that day; Mon 23 is a holiday;
    # Tue 24 09:00–10:00 JST = Tue 00:00–01:00 UTC.
    assert business_seconds(utc(20, 8), utc(24, 1), tokyo) == 2 * 3600


def test_daylight_saving_day_counts_local_hours() -> None:
    # New York leaves DST on Sun 1 Nov 2026; Mon 2 Nov 09:00–18:00 EST = 14:00–23:00 UTC.
    ny = BusinessHours(timezone="America/New_York", start=time(9), end=time(18))
    assert business_seconds(utc(2, 0), utc(3, 0), ny) == 9 * 3600
    # Fri 30 Oct (still EDT) 09:00–18:00 = 13:00–22:00 UTC.
    assert business_seconds(utc(30, 12, month=10), utc(30, 23, month=10), ny) == 9 * 3600


@pytest.mark.parametrize("zone", ["Asia/Tokyo", "America/New_York"])
def test_calendar_agrees_with_counting_open_minutes(zone: str) -> None:
    """Cross-check against the workflow engine's independent `is_open`, minute by minute."""
    import random
    from datetime import timedelta

    from supportbot.business_hours import BusinessCalendar, is_open

    hours = BusinessHours(timezone=zone, holidays=[date(2026, 11, 3)])
    calendar = BusinessCalendar(hours)
    rng = random.Random(5)
    base = datetime(2026, 10, 28, tzinfo=UTC)  # spans New York's DST change on 1 Nov
    for _ in range(25):
        start = base + timedelta(minutes=rng.randrange(0, 9 * 1440))
        end = start + timedelta(minutes=rng.randrange(0, 4 * 1440))
        minutes = (end - start) // timedelta(minutes=1)
        open_minutes = sum(is_open(start + timedelta(minutes=i), hours) for i in range(minutes))
        assert calendar.elapsed(start, end) == open_minutes * 60
