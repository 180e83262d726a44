"""A small desk whose every figure was worked out by hand (see test_metrics.py for the sums).

All times UTC; the desk works Mon–Fri 09:00–18:00 UTC. The report period is the week
Mon 2026-11-16 00:00 → Mon 2026-11-23 00:00, and "now" is Mon 2026-11-23 10:00.

| #  | created      | prio | org  | team  | platform | agent | first response | resolved       |
|----|--------------|------|------|-------|----------|-------|----------------|----------------|
| 1  | Mon 16 09:00 | P2   | Acme | tier1 | slack    | alice | +30 s          | +3600 s        |
| 2  | Mon 16 09:10 | P2   | Acme | tier1 | slack    | alice | +60 s          | +9000 s        |
| 3  | Mon 16 10:00 | P3   | -    | tier1 | teams    | bob   | +120 s         | +1800 s, reopen|
| 4  | Mon 16 11:00 | P3   | -    | tier2 | teams    | bob   | +300 s         | +14400 s       |
| 5  | Mon 16 13:00 | P3   | -    | tier1 | teams    | bob   | +420 s         | +86400 s       |
| 6  | Mon 16 14:00 | P2   | -    | tier1 | slack    | alice | +600 s         | reopened, open |
| 7  | Mon 16 15:00 | P2   | -    | tier1 | teams    | bob   | +900 s         | +86400 s (*)   |
| 8  | Fri 20 17:50 | P1   | -    | tier1 | slack    | carol | Mon 23 09:05   | Mon 23 09:35   |
| 9  | Fri 20 17:00 | P1   | -    | tier1 | slack    | alice | +1200 s        | Mon 23 10:00   |
| 10 | Sat 21 12:00 | P3   | -    | tier1 | slack    | -     | none           | open           |
| 11 | Tue 10 12:00 | P3   | -    | tier1 | slack    | alice | +60 s (before the period)       |
(*) 7200 s of it paused, waiting on the customer. Acme is an enterprise organisation.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from supportbot.config import Config
from supportbot.insights.period import Period
from supportbot.store.models import (
    CsatPoll,
    Escalation,
    Handoff,
    KudosAward,
    Organization,
    Person,
    Ticket,
)

PERIOD = Period(datetime(2026, 11, 16, tzinfo=UTC), datetime(2026, 11, 23, tzinfo=UTC))
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def config() -> Config:
    return Config.model_validate(
        {
            "business_hours": {"timezone": "UTC", "start": "09:00", "end": "18:00"},
            "sla": {
                "business_hours": True,
                "targets": {
                    "P1": {"first_response": "15m", "resolution": "4h"},
                    "P2": {"first_response": "30m", "resolution": "8h"},
                    "P3": {"first_response": "4h", "resolution": "3d"},
                },
                "tiers": {"enterprise": {"P2": {"first_response": "1m", "resolution": "2h"}}},
            },
        }
    )


def s(seconds: float) -> timedelta:
    return timedelta(seconds=seconds)


TICKETS: list[dict[str, Any]] = [
    dict(id=1, created=at(16, 9), prio="P2", org=True, team="tier1", plat="slack", agent="alice",
         fr=s(30), res=s(3600), cat="billing", chan="C-acme"),
    dict(id=2, created=at(16, 9, 10), prio="P2", org=True, team="tier1", plat="slack",
         agent="alice", fr=s(60), res=s(9000), cat="billing", chan="C-acme"),
    dict(id=3, created=at(16, 10), prio="P3", team="tier1", plat="teams", agent="bob",
         fr=s(120), res=s(1800), reopen=1),
    dict(id=4, created=at(16, 11), prio="P3", team="tier2", plat="teams", agent="bob",
         fr=s(300), res=s(14400)),
    dict(id=5, created=at(16, 13), prio="P3", team="tier1", plat="teams", agent="bob",
         fr=s(420), res=s(86400)),
    dict(id=6, created=at(16, 14), prio="P2", team="tier1", plat="slack", agent="alice",
         fr=s(600), reopen=1),
    dict(id=7, created=at(16, 15), prio="P2", team="tier1", plat="teams", agent="bob",
         fr=s(900), res=s(86400), paused=7200),
    dict(id=8, created=at(20, 17, 50), prio="P1", team="tier1", plat="slack", agent="carol",
         fr=at(23, 9, 5), res=at(23, 9, 35)),
    dict(id=9, created=at(20, 17), prio="P1", team="tier1", plat="slack", agent="alice",
         fr=s(1200), res=at(23, 10)),
    dict(id=10, created=at(21, 12), prio="P3", team="tier1", plat="slack"),
    dict(id=11, created=at(10, 12), prio="P3", team="tier1", plat="slack", agent="alice",
         fr=s(60)),
]  # fmt: skip


def _moment(created: datetime, value: datetime | timedelta | None) -> datetime | None:
    if value is None:
        return None
    return created + value if isinstance(value, timedelta) else value


async def seed(session: AsyncSession) -> None:
    acme = Organization(id=1, name="Acme", tier="enterprise")
    session.add(acme)
    people = {
        h: Person(id=i, handle=h, name=h.title(), is_staff=i < 4)
        for i, h in enumerate(["alice", "bob", "carol", "customer"], start=1)
    }
    session.add_all(people.values())
    await session.flush()
    for t in TICKETS:
        session.add(_ticket(t, people))
    await session.flush()
    session.add_all(_polls() + _escalations() + _handoffs() + _kudos())
    await session.commit()


def _ticket(t: dict[str, Any], people: dict[str, Person]) -> Ticket:
    created: datetime = t["created"]
    return Ticket(
        id=t["id"],
        subject=f"ticket {t['id']}",
        priority=t["prio"],
        category=t.get("cat", "login"),
        team=t["team"],
        requester_id=people["customer"].id,
        assignee_id=people[t["agent"]].id if "agent" in t else None,
        organization_id=1 if t.get("org") else None,
        origin_platform=t["plat"],
        origin_channel=t.get("chan", "C-general"),
        created_at=created,
        updated_at=created,
        first_response_at=_moment(created, t.get("fr")),
        resolved_at=_moment(created, t.get("res")),
        status="resolved" if "res" in t else "open",
        reopen_count=t.get("reopen", 0),
        paused_seconds=t.get("paused", 0),
    )


def _polls() -> list[Any]:
    answers = {1: 5, 2: 4, 3: 5, 4: 2, 7: 3, 5: None, 11: 1}  # 11's poll is before the period
    polls = []
    for ticket_id, score in answers.items():
        sent = at(10, 14) if ticket_id == 11 else at(17, 16)
        polls.append(
            CsatPoll(
                ticket_id=ticket_id,
                requester_id=4,
                status="answered" if score else "expired",
                score=score,
                sent_at=sent,
                expires_at=sent + timedelta(days=3),
                answered_at=sent + timedelta(hours=1) if score else None,
            )
        )
    return polls


def _escalations() -> list[Any]:
    rows = [
        (9, at(20, 17, 5), "approved", at(20, 17, 15)),  # 600 s to decide
        (2, at(16, 9, 30), "denied", at(16, 10)),  # 1800 s
        (6, at(16, 15), "pending", None),
        (4, at(16, 11, 30), "approved", at(16, 11, 35)),  # 300 s
        (11, at(10, 13), "approved", at(10, 13, 1)),  # before the period
    ]
    return [
        Escalation(ticket_id=t, requested_by_id=1, team="tier1", reason="why", status=st,
                   requested_at=req, decided_at=dec, decided_by_id=3 if dec else None)
        for t, req, st, dec in rows
    ]  # fmt: skip


def _handoffs() -> list[Any]:
    rows = [
        (2, "sales", at(16, 9, 20), at(16, 9, 30), at(16, 10, 20)),  # 600 s / 3600 s
        (5, "sales", at(16, 13, 30), at(16, 14, 30), None),  # 3600 s / open
        (6, "engineering", at(16, 14, 30), at(16, 14, 35), at(17, 14, 30)),  # 300 s / 86400 s
        (11, "engineering", at(10, 12, 30), at(10, 12, 31), None),  # before the period
    ]
    return [
        Handoff(ticket_id=t, department=d, opened_at=o, accepted_at=a, closed_at=c,
                status="done" if c else ("accepted" if a else "open"))
        for t, d, o, a, c in rows
    ]  # fmt: skip


def _kudos() -> list[Any]:
    return [
        KudosAward(giver_id=None, receiver_id=1, points=3, at=at(17, 17), ticket_id=1),
        KudosAward(giver_id=2, receiver_id=1, points=1, at=at(18, 9)),
        KudosAward(giver_id=1, receiver_id=2, points=1, at=at(18, 10)),
        KudosAward(giver_id=1, receiver_id=3, points=5, at=at(12, 10)),  # before the period
    ]
