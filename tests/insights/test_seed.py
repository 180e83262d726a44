"""`seed`: reproducible history that the report can read, and new tickets still get ids."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from supportbot.config import Config
from supportbot.insights.build import compute_metrics
from supportbot.insights.period import Period
from supportbot.insights.seed import SeedError, seed_history
from supportbot.store.db import Database
from supportbot.store.models import CsatPoll, Person, Ticket

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


async def test_seed_fills_a_desk_that_reports_sensibly(db: Database) -> None:
    config = Config()
    async with db.sessions() as session:
        summary = await seed_history(session, config, days=14, now=NOW, per_day=30, seed=7)
    assert summary.tickets > 200 and summary.polls > 0 and summary.events > summary.tickets
    async with db.sessions() as session:
        period = Period(datetime(2026, 11, 9, 12, tzinfo=UTC), NOW)
        m = await compute_metrics(session, config, period, now=NOW)
        assert m.volume.created == summary.tickets
        assert m.first_response.median is not None and m.csat.answered > 0
        assert m.agents and m.busiest_hours()[0].weekday < 5  # weekdays are busiest
        # The sequence moved past the explicit ids: a normal insert still works.
        person = await session.scalar(select(Person.id).limit(1))
        assert person is not None
        t = Ticket(subject="new", team="support", requester_id=person, origin_platform="slack")
        session.add(t)
        await session.commit()
        assert t.id == summary.tickets + 1
        with pytest.raises(SeedError):
            await seed_history(session, config, days=1, now=NOW)


async def test_seed_is_reproducible(db: Database) -> None:
    async with db.sessions() as session:
        await seed_history(session, Config(), days=5, now=NOW, seed=3)
        first = (
            await session.execute(select(Ticket.created_at, Ticket.priority).order_by(Ticket.id))
        ).all()
        polls = await session.scalar(select(func.count()).select_from(CsatPoll))
        await session.execute(CsatPoll.__table__.delete())
        await session.execute(Ticket.__table__.delete())
        await session.commit()
        await seed_history(session, Config(), days=5, now=NOW, seed=3)
        again = (
            await session.execute(select(Ticket.created_at, Ticket.priority).order_by(Ticket.id))
        ).all()
        assert again == first
        assert await session.scalar(select(func.count()).select_from(CsatPoll)) == polls
