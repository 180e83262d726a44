"""A reproducible, realistic support history as plain rows (no database access here).

Arrivals follow the working week in the desk's zone (busy weekday mornings, quiet nights and
weekends) with slow growth; first responses are log-normal (minutes in hours, long waits out of
hours); most tickets are resolved within a day; a share get CSAT polls, escalations, hand-offs
and kudos. The same seed always yields the same rows.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

Row = dict[str, Any]

# Relative arrivals per local hour on a weekday; weekends get WEEKEND of that.
HOURLY = (1, 1, 1, 1, 1, 2, 3, 6, 12, 18, 20, 18, 12, 15, 17, 16, 14, 11, 7, 5, 4, 3, 2, 1)
WEEKEND = 0.25
CATEGORIES = ("login", "billing", "bug", "how-to", "outage", "feature-request", "account")
PRIORITIES = (("P1", 0.04), ("P2", 0.18), ("P3", 0.6), ("P4", 0.18))
SUBJECTS = {
    "login": "Cannot sign in",
    "billing": "Question about my invoice",
    "bug": "Export fails with an error",
    "how-to": "How do I add a teammate?",
    "outage": "Dashboard is down",
    "feature-request": "Please add dark mode",
    "account": "Change the account owner",
}


@dataclass(frozen=True, slots=True)
class Cast:
    """Ids already in the database that the history refers to."""

    agents: tuple[int, ...]
    customers: tuple[tuple[int, int | None], ...]  # (person id, organisation id)
    teams: tuple[str, ...]
    departments: tuple[str, ...] = ("sales", "engineering", "marketing")


@dataclass(slots=True)
class Batch:
    tickets: list[Row] = field(default_factory=list)
    events: list[Row] = field(default_factory=list)
    polls: list[Row] = field(default_factory=list)
    escalations: list[Row] = field(default_factory=list)
    handoffs: list[Row] = field(default_factory=list)
    kudos: list[Row] = field(default_factory=list)


class HistoryGenerator:
    def __init__(
        self,
        cast: Cast,
        *,
        zone: ZoneInfo,
        seed: int = 42,
        first_ticket_id: int = 1,
        with_events: bool = True,
    ) -> None:
        self.cast = cast
        self.zone = zone
        self.rng = random.Random(seed)
        self.next_id = first_ticket_id
        self.with_events = with_events

    def days(
        self, start: datetime, days: int, per_day: float, now: datetime, batch_size: int = 5000
    ) -> Iterator[Batch]:
        """Batches of rows for `days` days from `start` (about `per_day` tickets a weekday)."""
        batch = Batch()
        for day in range(days):
            growth = 1.0 + 0.3 * day / max(days, 1)  # ~30 % growth over the history
            midnight = (start + timedelta(days=day)).astimezone(self.zone)
            midnight = midnight.replace(hour=0, minute=0, second=0, microsecond=0)
            weekend = midnight.weekday() >= 5
            for hour, weight in enumerate(HOURLY):
                rate = per_day * growth * weight / sum(HOURLY) * (WEEKEND if weekend else 1)
                for _ in range(self._poisson(rate)):
                    offset = timedelta(hours=hour, seconds=self.rng.uniform(0, 3600))
                    created = (midnight + offset).astimezone(UTC)
                    if start <= created < now:
                        self._ticket(batch, created, now)
                if len(batch.tickets) >= batch_size:
                    yield batch
                    batch = Batch()
        if batch.tickets:
            yield batch

    def _poisson(self, lam: float) -> int:
        if lam > 50:  # Knuth's method costs O(lam) and underflows; the normal is close enough
            return max(0, round(self.rng.gauss(lam, math.sqrt(lam))))
        limit, k, p = math.exp(-lam), 0, 1.0
        while True:
            p *= self.rng.random()
            if p <= limit:
                return k
            k += 1

    def _in_hours(self, moment: datetime) -> bool:
        local = moment.astimezone(self.zone)
        return local.weekday() < 5 and 9 <= local.hour < 18

    def _ticket(self, batch: Batch, created: datetime, now: datetime) -> None:
        rng = self.rng
        tid, self.next_id = self.next_id, self.next_id + 1
        category = rng.choice(CATEGORIES)
        priority = rng.choices([p for p, _ in PRIORITIES], [w for _, w in PRIORITIES])[0]
        customer, org = rng.choice(self.cast.customers)
        agent = rng.choice(self.cast.agents) if self.cast.agents else None
        median = 180 if self._in_hours(created) else 5400
        first = created + timedelta(seconds=rng.lognormvariate(math.log(median), 1.1))
        first_at = first if first < now else None
        resolved_at = None
        if first_at is not None and rng.random() < 0.9:
            resolved = first_at + timedelta(seconds=rng.lognormvariate(math.log(4 * 3600), 1.3))
            resolved_at = resolved if resolved < now else None
        reopened = int(resolved_at is not None and rng.random() < 0.05)
        platform = "slack" if rng.random() < 0.6 else "teams"
        batch.tickets.append(
            {
                "id": tid,
                "subject": SUBJECTS[category],
                "body": "",
                "status": "resolved" if resolved_at else ("assigned" if first_at else "new"),
                "priority": priority,
                "category": category,
                "team": rng.choice(self.cast.teams),
                "tags": [],
                "kind": "customer",
                "locale": "ja" if rng.random() < 0.2 else "en",
                "requester_id": customer,
                "assignee_id": agent if first_at else None,
                "organization_id": org,
                "origin_platform": platform,
                "origin_channel": f"{platform}-support",
                "created_at": created,
                "updated_at": resolved_at or first_at or created,
                "first_response_at": first_at,
                "resolved_at": resolved_at,
                "paused_seconds": rng.choice((0, 0, 0, 1800, 3600)) if resolved_at else 0,
                "reopen_count": reopened,
                "version": 1,
            }
        )
        if self.with_events:
            self._events(batch, tid, created, agent, first_at, resolved_at, platform)
        self._aftermath(batch, tid, customer, agent, created, first_at, resolved_at, now)

    def _events(
        self,
        batch: Batch,
        tid: int,
        created: datetime,
        agent: int | None,
        first_at: datetime | None,
        resolved_at: datetime | None,
        platform: str,
    ) -> None:
        def event(kind: str, at: datetime, actor: int | None) -> Row:
            return {"ticket_id": tid, "at": at, "actor_id": actor, "kind": kind,
                    "source": platform, "data": {}}  # fmt: skip

        batch.events.append(event("created", created, None))
        if first_at is not None:
            batch.events.append(event("claimed", first_at, agent))
            batch.events.append(event("reply", first_at, agent))
        if resolved_at is not None:
            batch.events.append(event("resolved", resolved_at, agent))

    def _aftermath(
        self,
        batch: Batch,
        tid: int,
        customer: int,
        agent: int | None,
        created: datetime,
        first_at: datetime | None,
        resolved_at: datetime | None,
        now: datetime,
    ) -> None:
        rng = self.rng
        if resolved_at is not None and rng.random() < 0.6:
            self._poll(batch, tid, customer, agent, created, first_at, resolved_at, now)
        if first_at is not None and rng.random() < 0.04:
            asked = first_at + timedelta(minutes=rng.uniform(5, 120))
            decided = asked + timedelta(seconds=rng.lognormvariate(math.log(900), 0.8))
            status = "approved" if rng.random() < 0.7 else "denied"
            done = decided < now
            batch.escalations.append(
                {"ticket_id": tid, "requested_by_id": agent or customer, "team": "tier2",
                 "department": None, "reason": "needs a specialist", "level": 1,
                 "status": status if done else "pending", "requested_at": asked,
                 "decided_at": decided if done else None, "decided_by_id": None,
                 "decision_note": None}
            )  # fmt: skip
        if first_at is not None and rng.random() < 0.06:
            opened = first_at + timedelta(minutes=rng.uniform(1, 60))
            accepted = opened + timedelta(seconds=rng.lognormvariate(math.log(1800), 0.9))
            closed = accepted + timedelta(seconds=rng.lognormvariate(math.log(6 * 3600), 1.0))
            batch.handoffs.append(
                {"ticket_id": tid, "department": rng.choice(self.cast.departments),
                 "note": "", "opened_at": opened,
                 "accepted_at": accepted if accepted < now else None,
                 "closed_at": closed if closed < now else None,
                 "status": "done" if closed < now else "accepted" if accepted < now else "open"}
            )  # fmt: skip

    def _poll(
        self,
        batch: Batch,
        tid: int,
        customer: int,
        agent: int | None,
        created: datetime,
        first_at: datetime | None,
        resolved_at: datetime,
        now: datetime,
    ) -> None:
        rng = self.rng
        sent = resolved_at + timedelta(hours=1)
        if sent >= now:
            return
        answered = rng.random() < 0.55
        wait = ((first_at or resolved_at) - created).total_seconds()
        mood = 4.6 if wait <= 300 else 4.0 if wait <= 3600 else 3.2
        score = max(1, min(5, round(rng.gauss(mood, 0.9)))) if answered else None
        batch.polls.append(
            {"ticket_id": tid, "requester_id": customer,
             "status": "answered" if answered else "expired", "score": score, "comment": None,
             "sent_at": sent, "expires_at": sent + timedelta(days=3),
             "answered_at": sent + timedelta(minutes=20) if answered else None}
        )  # fmt: skip
        if score == 5 and agent is not None:
            batch.kudos.append(
                {"giver_id": None, "receiver_id": agent, "points": 3, "reason": "five stars",
                 "ticket_id": tid, "source": "workflow:five-stars-shout-out",
                 "at": sent + timedelta(minutes=20)}
            )  # fmt: skip
