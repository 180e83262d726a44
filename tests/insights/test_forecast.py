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
    async with db.sessions() as session:
        session.add(Person(id=1, handle="c", name="C"))
        await session.flush()
        n = 0
        for week, busy in enumerate([2, 4]):  # Tue 10:00 in the two weeks before
            tuesday = datetime(2026, 11, 10, 10, 15, tzinfo=UTC) + timedelta(weeks=week)
            for _ in range(busy):
                n += 1
                session.add(Ticket(subject="x", team="t", requester_id=1, origin_platform="slack",
                                   created_at=tuesday, updated_at=tuesday))  # fmt: skip
        await session.commit()
    async with db.sessions() as session:
        f = await forecast(session, now, UTC_ZONE, ForecastSettings(history_weeks=8))
    # Leading empty weeks are dropped: history = 2 weeks, totals 2 and 4 -> next week 6;
    # Tue 10: mean 3 × 6/3 = 6.
    assert f.history_weeks_used == 2
    assert f.weekly_totals == (2, 4)
    assert {slot_of(h.start, UTC_ZONE): h.expected for h in f.hours}[24 + 10] == pytest.approx(6)


def test_a_falling_trend_cannot_zero_the_forecast() -> None:
    start = datetime(2026, 11, 23, tzinfo=UTC)
    # Weekly totals 30, 10: the line predicts −10 next week; the factor is clamped to 0.5.
    counts = {start - timedelta(weeks=2, hours=-9): 30, start - timedelta(weeks=1, hours=-9): 10}
    f = build_forecast(counts, start, ForecastSettings(history_weeks=2), UTC_ZONE)
    assert {slot_of(h.start, UTC_ZONE): h.expected for h in f.hours}[9] == pytest.approx(20 * 0.5)
