"""Escalations: an agent asks, a lead of the ticket's team (or an admin) decides."""

from __future__ import annotations

from sqlalchemy import select

from supportbot.commands import closest
from supportbot.errors import (
    IllegalTransitionError,
    InvalidValueError,
    NotAllowedError,
)
from supportbot.happenings import Happening, Trigger
from supportbot.people import PersonRecord
from supportbot.store.models import Escalation, Person
from supportbot.tickets.base import ServiceBase, TicketChange


class EscalationSteps(ServiceBase):
    async def request_escalation(
        self,
        *,
        ticket_id: int,
        actor: str,
        reason: str,
        source: str,
        department: str | None = None,
    ) -> TicketChange:
        self._require_staff(actor, "escalate")
        if not reason.strip():
            raise InvalidValueError(
                "an escalation needs a reason", "error.escalation.reason_missing"
            )
        if department and self.config.department(department) is None:
            known = ", ".join(d.name for d in self.config.departments)
            raise InvalidValueError(
                f"unknown department {department!r}; departments: {known}",
                "error.unknown_department",
                department=department,
                suggestion=closest(department, (d.name for d in self.config.departments)),
                known=known,
            )
        async with self.sessions.begin() as s:
            t = await self._lock(s, ticket_id)
            self._check_step("escalate", t)
            pending = await s.scalar(
                select(Escalation.id).where(
                    Escalation.ticket_id == t.id, Escalation.status == "pending"
                )
            )
            if pending is not None:
                raise IllegalTransitionError(
                    f"#{t.id} already waits for an escalation decision",
                    "error.escalation.pending",
                    number=t.id,
                )
            me = await self.people.ensure(s, actor)
            esc = Escalation(
                ticket_id=t.id,
                requested_by_id=me.id,
                team=t.team,
                department=department,
                reason=reason,
                requested_at=self.clock.now(),
            )
            s.add(esc)
            await s.flush()
            data = {
                "escalation_id": esc.id,
                "department": department,
                "reason": reason,
                "team": t.team,
            }
            view = await self._commit_change(s, t, me.id, "escalation.requested", source, data)
        return TicketChange(
            view, (Happening("escalation.requested", t.id, actor, data, source),), ref_id=esc.id
        )

    async def decide_escalation(
        self, *, escalation_id: int, actor: str, approve: bool, source: str, note: str = ""
    ) -> TicketChange:
        if not approve and not note.strip():
            raise InvalidValueError(
                "a denial needs a reason the agent can read",
                "error.escalation.denial_reason_missing",
            )
        try:
            return await self._decide(escalation_id, actor, approve, source, note)
        except NotAllowedError as refused:
            esc = await self.escalation(escalation_id)
            await self.record_event(
                ticket_id=esc.ticket_id,
                kind="escalation.refused",
                data={"escalation_id": escalation_id, "why": str(refused)},
                source=source,
                actor=actor,
            )
            raise

    async def _decide(
        self, escalation_id: int, actor: str, approve: bool, source: str, note: str
    ) -> TicketChange:
        async with self.sessions.begin() as s:
            esc = await self._locked_row(s, Escalation, escalation_id, "escalation")
            t = await self._lock(s, esc.ticket_id)
            me = await self.people.ensure(s, actor) if self.people.is_staff(actor) else None
            self._check_decider(esc, actor, me)
            if esc.status != "pending":
                who = await s.get(Person, esc.decided_by_id) if esc.decided_by_id else None
                raise IllegalTransitionError(
                    f"this escalation was already {esc.status}"
                    + (f" by {who.name}" if who else ""),
                    "error.escalation.already_decided",
                    status=esc.status,
                    by=who.name if who else "",
                )
            assert me is not None
            esc.status = "approved" if approve else "denied"
            esc.decided_by_id, esc.decided_at, esc.decision_note = me.id, self.clock.now(), note
            kind: Trigger = "escalation.approved" if approve else "escalation.denied"
            data = {
                "escalation_id": esc.id,
                "department": esc.department,
                "note": note,
                "reason": esc.reason,
            }
            view = await self._commit_change(s, t, me.id, kind, source, data)
        return TicketChange(view, (Happening(kind, t.id, actor, data, source),), ref_id=esc.id)

    def _check_decider(self, esc: Escalation, actor: str, me: PersonRecord | None) -> None:
        if me is not None and me.id == esc.requested_by_id and not self.people.is_admin(actor):
            raise NotAllowedError(
                "you cannot decide your own escalation; another lead must",
                "error.escalation.own",
                team=esc.team,
            )
        allowed = self.people.is_admin(actor) or (
            esc.level == 1 and self.people.is_lead_of(actor, esc.team)
        )
        if not allowed:
            who = f"leads of {esc.team}" if esc.level == 1 else "admins"
            raise NotAllowedError(
                f"only {who} can approve or deny this escalation",
                "error.escalation.not_approver",
                team=esc.team,
                level=esc.level,
            )

    async def raise_escalation_level(self, *, escalation_id: int, source: str) -> TicketChange:
        """Nobody decided in time: hand the decision to the admins."""
        async with self.sessions.begin() as s:
            esc = await self._locked_row(s, Escalation, escalation_id, "escalation")
            t = await self._lock(s, esc.ticket_id)
            if esc.status != "pending":
                raise IllegalTransitionError(
                    f"this escalation was already {esc.status}",
                    "error.escalation.already_decided",
                    status=esc.status,
                    by="",
                )
            esc.level += 1
            data = {"escalation_id": esc.id, "level": esc.level}
            view = await self._commit_change(s, t, None, "escalation.raised", source, data)
        return TicketChange(view, (), ref_id=esc.id)

    async def escalation(self, escalation_id: int) -> Escalation:
        return await self._row(Escalation, escalation_id, "escalation")

    async def pending_escalation(self, ticket_id: int) -> Escalation | None:
        async with self.reads() as s:
            return await s.scalar(
                select(Escalation).where(
                    Escalation.ticket_id == ticket_id, Escalation.status == "pending"
                )
            )
