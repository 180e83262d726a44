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


NIGHTS = BusinessHours(timezone="UTC", start=time(22), end=time(6), days=["mon", "tue"])


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)  # 16 November 2026 is a Monday


def test_an_overnight_shift_opens_on_its_day_and_closes_the_next_morning() -> None:
    assert is_open(utc(16, 23), NIGHTS)  # Monday night
    assert is_open(utc(17, 3), NIGHTS)  # Tuesday 03:00 is still Monday's shift
    assert not is_open(utc(17, 6), NIGHTS)  # closing time is exclusive
    assert not is_open(utc(16, 3), NIGHTS)  # Sunday's shift does not exist
    assert is_open(utc(18, 5), NIGHTS)  # Tuesday's shift runs into Wednesday
    assert not is_open(utc(18, 23), NIGHTS)  # no Wednesday shift


def test_overnight_business_time_counts_across_midnight() -> None:
    # Monday 21:00 + 3h: opens 22:00, so 01:00 on Tuesday.
    assert add_business_time(utc(16, 21), timedelta(hours=3), NIGHTS) == utc(17, 1)
    # Tuesday 05:00 + 2h: 1h of Monday's shift, then Tuesday 22:00 + 1h.
    assert add_business_time(utc(17, 5), timedelta(hours=2), NIGHTS) == utc(17, 23)
    # Monday 12:00 → Wednesday 12:00: two whole 8-hour shifts.
    assert business_seconds(utc(16, 12), utc(18, 12), NIGHTS) == 16 * 3600
    assert business_seconds(utc(17, 2), utc(17, 23), NIGHTS) == 5 * 3600  # 4h + 1h


def test_a_shift_from_midnight_to_midnight_is_open_all_day() -> None:
    always = BusinessHours(timezone="UTC", start=time(0), end=time(0))
    assert business_seconds(utc(16, 0), utc(21, 0), always) == 5 * 86400


def test_the_countrys_public_holidays_are_closed_beside_the_configured_dates() -> None:
    japan = BusinessHours(timezone="Asia/Tokyo", country="JP", holidays=[date(2026, 12, 31)])
    assert not is_open(jst(3, 10), japan)  # Tuesday 3 November: Culture Day
    assert not is_open(jst(23, 10), japan)  # Monday 23 November: Labour Thanksgiving Day
    assert is_open(jst(24, 10), japan)
    assert not is_open(jst(31, 10, month=12), japan)  # the company's own closed day
    # Friday 20 Nov 17:00 + 2h skips the weekend and the Monday holiday: Tuesday 10:00.
    assert add_business_time(jst(20, 17), timedelta(hours=2), japan) == jst(24, 10)
