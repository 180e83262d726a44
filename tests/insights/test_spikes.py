"""Spike detection: the Poisson tail by hand, and the query on both databases."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from supportbot.config import Config
from supportbot.insights.spikes import SpikeRule, detect_spikes, find_spikes, poisson_tail
from supportbot.store.db import Database
from supportbot.store.models import Person, Ticket

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_poisson_tail_by_hand() -> None:
    # P(X ≥ 2 | λ = 1) = 1 − e⁻¹(1 + 1) = 1 − 2/e ≈ 0.26424
    assert poisson_tail(2, 1.0) == pytest.approx(1 - 2 / math.e)
    # P(X ≥ 1 | λ) = 1 − e^−λ
    assert poisson_tail(1, 0.5) == pytest.approx(1 - math.exp(-0.5))
    assert poisson_tail(0, 3.0) == 1.0
    assert poisson_tail(3, 0.0) == 0.0


def test_find_spikes_compares_the_hour_with_the_week() -> None:
    rule = SpikeRule()  # 1 h window, 7 d baseline, alpha 0.001, at least 5 tickets
    # login: 168 tickets in the week = 1/h; 8 in the last hour: P(X ≥ 8 | 1) ≈ 1.0e-5 -> spike.
    # billing: 840 in the week = 5/h; 8 in the last hour: P(X ≥ 8 | 5) ≈ 0.13 -> normal.
    # new: never seen (floor 0.1/h); 5 now: P(X ≥ 5 | 0.1) ≈ 7.7e-8 -> spike.
    # quiet: 4 now, below the minimum count.
    found = find_spikes(
        {"login": 8, "billing": 8, "new": 5, "quiet": 4},
        {"login": 168, "billing": 840},
        rule,
    )
    assert [(k, n) for k, n, _, _ in found] == [("new", 5), ("login", 8)]
    login = next(f for f in found if f[0] == "login")
    assert login[2] == pytest.approx(1.0)
    assert login[3] == pytest.approx(1.02e-5, rel=0.01)


async def test_detect_spikes_returns_the_tickets(db: Database) -> None:
    async with db.sessions() as session:
        session.add(Person(id=1, handle="c", name="C"))
        await session.flush()

        def ticket(category: str | None, at: datetime, subject: str = "help") -> Ticket:
            return Ticket(subject=subject, category=category, team="t", requester_id=1,
                          origin_platform="slack", created_at=at, updated_at=at)  # fmt: skip

        for day in range(7):  # a steady baseline: 1 "login" a day
            session.add(ticket("login", NOW - timedelta(days=day + 1, hours=3)))
        burst = [ticket("login", NOW - timedelta(minutes=5 * i + 1)) for i in range(6)]
        session.add_all(burst)
        session.add_all(
            ticket(None, NOW - timedelta(minutes=i + 1), " VPN down ") for i in range(5)
        )
        session.add(ticket("billing", NOW - timedelta(minutes=3)))
        session.add(ticket("login", NOW - timedelta(hours=2)))  # outside the window
        await session.commit()
        burst_ids = tuple(sorted(t.id for t in burst))
    async with db.sessions() as session:
        spikes = await detect_spikes(session, NOW, Config())
    by = {s.category: s for s in spikes}
    assert set(by) == {"login", "text:vpn down"}
    # login: 6 now vs 8 in the week before -> expected 8/168 = 0.0476, floored to 0.1.
    assert by["login"].count == 6 and by["login"].ticket_ids == burst_ids
    assert by["login"].expected == pytest.approx(0.1)
    assert by["text:vpn down"].count == 5


async def test_no_spike_on_a_quiet_hour(db: Database) -> None:
    async with db.sessions() as session:
        assert await detect_spikes(session, NOW, Config()) == []
