"""Every report figure on the hand-worked desk of `dataset.py`, on SQLite and PostgreSQL.

Percentiles are linear interpolation between closest ranks (percentile_cont): for sorted
v[0..n-1], pos = p·(n-1), value = v[floor(pos)] + frac(pos)·(v[floor(pos)+1] - v[floor(pos)]).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from supportbot.config import Config
from supportbot.insights.build import compute_metrics
from supportbot.insights.model import Metrics
from supportbot.insights.period import Filters, Period
from supportbot.store.db import Database

from . import dataset


async def metrics(db: Database, filters: Filters | None = None, **kw: object) -> Metrics:
    async with db.sessions() as session:
        await dataset.seed(session)
    async with db.sessions() as session:
        period = kw.get("period", dataset.PERIOD)
        assert isinstance(period, Period)
        return await compute_metrics(session, dataset.config(), period, filters, now=dataset.NOW)


async def test_volume_resolution_and_reopen_rates(db: Database) -> None:
    m = await metrics(db)
    # Tickets 1–10 were created in the period (11 is the week before).
    assert m.volume.created == 10
    # Resolved: 1 2 3 4 5 7 8 9 -> 8; resolution rate 8/10.
    assert m.volume.resolved == 8
    assert m.volume.resolution_rate == pytest.approx(0.8)
    # Reopened: 3 (resolved again) and 6 (open again, so not resolved now). Ever resolved:
    # the 8 resolved + 6 -> reopen rate 2/9.
    assert (m.volume.reopened, m.volume.ever_resolved) == (2, 9)
    assert m.volume.reopen_rate == pytest.approx(2 / 9)
    # No first response yet: ticket 10.
    assert m.volume.unanswered == 1


async def test_first_response_median_p90_and_bands(db: Database) -> None:
    m = await metrics(db)
    # Answered 1–9, first response in seconds, sorted:
    #   30, 60, 120, 300, 420, 600, 900, 1200 (#9), 227700 (#8: Fri 17:50 -> Mon 09:05 = 63h15m)
    # n = 9. Median: pos = 0.5·8 = 4 -> 420.
    # p90: pos = 0.9·8 = 7.2 -> 1200 + 0.2·(227700 - 1200) = 1200 + 45300 = 46500.
    assert m.first_response.count == 9
    assert m.first_response.median == pytest.approx(420)
    assert m.first_response.p90 == pytest.approx(46500)
    # Bands (a limit belongs to the faster band): ≤60: 30, 60 | ≤300: 120, 300 |
    # ≤600: 420, 600 | >600: 900, 1200, 227700.
    assert m.bands.counts == (2, 2, 2, 3)
    assert m.bands.shares == pytest.approx((2 / 9, 2 / 9, 2 / 9, 3 / 9))


async def test_resolution_median_and_p90(db: Database) -> None:
    m = await metrics(db)
    # Resolution seconds, sorted: 1800 (#3), 3600 (#1), 9000 (#2), 14400 (#4), 86400 (#5),
    # 86400 (#7), 229500 (#8: Fri 17:50 -> Mon 09:35 = 63h45m), 234000 (#9: Fri 17 -> Mon 10).
    # n = 8. Median: pos = 3.5 -> 14400 + 0.5·(86400 - 14400) = 50400.
    # p90: pos = 0.9·7 = 6.3 -> 229500 + 0.3·(234000 - 229500) = 230850.
    assert m.resolution.count == 8
    assert m.resolution.median == pytest.approx(50400)
    assert m.resolution.p90 == pytest.approx(230850)


async def test_sla_in_business_hours_with_breaches(db: Database) -> None:
    m = await metrics(db)
    # Business hours Mon–Fri 09–18 UTC. Targets: P1 15m/4h, P2 30m/8h, P3 4h/3d;
    # enterprise (Acme, tickets 1 and 2) P2 1m/2h.
    # First response:
    #   1: 30 ≤ 60 met; 2: 60 ≤ 60 met; 3,4,5 ≤ 4h met; 6: 600 ≤ 1800 met; 7: 900 ≤ 1800 met;
    #   8: Fri 17:50–18:00 (600) + Mon 09:00–09:05 (300) = 900 ≤ 900 met (wall: 63 h!);
    #   9: 17:00–17:20 = 1200 > 900 BREACH;
    #   10: open; Sat and Sun closed, Mon 09–10 = 3600 ≤ 14400 -> pending.
    #   met 8, breached 1, pending 1 -> compliance 8/9.
    fr = m.sla.first_response
    assert (fr.met, fr.breached, fr.pending) == (8, 1, 1)
    assert fr.compliance == pytest.approx(8 / 9)
    # Resolution:
    #   1: 3600 ≤ 7200 met; 2: 9000 > 7200 BREACH (enterprise tier); 3, 4, 5 met (≤ 3d);
    #   6: open since Mon 14:00: Mon 4h + Tue–Fri 4·9h + Mon 23 1h = 41h = 147600 > 28800 BREACH;
    #   7: Mon 15–18 (3h) + Tue 09–15 (6h) = 32400 − 7200 paused = 25200 ≤ 28800 met;
    #   8: 600 + 2100 = 2700 ≤ 14400 met; 9: Fri 17–18 + Mon 09–10 = 7200 ≤ 14400 met;
    #   10: open, pending.   met 7, breached 2, pending 1 -> 7/9.
    res = m.sla.resolution
    assert (res.met, res.breached, res.pending) == (7, 2, 1)
    assert res.compliance == pytest.approx(7 / 9)
    found = {(b.ticket_id, b.clock): b for b in m.sla.breaches}
    assert set(found) == {(9, "first_response"), (2, "resolution"), (6, "resolution")}
    assert found[(9, "first_response")].elapsed_seconds == pytest.approx(1200)
    assert found[(9, "first_response")].target_seconds == 900
    assert found[(2, "resolution")].elapsed_seconds == pytest.approx(9000)
    assert found[(2, "resolution")].target_seconds == 7200
    assert found[(6, "resolution")].elapsed_seconds == pytest.approx(147600)
    assert found[(6, "resolution")].still_open
    assert not found[(2, "resolution")].still_open


async def test_sla_in_wall_clock_time(db: Database) -> None:
    async with db.sessions() as session:
        await dataset.seed(session)
    config = dataset.config()
    config = config.model_copy(
        update={"sla": config.sla.model_copy(update={"business_hours": False})}
    )
    async with db.sessions() as session:
        m = await compute_metrics(session, config, dataset.PERIOD, now=dataset.NOW)
    # Wall clock: 8 (63h15m > 15m) and 9 (1200 > 900) breach first response; 10 has waited
    # Sat 12:00 -> Mon 10:00 = 46h > 4h: breached while still open.  met 7 / 10 settled.
    fr = m.sla.first_response
    assert (fr.met, fr.breached, fr.pending) == (7, 3, 0)
    # Resolution: 2 (9000 > 7200), 6 (open 164h), 7 (86400 − 7200 = 79200 > 28800),
    # 8 (229500 > 14400), 9 (234000 > 14400) breach; 10 open 46h < 3d pending.  met 1 3 4 5.
    res = m.sla.resolution
    assert (res.met, res.breached, res.pending) == (4, 5, 1)


async def test_csat_average_distribution_and_response_rate(db: Database) -> None:
    m = await metrics(db)
    # Polls sent in the period: tickets 1 (5), 2 (4), 3 (5), 4 (2), 7 (3), 5 (no answer).
    # Average (5+4+5+2+3)/5 = 3.8; distribution 1..5 = 0,1,1,1,2; response rate 5/6.
    assert (m.csat.sent, m.csat.answered) == (6, 5)
    assert m.csat.average == pytest.approx(3.8)
    assert m.csat.distribution == (0, 1, 1, 1, 2)
    assert m.csat.response_rate == pytest.approx(5 / 6)


async def test_escalations_count_approval_rate_and_time_to_decide(db: Database) -> None:
    m = await metrics(db)
    # In the period: approved (600 s), denied (1800 s), pending, approved (300 s).
    # Approval rate 2/(2+1). Decision times sorted 300, 600, 1800: median 600;
    # p90: pos = 0.9·2 = 1.8 -> 600 + 0.8·1200 = 1560.
    e = m.escalations
    assert (e.requested, e.approved, e.denied) == (4, 2, 1)
    assert e.approval_rate == pytest.approx(2 / 3)
    assert e.decision.count == 3
    assert e.decision.median == pytest.approx(600)
    assert e.decision.p90 == pytest.approx(1560)


async def test_handoffs_per_department(db: Database) -> None:
    m = await metrics(db)
    by = {h.department: h for h in m.handoffs}
    assert set(by) == {"sales", "engineering"}
    # Sales: accepted after 600 and 3600 s: median 2100, p90 600 + 0.9·3000 = 3300;
    # one closed after 3600 s.
    sales = by["sales"]
    assert (sales.opened, sales.accepted, sales.closed) == (2, 2, 1)
    assert sales.to_accept.median == pytest.approx(2100)
    assert sales.to_accept.p90 == pytest.approx(3300)
    assert sales.to_close.median == pytest.approx(3600)
    # Engineering (the one before the period excluded): accepted 300 s, closed 86400 s.
    eng = by["engineering"]
    assert (eng.opened, eng.accepted, eng.closed) == (1, 1, 1)
    assert eng.to_accept.median == pytest.approx(300)
    assert eng.to_close.p90 == pytest.approx(86400)


async def test_per_agent_table(db: Database) -> None:
    m = await metrics(db)
    by = {a.handle: a for a in m.agents}
    # alice: 1 2 6 9 (3 resolved); first responses 30 60 600 1200 -> median pos 1.5 = 330;
    #   CSAT 5, 4 -> 4.5; kudos 3 + 1 = 4.
    # bob: 3 4 5 7 (all resolved); 120 300 420 900 -> 360; CSAT 5 2 3 -> 10/3; kudos 1.
    # carol: 8; 227700; no CSAT; her 5 kudos were given before the period.
    a, b, c = by["alice"], by["bob"], by["carol"]
    assert (a.handled, a.resolved, a.csat_answers, a.kudos_points) == (4, 3, 2, 4)
    assert a.first_response_median == pytest.approx(330)
    assert a.csat_average == pytest.approx(4.5)
    assert (b.handled, b.resolved, b.csat_answers, b.kudos_points) == (4, 4, 3, 1)
    assert b.first_response_median == pytest.approx(360)
    assert b.csat_average == pytest.approx(10 / 3)
    assert (c.handled, c.first_response_median, c.csat_average, c.kudos_points) == (
        1,
        pytest.approx(227700),
        None,
        0,
    )
    assert [row.handle for row in m.agents] == ["alice", "bob", "carol"]


async def test_busiest_hours_and_daily_volume(db: Database) -> None:
    m = await metrics(db)
    # Mon 09 has tickets 1, 2; Fri 17 has 8, 9; one each Mon 10, 11, 13, 14, 15 and Sat 12.
    top = [(h.weekday, h.hour, h.tickets) for h in m.busiest_hours(5)]
    assert top == [(0, 9, 2), (4, 17, 2), (0, 10, 1), (0, 11, 1), (0, 13, 1)]
    assert sum(map(sum, m.week_heat)) == 10
    assert m.daily[0] == (date(2026, 11, 16), 7)
    assert dict(m.daily)[date(2026, 11, 20)] == 2
    assert dict(m.daily)[date(2026, 11, 21)] == 1
    assert len(m.daily) == 7


@pytest.mark.parametrize(
    ("filters", "created"),
    [
        (Filters(team="tier2"), 1),  # ticket 4
        (Filters(platform="teams"), 4),  # 3 4 5 7
        (Filters(organization="Acme"), 2),  # 1 2
        (Filters(agent="alice"), 4),  # 1 2 6 9
        (Filters(category="billing"), 2),  # 1 2
        (Filters(channel="C-acme"), 2),  # 1 2
        (Filters(team="tier1", platform="teams"), 3),  # 3 5 7
    ],
)
async def test_filters_narrow_every_figure(db: Database, filters: Filters, created: int) -> None:
    m = await metrics(db, filters)
    assert m.volume.created == created


async def test_filters_apply_to_activity_figures(db: Database) -> None:
    m = await metrics(db, Filters(platform="teams"))
    # Teams tickets 3 4 5 7: first responses 120 300 420 900 -> median 360.
    assert m.first_response.median == pytest.approx(360)
    # Their polls: 3 (5), 4 (2), 7 (3), 5 (none) -> 4 sent, 3 answered, average 10/3.
    assert (m.csat.sent, m.csat.answered) == (4, 3)
    assert m.csat.average == pytest.approx(10 / 3)
    # One escalation (ticket 4, approved after 300 s), one hand-off (sales, ticket 5).
    assert (m.escalations.requested, m.escalations.decision.median) == (1, pytest.approx(300))
    assert [(h.department, h.opened) for h in m.handoffs] == [("sales", 1)]
    assert {a.handle for a in m.agents} >= {"bob"}


async def test_empty_period_has_counts_of_zero_and_no_figures(db: Database) -> None:
    empty = Period(datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 8, tzinfo=UTC))
    m = await metrics(db, period=empty)
    assert (m.volume.created, m.volume.resolved, m.volume.unanswered) == (0, 0, 0)
    assert m.volume.resolution_rate is None and m.volume.reopen_rate is None
    assert (m.first_response.count, m.first_response.median, m.first_response.p90) == (
        0,
        None,
        None,
    )
    assert m.resolution.median is None
    assert m.bands.counts == (0, 0, 0, 0) and m.bands.shares == (None, None, None, None)
    assert m.sla.first_response.compliance is None and m.sla.breaches == ()
    assert (m.csat.sent, m.csat.average, m.csat.response_rate) == (0, None, None)
    assert m.escalations.requested == 0 and m.escalations.approval_rate is None
    assert m.handoffs == () and m.busiest_hours() == ()
    assert [row.handle for row in m.agents] == []
    assert len(m.daily) == 7 and all(count == 0 for _, count in m.daily)


async def test_a_desk_without_sla_targets_reports_no_compliance(db: Database) -> None:
    async with db.sessions() as session:
        await dataset.seed(session)
        m = await compute_metrics(session, Config(), dataset.PERIOD, now=dataset.NOW)
    assert m.volume.created == 10
    assert m.sla.first_response.compliance is None and m.sla.breaches == ()
