"""Periods from the command line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from supportbot.insights.period import Filters, PeriodError, parse_period

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
TOKYO = ZoneInfo("Asia/Tokyo")


def test_since_counts_back_from_now() -> None:
    p = parse_period(since="7d", start=None, end=None, now=NOW, zone=TOKYO)
    assert (p.since, p.until) == (NOW - timedelta(days=7), NOW)
    default = parse_period(since=None, start=None, end=None, now=NOW, zone=TOKYO)
    assert default.since == NOW - timedelta(days=7)


def test_from_to_are_local_days_and_to_is_inclusive() -> None:
    p = parse_period(since=None, start="2026-11-01", end="2026-11-07", now=NOW, zone=TOKYO)
    assert p.since == datetime(2026, 10, 31, 15, tzinfo=UTC)  # 1 Nov 00:00 JST
    assert p.until == datetime(2026, 11, 7, 15, tzinfo=UTC)  # 8 Nov 00:00 JST
    open_ended = parse_period(since=None, start="2026-11-20T12:00", end=None, now=NOW, zone=UTC)
    assert (open_ended.since, open_ended.until) == (datetime(2026, 11, 20, 12, tzinfo=UTC), NOW)


@pytest.mark.parametrize(
    ("since", "start", "end", "message"),
    [
        ("7d", "2026-11-01", None, "either --since or --from"),
        (None, None, "2026-11-01", "--to needs --from"),
        ("soon", None, None, "not a duration"),
        (None, "yesterday", None, "not a date"),
        (None, "2026-11-10", "2026-11-01", "before it starts"),
    ],
)
def test_mistakes_are_explained(
    since: str | None, start: str | None, end: str | None, message: str
) -> None:
    with pytest.raises(PeriodError, match=message):
        parse_period(since=since, start=start, end=end, now=NOW, zone=UTC)


def test_filters_describe_themselves() -> None:
    assert Filters().describe() == ""
    assert Filters(team="tier2", agent="aiko").describe() == "team=tier2, agent=aiko"
