"""CSAT polls, kudos, and the links between a ticket and its messages on each platform."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from supportbot.errors import (
    IllegalTransitionError,
    InvalidValueError,
    NotAllowedError,
)
from supportbot.events import MessageRef
from supportbot.happenings import Happening
from supportbot.store import direct
from supportbot.store.models import CsatPoll, KudosAward, Person, TicketEvent, TicketThread
from supportbot.tickets.base import ServiceBase, TicketChange


@dataclass(frozen=True, slots=True)
class KudosGiven:
    kudos_id: int
    happening: Happening


_LINK = direct.Direct("""
    INSERT INTO ticket_threads
        (ticket_id, kind, ref_id, platform, channel_id, message_id, thread_id, created_at, digest)
    VALUES (:ticket_id, :kind, :ref_id, :platform, :channel_id, :message_id, :thread_id,
            :created_at, :digest)
    ON CONFLICT (platform, channel_id, message_id) DO NOTHING""")


class FeedbackSteps(ServiceBase):
    # -- CSAT --------------------------------------------------------------------------------
    async def open_csat_poll(
        self, *, ticket_id: int, expires_at: datetime, source: str
    ) -> TicketChange:
        async with self.sessions.begin() as s:
            t = await self._lock(s, ticket_id)  # polls of one ticket queue here
            if await s.scalar(select(CsatPoll.id).where(CsatPoll.ticket_id == t.id)):
                raise IllegalTransitionError(
                    f"#{ticket_id} was already polled",
                    "error.csat.already_polled",
                    number=ticket_id,
                )
            poll = CsatPoll(
                ticket_id=t.id,
                requester_id=t.requester_id,
                sent_at=self.clock.now(),
                expires_at=expires_at,
            )
            s.add(poll)
            await s.flush()
            view = await self._commit_change(s, t, None, "csat.sent", source, {"poll_id": poll.id})
        return TicketChange(view, (), ref_id=poll.id)

    async def record_csat(
        self,
        *,
        poll_id: int,
        actor: str | None,
        score: int,
        source: str,
        comment: str | None = None,
    ) -> TicketChange:
        if not 1 <= score <= 5:
            raise InvalidValueError(
                "a score is a whole number from 1 to 5", "error.csat.score_range", score=score
            )
        async with self.sessions.begin() as s:
            poll = await self._locked_row(s, CsatPoll, poll_id, "poll")
            if poll.status == "expired" or self.clock.now() >= poll.expires_at:
                raise IllegalTransitionError(
                    "this survey has closed; thank you all the same",
                    "error.csat.closed",
                    poll_id=poll_id,
                )
            if actor is not None:
                who = await self.people.by_handle(s, actor)
                if who is None or who.id != poll.requester_id:
                    raise NotAllowedError(
                        "only the requester can answer this survey", "error.csat.not_requester"
                    )
            t = await self._lock(s, poll.ticket_id)
            replaced = poll.status == "answered"
            poll.status, poll.score, poll.answered_at = "answered", score, self.clock.now()
            if comment is not None:
                poll.comment = comment
            data = {
                "poll_id": poll.id,
                "score": score,
                "comment": poll.comment,
                "replaced": replaced,
            }
            view = await self._commit_change(s, t, poll.requester_id, "csat.received", source, data)
        return TicketChange(
            view, (Happening("csat.received", t.id, actor, data, source),), ref_id=poll.id
        )

    async def expire_csat(self, *, poll_id: int, source: str) -> bool:
        async with self.sessions.begin() as s:
            poll = await s.scalar(select(CsatPoll).where(CsatPoll.id == poll_id).with_for_update())
            if poll is None or poll.status != "sent":
                return False
            poll.status = "expired"
            s.add(
                TicketEvent(
                    ticket_id=poll.ticket_id,
                    at=self.clock.now(),
                    kind="csat.expired",
                    source=source,
                    data={"poll_id": poll.id},
                )
            )
            return True

    async def csat_poll(self, poll_id: int) -> CsatPoll:
        return await self._row(CsatPoll, poll_id, "poll")

    async def last_polled(self, requester: str) -> datetime | None:
        """When this requester was last asked (for the cool-down)."""
        async with self.reads() as s:
            return await s.scalar(
                select(func.max(CsatPoll.sent_at))
                .join(Person, Person.id == CsatPoll.requester_id)
                .where(Person.handle == requester)
            )

    # -- kudos -------------------------------------------------------------------------------
    async def give_kudos(
        self,
        *,
        giver: str | None,
        receiver: str,
        reason: str,
        source: str,
        points: int | None = None,
        ticket_id: int | None = None,
        day_start: datetime | None = None,
    ) -> KudosGiven:
        if giver is not None and giver == receiver:
            raise NotAllowedError(
                "kudos are for others; you cannot give yourself kudos", "error.kudos.self"
            )
        if not reason.strip():
            raise InvalidValueError("say what the kudos are for", "error.kudos.reason_missing")
        points = self.config.kudos.points if points is None else points
        if points < 1:
            raise InvalidValueError(
                "kudos are worth at least one point", "error.kudos.points", points=points
            )
        async with self.sessions.begin() as s:
            to = (
                await self.people.ensure(s, receiver)
                if self.config.person(receiver)
                else (await self.people.by_handle(s, receiver))
            )
            if to is None:
                raise InvalidValueError(
                    f"nobody is called {receiver!r}", "error.unknown_person", handle=receiver
                )
            giver_id = await self._actor_id(s, giver)
            if giver is not None:
                await self._check_daily_limit(s, giver_id, day_start)
            award = KudosAward(
                giver_id=giver_id,
                receiver_id=to.id,
                points=points,
                reason=reason,
                ticket_id=ticket_id,
                source=source,
                at=self.clock.now(),
            )
            s.add(award)
            await s.flush()
            data = {"kudos_id": award.id, "receiver": receiver, "points": points, "reason": reason}
            s.add(
                TicketEvent(
                    ticket_id=ticket_id,
                    at=self.clock.now(),
                    actor_id=giver_id,
                    kind="kudos.given",
                    source=source,
                    data=data,
                )
            )
        return KudosGiven(award.id, Happening("kudos.given", ticket_id, giver, data, source))

    async def _check_daily_limit(
        self, s: AsyncSession, giver_id: int | None, day_start: datetime | None
    ) -> None:
        since = day_start or (self.clock.now() - timedelta(days=1))
        given = await s.scalar(
            select(func.count(KudosAward.id)).where(
                KudosAward.giver_id == giver_id, KudosAward.at >= since
            )
        )
        if (given or 0) >= self.config.kudos.daily_limit:
            raise NotAllowedError(
                f"you have given {self.config.kudos.daily_limit} kudos today; more tomorrow",
                "error.kudos.daily_limit",
                limit=self.config.kudos.daily_limit,
            )

    # -- links -------------------------------------------------------------------------------
    async def link(
        self,
        *,
        ticket_id: int,
        kind: str,
        ref: MessageRef,
        ref_id: int | None = None,
        digest: str | None = None,
    ) -> None:
        """Remember that a message (and the thread it starts) belongs to a ticket (a second
        record of the same message, from a retried delivery, changes nothing)."""
        async with self.sessions.begin() as s:
            await direct.execute(
                s,
                _LINK,
                {
                    "ticket_id": ticket_id,
                    "kind": kind,
                    "ref_id": ref_id,
                    "platform": ref.platform,
                    "channel_id": ref.channel_id,
                    "message_id": ref.message_id,
                    "thread_id": ref.thread_id or ref.message_id,
                    "digest": digest,
                    "created_at": self.clock.now(),
                },
            )

    async def shown(self, *, link_id: int, digest: str) -> None:
        """What a linked message shows now (its card was updated)."""
        async with self.sessions.begin() as s:
            await s.execute(
                update(TicketThread).where(TicketThread.id == link_id).values(digest=digest)
            )

    async def find_link(
        self, platform: str, channel_id: str, thread_id: str
    ) -> TicketThread | None:
        async with self.reads() as s:
            return await s.scalar(
                select(TicketThread)
                .where(
                    TicketThread.platform == platform,
                    TicketThread.channel_id == channel_id,
                    TicketThread.thread_id == thread_id,
                )
                .order_by(TicketThread.id)
                .limit(1)
            )

    async def links(self, ticket_id: int, kind: str | None = None) -> list[TicketThread]:
        async with self.reads() as s:
            q = select(TicketThread).where(TicketThread.ticket_id == ticket_id)
            if kind:
                q = q.where(TicketThread.kind == kind)
            return list((await s.scalars(q.order_by(TicketThread.id))).all())
