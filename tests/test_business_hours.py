"""Business time: one definition for SLA clocks, acknowledgements and reports."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from supportbot.business_hours import add_business_time, business_seconds, is_open
from supportbot.config import BusinessHours

TOKYO = BusinessHours(
    timezone="Asia/Tokyo", start=time(9), end=time(18), holidays=[date(2026, 12, 31)]
)


def jst(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    # JST is UTC+9 all year (no daylight saving), so the arithmetic below is exact.
    return (
        datetime(2026, month, day, hour - 9, minute, tzinfo=UTC)
        if hour >= 9
        else (datetime(2026, month, day - 1, hour + 15, minute, tzinfo=UTC))
    )


def test_open_inside_hours_and_closed_on_weekends_and_holidays() -> None:
    assert is_open(jst(24, 10), TOKYO)  # Tuesday 10:00
    assert not is_open(jst(24, 18), TOKYO)  # closing time is exclusive
    assert not is_open(jst(28, 10), TOKYO)  # Saturday
    assert not is_open(jst(31, 10, month=12), TOKYO)  # a configured holiday


def test_adding_business_time_skips_the_night_and_the_weekend() -> None:
    # Friday 17:30 + 1h: 30 min on Friday, 30 min from Monday 09:00.
    assert add_business_time(jst(27, 17, 30), timedelta(hours=1), TOKYO) == jst(30, 9, 30)
    # Saturday 12:00 + 15 min starts counting at Monday 09:00.
    assert add_business_time(jst(28, 12), timedelta(minutes=15), TOKYO) == jst(30, 9, 15)


def test_business_seconds_counts_only_the_overlap() -> None:
    # Friday 17:00 → Monday 10:00: 1h on Friday + 1h on Monday.
    assert business_seconds(jst(27, 17), jst(30, 10), TOKYO) == 2 * 3600
    assert business_seconds(jst(30, 10), jst(27, 17), TOKYO) == 0


def test_a_calendar_with_no_open_day_gives_no_deadline() -> None:
    never = BusinessHours(timezone="UTC", days=[])
    assert add_business_time(datetime(2026, 1, 1, tzinfo=UTC), timedelta(hours=1), never) is None
