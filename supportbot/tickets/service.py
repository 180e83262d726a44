"""The ticket service: the only code that writes tickets.

Every public method is one transaction that changes the ticket (or its escalation, hand-off,
poll) *and* appends its `ticket_events` audit row, then returns a `TicketChange` naming what
happened so the desk can run workflows. An illegal step raises a `TicketError` before anything
is written, and the transaction rolls back whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import make_transient_to_detached

from supportbot.errors import (
    AlreadyClaimedError,
    IllegalTransitionError,
    InvalidValueError,
    NotAllowedError,
)
from supportbot.store import direct
from supportbot.store.models import Handoff, Ticket
from supportbot.store.unit import created_here
from supportbot.tickets import states
from supportbot.tickets.base import TicketChange
from supportbot.tickets.channels import ChannelSteps
from supportbot.tickets.escalations import EscalationSteps
from supportbot.tickets.feedback import FeedbackSteps
from supportbot.tickets.handoffs import HandoffSteps
from supportbot.tickets.self_service import SelfServiceSteps
from supportbot.tickets.snapshot import ticket_view
from supportbot.tickets.view import TicketView

__all__ = ["NewTicket", "TicketChange", "TicketService"]


# A new ticket, written at once (through the ORM it was a flush of its own in every turn that
# opens a ticket); the ORM object is then made from the same values (`create`). Every column
# but the id: a column added to the model must get a value there.
_COLUMNS = tuple(c.name for c in Ticket.__table__.columns if c.name != "id")
_CREATE = direct.Direct(
    f"INSERT INTO tickets ({', '.join(_COLUMNS)}) "
    f"VALUES ({', '.join(':' + c for c in _COLUMNS)}) RETURNING id"
)


@dataclass(frozen=True, slots=True)
class NewTicket:
    requester: str  # person handle
    subject: str
    body: str
    origin_platform: str
    origin_channel: str = ""
    origin_thread: str | None = None
    origin_message: str | None = None
    locale: str | None = None
    kind: str = "customer"
    team: str | None = None
    priority: str = "P3"
    tags: tuple[str, ...] = ()
    callback_url: str | None = None
    intake_key_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class TicketService(EscalationSteps, HandoffSteps, FeedbackSteps, ChannelSteps, SelfServiceSteps):
    # -- reads -------------------------------------------------------------------------------
    async def get(self, ticket_id: int) -> TicketView:
        async with self.reads() as s:
            return await ticket_view(s, await self._load(s, ticket_id), self.people)

    async def list(
        self,
        *,
        team: str | None = None,
        assignee: str | None = None,
        open_only: bool = True,
        limit: int = 20,
    ) -> list[TicketView]:
        async with self.reads() as s:
            q = select(Ticket).order_by(Ticket.priority, Ticket.created_at).limit(limit)
            if open_only:
                q = q.where(Ticket.status != states.Status.RESOLVED)
            if team:
                q = q.where(Ticket.team == team)
            if assignee:
                person = await self.people.by_handle(s, assignee)
                q = q.where(Ticket.assignee_id == (person.id if person else -1))
            return [await ticket_view(s, t, self.people) for t in (await s.scalars(q)).all()]

    # -- lifecycle ---------------------------------------------------------------------------
    async def create(self, new: NewTicket, *, source: str) -> TicketChange:
        team = new.team or self.config.default_team.name
        self._check_team(team)
        self._check_priority(new.priority)
        async with self.sessions.begin() as s:
            requester = await self.people.ensure(s, new.requester)
            now = self.clock.now()
            row: dict[str, Any] = {
                "subject": _subject(new.subject or new.body),
                "body": new.body,
                "status": states.Status.NEW.value,
                "priority": new.priority,
                "category": None,
                "team": team,
                "tags": sorted(set(new.tags)),
                "kind": new.kind,
                "locale": new.locale or requester.locale,
                "requester_id": requester.id,
                "assignee_id": None,
                "organization_id": requester.organization_id,
                "origin_platform": new.origin_platform,
                "origin_channel": new.origin_channel,
                "origin_thread": new.origin_thread,
                "origin_message": new.origin_message,
                "callback_url": new.callback_url,
                "intake_key_id": new.intake_key_id,
                "created_at": now,
                "updated_at": now,
                "first_response_at": None,
                "resolved_at": None,
                "waiting_since": None,
                "paused_seconds": 0,
                "reopen_count": 0,
                "version": 1,
            }
            if s.new:  # rows the ticket may point to (a requester met just now) go in first
                await s.flush()
            t = Ticket(id=await direct.scalar(s, _CREATE, row), **row)
            make_transient_to_detached(t)  # the row as the INSERT wrote it, every column loaded
            s.add(t)  # in the session as if read: later changes are UPDATEs, no re-read
            created_here(s).add(t.id)
            self._hold(s, t)
            opened = {"kind": new.kind, "priority": t.priority, "team": team, "tags": t.tags}
            await self._audit(s, t, requester.id, "created", source, {**opened, **new.extra})
            view = await ticket_view(s, t, self.people)
        return self._changed(view, "ticket.created", new.requester, source, {"text": new.body})

    async def claim(self, *, ticket_id: int, actor: str, source: str) -> TicketChange:
        self._require_staff(actor, "claim")

        async with self.sessions.begin() as s:
            t = await self._lock(s, ticket_id)
            if t.assignee_id is not None and t.status != states.Status.RESOLVED:
                holder = await self.people.by_handle(s, actor)
                if holder is not None and holder.id == t.assignee_id:
                    raise AlreadyClaimedError(
                        f"you already have #{t.id}", "error.already_yours", number=t.id, by="you"
                    )
                owner = (await ticket_view(s, t, self.people)).assignee
                name = owner.name if owner else "someone"
                raise AlreadyClaimedError(
                    f"#{t.id} is already claimed by {name}",
                    "error.already_claimed",
                    number=t.id,
                    by=name,
                )
            self._check_step("claim", t)
            me = await self.people.ensure(s, actor)
            t.assignee_id = me.id
            t.status = states.Status.ASSIGNED
            view = await self._commit_change(s, t, me.id, "claimed", source, {"assignee": actor})
        return self._changed(view, "ticket.claimed", actor, source, {"assignee": actor})

    async def unclaim(self, *, ticket_id: int, actor: str, source: str) -> TicketChange:
        async with self.sessions.begin() as s:
            t = await self._lock(s, ticket_id)
            self._check_step("unclaim", t)
            me = await self.people.ensure(s, actor)
            if t.assignee_id != me.id and not self._is_lead_or_admin(actor, t.team):
                raise NotAllowedError(
                    f"only the assignee or a lead can unclaim #{t.id}",
                    "error.unclaim.not_allowed",
                    number=t.id,
                )
            self._resume_clock(t)  # count the time spent waiting before the ticket changes hands
            t.assignee_id, t.status = None, states.Status.NEW
            view = await self._commit_change(s, t, me.id, "unclaimed", source, {})
        return self._changed(view, "ticket.updated", actor, source, {"change": "unclaimed"})

    async def assign(
        self, *, ticket_id: int, assignee: str, actor: str | None, source: str
    ) -> TicketChange:
        if not self.people.is_staff(assignee):
            raise InvalidValueError(
                f"{assignee} is not on the support staff", "error.not_staff", handle=assignee
            )

        async def run(s: AsyncSession, t: Ticket) -> dict[str, Any]:
            person = await self.people.ensure(s, assignee)
            t.assignee_id = person.id
            if t.status == states.Status.NEW:
                t.status = states.Status.ASSIGNED
            return {"assignee": assignee}

        return await self._step(
            ticket_id, "assign", actor, source, "assigned", run, trigger="ticket.assigned"
        )

    async def set_priority(
        self, *, ticket_id: int, priority: str, actor: str | None, source: str
    ) -> TicketChange:
        self._check_priority(priority)

        async def run(s: AsyncSession, t: Ticket) -> dict[str, Any]:
            before, t.priority = t.priority, priority
            return {"from": before, "to": priority}

        return await self._step(
            ticket_id,
            "set_priority",
            actor,
            source,
            "priority_changed",
            run,
            trigger="ticket.priority_changed",
        )

    async def set_category(
        self, *, ticket_id: int, category: str, actor: str | None, source: str
    ) -> TicketChange:
        async def run(s: AsyncSession, t: Ticket) -> dict[str, Any]:
            before, t.category = t.category, category
            return {"from": before, "to": category}

        return await self._step(ticket_id, "set_category", actor, source, "category_changed", run)

    async def add_tags(
        self, *, ticket_id: int, tags: Sequence[str], actor: str | None, source: str
    ) -> TicketChange:
        async def run(s: AsyncSession, t: Ticket) -> dict[str, Any]:
            t.tags = sorted(set(t.tags or []) | set(tags))
            return {"tags": list(tags)}

        return await self._step(ticket_id, "add_tags", actor, source, "tagged", run)

    async def set_team(
        self, *, ticket_id: int, team: str, actor: str | None, source: str
    ) -> TicketChange:
        self._check_team(team)

        async def run(s: AsyncSession, t: Ticket) -> dict[str, Any]:
            before, t.team = t.team, team
            return {"from": before, "to": team}

        return await self._step(ticket_id, "set_team", actor, source, "routed", run)

    async def add_note(
        self, *, ticket_id: int, text: str, actor: str | None, source: str
    ) -> TicketChange:
        if not text.strip():
            raise InvalidValueError("a note needs some text", "error.note.empty")

        async def run(s: AsyncSession, t: Ticket) -> dict[str, Any]:
            return {"text": text}

        return await self._step(ticket_id, "add_note", actor, source, "note", run)

    async def record_reply(
        self, *, ticket_id: int, text: str, actor: str, source: str, wait_for_customer: bool = False
    ) -> TicketChange:
        """A public reply by staff to the requester; the first one stops the response clock."""
        self._require_staff(actor, "reply")

        async def run(s: AsyncSession, t: Ticket) -> dict[str, Any]:
            now = self.clock.now()
            first = t.first_response_at is None
            if first:
                t.first_response_at = now
            if wait_for_customer and t.status == states.Status.ASSIGNED:
                t.status, t.waiting_since = states.Status.WAITING, now
                # its own row: SLA clocks pause on `waiting` rows, as for `/support wait`
                await self._audit(s, t, await self._actor_id(s, actor), "waiting", source, {})
            return {"text": text, "first_response": first}

        return await self._step(ticket_id, "reply", actor, source, "reply", run)

    async def record_customer_message(
        self, *, ticket_id: int, text: str, actor: str, source: str
    ) -> TicketChange:
        """A message from the requester (or anyone) on the ticket's thread."""
        async with self.sessions.begin() as s:
            t = await self._lock(s, ticket_id)
            person = await self.people.ensure(s, actor) if self.config.person(actor) else None
            if person is None:
                person = await self.people.by_handle(s, actor)
            self._resume_clock(t)
            view = await self._commit_change(
                s, t, person.id if person else None, "message", source, {"text": text}
            )
        return self._changed(view, "message.received", actor, source, {"text": text})

    async def resolve(
        self,
        *,
        ticket_id: int,
        actor: str | None,
        source: str,
        force: bool = False,
    ) -> TicketChange:
        """Resolve; an open hand-off is a warning (`needs_confirmation`) unless `force`d."""

        async def run(s: AsyncSession, t: Ticket) -> dict[str, Any]:
            still_open = (
                await s.scalars(
                    select(Handoff.department)
                    .where(Handoff.ticket_id == t.id, Handoff.status != "done")
                    .order_by(Handoff.id)
                )
            ).all()
            if still_open and not force:
                names = ", ".join(still_open)
                raise IllegalTransitionError(
                    f"#{t.id} has an open hand-off to {names}; resolve again to confirm",
                    "error.resolve.open_handoff",
                    number=t.id,
                    departments=names,
                    needs_confirmation=True,
                )
            self._resume_clock(t)
            t.status, t.resolved_at = states.Status.RESOLVED, self.clock.now()
            return {"forced": force} if force else {}

        return await self._step(
            ticket_id, "resolve", actor, source, "resolved", run, trigger="ticket.resolved"
        )

    async def reopen(
        self, *, ticket_id: int, actor: str | None, source: str, reason: str = ""
    ) -> TicketChange:
        async def run(s: AsyncSession, t: Ticket) -> dict[str, Any]:
            t.status = states.Status.ASSIGNED if t.assignee_id else states.Status.NEW
            t.resolved_at, t.reopen_count = None, t.reopen_count + 1
            return {"reason": reason}

        return await self._step(
            ticket_id, "reopen", actor, source, "reopened", run, trigger="ticket.reopened"
        )

    async def wait_for_customer(self, *, ticket_id: int, actor: str, source: str) -> TicketChange:
        async def run(s: AsyncSession, t: Ticket) -> dict[str, Any]:
            t.status, t.waiting_since = states.Status.WAITING, self.clock.now()
            return {}

        return await self._step(ticket_id, "wait", actor, source, "waiting", run)


def _subject(text: str) -> str:
    first_line = text.strip().splitlines()[0] if text.strip() else "(no subject)"
    return first_line[:120] + ("…" if len(first_line) > 120 else "")
