"""Hand-offs: a linked thread in another department's channel, accepted and closed there."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from supportbot.commands import closest
from supportbot.errors import (
    IllegalTransitionError,
    InvalidValueError,
)
from supportbot.happenings import Happening, Trigger
from supportbot.store.models import Handoff
from supportbot.tickets.base import ServiceBase, TicketChange


class HandoffSteps(ServiceBase):
    async def open_handoff(
        self,
        *,
        ticket_id: int,
        department: str,
        note: str,
        actor: str | None,
        source: str,
        due_at: datetime | None = None,
    ) -> TicketChange:
        dept = self.config.department(department)
        if dept is None:
            known = ", ".join(d.name for d in self.config.departments)
            raise InvalidValueError(
                f"unknown department {department!r}; departments: {known or 'none configured'}",
                "error.unknown_department",
                department=department,
                suggestion=closest(department, (d.name for d in self.config.departments)),
                known=known,
            )
        async with self.sessions.begin() as s:
            t = await self._lock(s, ticket_id)
            self._check_step("handoff", t)
            open_one = await s.scalar(
                select(Handoff.id).where(
                    Handoff.ticket_id == t.id,
                    Handoff.department == department,
                    Handoff.status != "done",
                )
            )
            if open_one is not None:
                raise IllegalTransitionError(
                    f"#{t.id} already has an open hand-off to {department}",
                    "error.handoff.already_open",
                    number=t.id,
                    department=department,
                )
            actor_id = await self._actor_id(s, actor)
            if due_at is None and dept.sla is not None:
                due_at = self.clock.now() + dept.sla
            h = Handoff(
                ticket_id=t.id,
                department=department,
                note=note,
                opened_by_id=actor_id,
                opened_at=self.clock.now(),
                due_at=due_at,
            )
            s.add(h)
            await s.flush()
            data = {"handoff_id": h.id, "department": department, "note": note}
            view = await self._commit_change(s, t, actor_id, "handoff.opened", source, data)
        return TicketChange(
            view, (Happening("handoff.opened", t.id, actor, data, source),), ref_id=h.id
        )

    async def accept_handoff(self, *, handoff_id: int, actor: str, source: str) -> TicketChange:
        return await self._move(handoff_id, actor, source, {"open"}, "accepted")

    async def close_handoff(
        self, *, handoff_id: int, actor: str | None, source: str
    ) -> TicketChange:
        return await self._move(handoff_id, actor, source, {"open", "accepted"}, "done")

    async def _move(
        self, handoff_id: int, actor: str | None, source: str, allowed: set[str], to: str
    ) -> TicketChange:
        async with self.sessions.begin() as s:
            h = await self._locked_row(s, Handoff, handoff_id, "hand-off")
            t = await self._lock(s, h.ticket_id)
            if h.status not in allowed:
                raise IllegalTransitionError(
                    f"the hand-off to {h.department} is already {h.status}",
                    "error.handoff.already_moved",
                    number=h.ticket_id,
                    department=h.department,
                    status=h.status,
                )
            actor_id = await self._actor_id(s, actor)
            now = self.clock.now()
            if to == "accepted":
                h.accepted_by_id, h.accepted_at = actor_id, now
            else:
                h.closed_by_id, h.closed_at = actor_id, now
                h.accepted_at = h.accepted_at or now
            h.status = to
            kind: Trigger = "handoff.accepted" if to == "accepted" else "handoff.closed"
            data = {"handoff_id": h.id, "department": h.department}
            view = await self._commit_change(s, t, actor_id, kind, source, data)
        return TicketChange(view, (Happening(kind, t.id, actor, data, source),), ref_id=h.id)

    async def handoff(self, handoff_id: int) -> Handoff:
        return await self._row(Handoff, handoff_id, "hand-off")

    async def open_handoffs(self, ticket_id: int) -> list[Handoff]:
        async with self.reads() as s:
            return list(
                (
                    await s.scalars(
                        select(Handoff).where(
                            Handoff.ticket_id == ticket_id, Handoff.status != "done"
                        )
                    )
                ).all()
            )
