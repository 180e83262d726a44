"""Erlang C against a published worked example, and the forecast on hand-made history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from supportbot.insights import erlang
from supportbot.insights.forecast import (
    ForecastSettings,
    build_forecast,
    fit_line,
    forecast,
    slot_of,
)
from supportbot.store.db import Database
from supportbot.store.models import Person, Ticket

UTC_ZONE = ZoneInfo("UTC")


def test_erlang_c_matches_the_call_centre_helper_worked_example() -> None:
    # Source: Call Centre Helper, "Erlang C Formula – Made Simple With an Easy Worked Example"
    # (callcentrehelper.com). 100 calls in 30 minutes, average handling time 3 minutes (180 s),
    # target: 80% of calls answered within 20 seconds.
    #   Traffic intensity A = 100 / 1800 s × 180 s = 10 Erlangs.
    #   With 11 agents: P(wait) = 0.6821 (68.21%), service level = 1 − 0.6821·e^(−1·20/180) = 39%.
    #   Adding agents: 12 → 64%, 13 → 79.6%, 14 → 88.8%: 14 agents are required.
    a = erlang.traffic(100, 1800, 180)
    assert a == pytest.approx(10)
    assert erlang.wait_probability(11, a) == pytest.approx(0.6821, abs=5e-5)
    assert erlang.service_level(11, a, 180, 20) == pytest.approx(0.39, abs=5e-3)
    result = erlang.staffing(
        calls=100, interval_seconds=1800, aht_seconds=180, within_seconds=20, target=0.8
    )
    assert result.agents == 14
    assert result.service_level == pytest.approx(0.888, abs=1e-3)
    assert result.occupancy == pytest.approx(10 / 14)


def test_erlang_c_edges() -> None:
    assert erlang.wait_probability(5, 0) == 0
    assert erlang.wait_probability(5, 5) == 1  # saturated: every arrival waits
    assert erlang.staffing(calls=0, interval_seconds=3600, aht_seconds=600, within_seconds=300,
                           target=0.8).agents == 0  # fmt: skip
    # A huge queue stays finite (the Erlang B recursion never overflows).
    big = erlang.staffing(
        calls=3000, interval_seconds=3600, aht_seconds=600, within_seconds=60, target=0.9
    )
    assert 500 < big.agents < 560


def test_fit_line_by_hand() -> None:
    # Points (0,15) (1,17) (2,19) (3,21): slope 2, intercept 15.
    assert fit_line([15, 17, 19, 21]) == pytest.approx((15, 2))


def test_profile_with_trend_by_hand() -> None:
    start = datetime(2026, 11, 23, tzinfo=UTC)  # a Monday, 00:00
    counts: dict[datetime, int] = {}
    # Four weeks of history. Mon 09:00 gets 10, 12, 14, 16 tickets; Wed 14:00 gets 5 each week.
    for week, busy in enumerate([10, 12, 14, 16]):
        monday = start - timedelta(weeks=4 - week)
        counts[monday + timedelta(hours=9)] = busy
        counts[monday + timedelta(days=2, hours=14)] = 5
    settings = ForecastSettings(weeks=1, history_weeks=4, aht_seconds=600, within_seconds=300)
    f = build_forecast(counts, start, settings, UTC_ZONE)
    # Weekly totals 15 17 19 21: line 15 + 2x, next week (x = 4) 23; mean total 18.
    # Mon 09: mean 13 × 23/18 = 16.611…; Wed 14: 5 × 23/18 = 6.388…; every other hour 0.
    assert f.weekly_totals == (15, 17, 19, 21)
    assert f.trend_per_week == pytest.approx(2)
    by_slot = {slot_of(h.start, UTC_ZONE): h for h in f.hours}
    assert len(f.hours) == 168
    assert by_slot[9].expected == pytest.approx(13 * 23 / 18)
    assert by_slot[2 * 24 + 14].expected == pytest.approx(5 * 23 / 18)
    assert sum(h.expected for h in f.hours) == pytest.approx(23)
    # Agents: 16.61 tickets/h × 600 s = 2.77 Erlangs; Erlang C for 80% within 5 min.
    expected = erlang.staffing(calls=13 * 23 / 18, interval_seconds=3600, aht_seconds=600,
                               within_seconds=300, target=0.8)  # fmt: skip
    assert by_slot[9].agents == expected.agents >= 3
    assert by_slot[3].agents == 0


async def test_forecast_reads_history_from_the_database(db: Database) -> None:
    now = datetime(2026, 11, 23, 0, 30, tzinfo=UTC)  # forecast starts Mon 23 00:00
    opened = datetime(2026, 11, 9, tzinfo=UTC)  # the desk's first ticket: Mon 9, 00:00
    tuesdays = [datetime(2026, 11, 10, 10, 15, tzinfo=UTC) + timedelta(weeks=w) for w in (0, 1)]
    await add_tickets(db, [opened] + [tuesdays[0]] * 2 + [tuesdays[1]] * 4)
    async with db.sessions() as session:
        f = await forecast(session, now, UTC_ZONE, ForecastSettings(history_weeks=8))
    # The six weeks before the first ticket are not history: 2 weeks, totals 3 and 4, line
    # 3 + x, next week 5, mean 3.5; Tue 10: mean 3 × 5/3.5.
    assert f.history_weeks_used == 2
    assert f.weekly_totals == (3, 4)
    by_slot = {slot_of(h.start, UTC_ZONE): h.expected for h in f.hours}
    assert by_slot[24 + 10] == pytest.approx(3 * 5 / 3.5)


async def add_tickets(db: Database, moments: list[datetime]) -> None:
    async with db.sessions() as session:
        session.add(Person(id=1, handle="c", name="C"))
        await session.flush()
        for at in moments:
            session.add(Ticket(subject="x", team="t", requester_id=1, origin_platform="slack",
                               created_at=at, updated_at=at))  # fmt: skip
        await session.commit()


def steady_history(start: datetime, days: int, per_day: int) -> dict[datetime, int]:
    """`per_day` tickets a day for `days` days before `start`, spread over 09:00-17:00."""
    counts: dict[datetime, int] = {}
    for day in range(1, days + 1):
        midnight = start - timedelta(days=day)
        for i in range(per_day):
            hour = midnight + timedelta(hours=9 + i % 8)
            counts[hour] = counts.get(hour, 0) + 1
    return counts


def test_a_partial_first_week_does_not_read_as_growth() -> None:
    # Issue #13: 30 days of steady history read as weekly totals [66, 231, 231, 231, 231]; the
    # line through them rose ~30 a week and the forecast said ~290 against a flat 231.
    start = datetime(2026, 11, 23, tzinfo=UTC)
    counts = steady_history(start, days=30, per_day=33)
    settings = ForecastSettings(history_weeks=8)
    naive = build_forecast(counts, start, settings, UTC_ZONE)
    assert naive.weekly_totals == (66, 231, 231, 231, 231) and naive.trend_per_week > 25
    f = build_forecast(counts, start, settings, UTC_ZONE, opened=start - timedelta(days=30))
    assert f.weekly_totals == (231, 231, 231, 231)
    assert f.trend_per_week == pytest.approx(0)
    assert sum(h.expected for h in f.hours) == pytest.approx(231)


def test_a_desk_younger_than_a_week_uses_its_days_without_a_trend() -> None:
    start = datetime(2026, 11, 23, tzinfo=UTC)
    counts = steady_history(start, days=3, per_day=8)  # Fri, Sat, Sun: 24 tickets
    f = build_forecast(counts, start, ForecastSettings(history_weeks=4), UTC_ZONE,
                       opened=start - timedelta(days=3))  # fmt: skip
    assert f.weekly_totals == (24,) and f.trend_per_week == 0
    assert sum(h.expected for h in f.hours) == pytest.approx(24)


async def test_the_forecast_skips_the_week_the_desk_opened_in(db: Database) -> None:
    now = datetime(2026, 11, 23, 0, 30, tzinfo=UTC)
    # Opened on Thursday 12 (partial week), then one ticket a day at 10:00 until Sunday 22.
    days = [datetime(2026, 11, 12, 10, tzinfo=UTC) + timedelta(days=d) for d in range(11)]
    await add_tickets(db, days)
    async with db.sessions() as session:
        f = await forecast(session, now, UTC_ZONE, ForecastSettings(history_weeks=4))
    assert f.weekly_totals == (7,)  # the week of Mon 16: the 4 days before it are left out
    assert f.history_weeks_used == 1


def test_a_falling_trend_cannot_zero_the_forecast() -> None:
    start = datetime(2026, 11, 23, tzinfo=UTC)
    # Weekly totals 30, 10: the line predicts −10 next week; the factor is clamped to 0.5.
    counts = {start - timedelta(weeks=2, hours=-9): 30, start - timedelta(weeks=1, hours=-9): 10}
    f = build_forecast(counts, start, ForecastSettings(history_weeks=2), UTC_ZONE)
    assert {slot_of(h.start, UTC_ZONE): h.expected for h in f.hours}[9] == pytest.approx(20 * 0.5)
