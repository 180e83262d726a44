"""The turn runner: each stored event (or due timer) runs as ONE transaction.

    accept ─▶ inbox row (committed) ─▶ ack
    lanes (one conversation in order) ─▶ adapter.complete(event) ─▶ BEGIN
        take the row (SKIP LOCKED, first of its conversation) → person → handler
        → workflows (each sees the changes before it, in the session) → cards rendered once
        → outbox rows → row done
    COMMIT ─▶ courier sends the outbox rows ─▶ "sent" + the platform's message ids

A turn that raises rolls back whole: the row stays pending and runs again, with back-off, up to
`MAX_ATTEMPTS`. A workflow step that fails part-way through a write (the session is then
half-changed) makes the runner throw the turn away and run it again without that step, which
is recorded as failed; steps that fail before writing are recorded and the turn goes on.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from supportbot.adapter import Outcome
from supportbot.context import TurnContext
from supportbot.courier import Entry, digest
from supportbot.desk import Desk
from supportbot.errors import TicketError, is_refusal
from supportbot.events import AnyEvent, MessageRef, ordering_key
from supportbot.happenings import Happening, StepBrokeError, Turn
from supportbot.intents import PostMessage, UpdateMessage
from supportbot.pipeline.inbox import Inbox, Receipt
from supportbot.pipeline.lanes import Lanes
from supportbot.scheduler import DueTimer
from supportbot.store.models import TicketThread
from supportbot.store.unit import TurnSessions
from supportbot.tickets.view import TicketView

log = logging.getLogger(__name__)
Dispatch = Callable[[TurnContext], Awaitable[None]]
T = TypeVar("T")
MAX_ATTEMPTS = 5
NOT_FIRST_RETRIES = 200  # an earlier event of the conversation is still running: wait for it
NOT_FIRST_DELAY = 0.05
MOVE_RETRY_SECONDS = 1.0


class TurnTaintedError(Exception):
    """Something outside the workflows failed part-way through a write."""


@dataclass(slots=True)
class Job:
    row_id: int
    key: str
    event: AnyEvent
    attempts: int = 0
    queued_at: float = field(default_factory=time.perf_counter)
    committed: list[asyncio.Future[Outcome]] = field(default_factory=list)
    delivered: list[asyncio.Future[None]] = field(default_factory=list)
    not_first: int = 0


class Pipeline:
    def __init__(
        self,
        desk: Desk,
        dispatch: Dispatch,
        *,
        workers: int = 8,
        grace: timedelta = timedelta(seconds=5),
    ) -> None:
        self.desk = desk
        self.dispatch = dispatch
        self.grace = grace
        self.batcher = desk.courier.batcher
        self.inbox = Inbox(desk.db, desk.clock, self.batcher)
        self._jobs: dict[int, Job] = {}
        self._lanes: Lanes[Job] = Lanes(self._run, workers=workers, name="turns")
        self._retries: set[asyncio.TimerHandle] = set()
        self._observers: list[Callable[[Turn], None]] = []
        # SQLite on a file: events wait in the spool until `_move` puts them in the inbox
        self._spooled: dict[int, AnyEvent] = {}
        self._moved: dict[int, asyncio.Future[Job | None]] = {}
        self._mover: asyncio.Task[None] | None = None

    # -- events in -------------------------------------------------------------------------------
    async def accept(self, event: AnyEvent) -> Receipt:
        if self.inbox.spooling:
            receipt = self.inbox.spool_event(event)
            if receipt.row_id is not None:
                self._spooled[receipt.row_id] = event
                self._kick_mover()
            return receipt
        receipt = await self.inbox.accept(event)
        if receipt.row_id is not None:
            self._enqueue(receipt.row_id, ordering_key(event), event)
        return receipt

    async def _stored(self, event: AnyEvent) -> Job | None:
        """Store `event` in the inbox (through the spool on SQLite): its job, or None when
        it was stored before."""
        if not self.inbox.spooling:
            receipt = await self.inbox.accept(event)
            if receipt.row_id is None:
                return None
            return self._enqueue(receipt.row_id, ordering_key(event), event)
        receipt = await self.accept(event)
        if receipt.row_id is None:
            return None
        moved: asyncio.Future[Job | None] = asyncio.get_running_loop().create_future()
        self._moved[receipt.row_id] = moved
        return await moved

    def _kick_mover(self) -> None:
        if self._mover is None or self._mover.done():
            self._mover = asyncio.create_task(self._move(), name="spool-mover")

    async def _move(self) -> None:
        """Spooled events into the inbox, in batches, in the order they came; then run."""
        spool = self.inbox.spool()
        while rows := spool.take():
            try:
                row_ids = await self.inbox.move(rows)
            except Exception:  # they stay in the spool: try again (the database may be busy)
                log.exception("could not move %d spooled events to the inbox", len(rows))
                await asyncio.sleep(MOVE_RETRY_SECONDS)
                continue
            spool.remove([row.id for row in rows])
            for row, row_id in zip(rows, row_ids, strict=True):
                event = self._spooled.pop(row.id, None)
                job = None
                if row_id is not None:
                    # None: spooled by a process before this one
                    job = self._enqueue(row_id, row.key, event or row.event())
                moved = self._moved.pop(row.id, None)
                if moved is not None and not moved.done():
                    moved.set_result(job)

    async def _moved_all(self) -> None:
        """Until the spool is empty (start-up, poll, drain)."""
        if not self.inbox.spooling:
            return
        if self.inbox.spool().take(1):
            self._kick_mover()  # one already running takes these too
        while self._mover is not None and not self._mover.done():
            await asyncio.shield(self._mover)

    async def submit(self, event: AnyEvent, *, delivered: bool) -> Outcome:
        job = await self._stored(event)
        if job is None:
            return Outcome(duplicate=True)
        loop = asyncio.get_running_loop()
        committed: asyncio.Future[Outcome] = loop.create_future()
        job.committed.append(committed)
        sent: asyncio.Future[None] | None = None
        if delivered:
            sent = loop.create_future()
            job.delivered.append(sent)
        outcome = await committed
        if sent is not None:
            await sent
        return outcome

    def _enqueue(self, row_id: int, key: str, event: AnyEvent, attempts: int = 0) -> Job:
        job = self._jobs.get(row_id)
        if job is None:
            job = self._jobs[row_id] = Job(row_id, key, event, attempts)
            self._lanes.submit(key, job)
        return job

    async def recover(self) -> None:
        """At start-up: run what a previous process stored but did not run, and send what
        it committed but did not deliver (on SQLite no other process can be sending it)."""
        await self._moved_all()
        for row in await self.inbox.pending(limit=100_000):
            self._enqueue(row.id, row.key, row.event, row.attempts)
        await self.desk.courier.retry_due(everything=self.desk.db.is_sqlite)

    async def poll(self) -> int:
        """Rows nobody here is running, stored `grace` ago or earlier: left by a replica that
        died, or waiting behind an earlier event of their conversation. The oldest first."""
        await self._moved_all()
        before = self.desk.clock.now() - self.grace
        rows = await self.inbox.pending(limit=200, received_before=before, skip=set(self._jobs))
        for row in rows:
            self._enqueue(row.id, row.key, row.event, row.attempts)
        return len(rows)

    # -- one event -------------------------------------------------------------------------------
    async def _run(self, job: Job) -> None:
        try:
            event = await self._complete(job.event)
            result = await self._again_without_broken_steps(
                lambda turn: self._event_turn(job, event, turn), source=job.event.platform
            )
        except Exception as exc:
            await self._failed(job, exc)
            return
        if result is None:
            self._not_first(job)
            return
        outcome, entries = result
        self._jobs.pop(job.row_id, None)
        self._observe_latency(job)
        for waiter in job.committed:
            if not waiter.done():
                waiter.set_result(outcome)
        self._deliver(job.key, entries, job.delivered)

    async def _complete(self, event: AnyEvent) -> AnyEvent:
        adapter = self.desk.adapters.get(event.platform)
        if adapter is None:
            return event
        try:
            return await adapter.complete(event)
        except Exception:  # the event as stored is still worth running
            log.exception("the %s adapter could not complete %s", event.platform, event.event_id)
            return event

    async def _event_turn(
        self, job: Job, event: AnyEvent, turn: Turn
    ) -> tuple[Outcome, list[Entry]] | None:
        async with self.desk.db.sessions.begin() as s:
            if not await self.inbox.take(s, job.row_id):
                return None
            desk = self._bind(s, turn)
            ctx = TurnContext(desk, turn, event)
            error = await self._handle(ctx)
            entries, seen = await self._close(s, desk, turn, f"inbox:{job.row_id}")
            await self.inbox.done(s, job.row_id)
        self._observe(turn, seen)
        outcome = Outcome(
            intents=tuple(turn.intents),
            error=error,
            refusal=turn.refusal,
            created=tuple(turn.created),
        )
        return outcome, entries

    async def _handle(self, ctx: TurnContext) -> str | None:
        try:
            await self.dispatch(ctx)
        except TicketError as exc:  # a refusal: raised before anything was changed
            # the refusal may come before the handler asked who acted (`show 999`): ask now
            locale = await ctx.locale()
            ctx.tell(self.desk.error_message(exc, locale))
            return str(exc)
        return None

    def _not_first(self, job: Job) -> None:
        """The row is not (or no longer) ours to run now."""
        job.not_first += 1
        if job.not_first > NOT_FIRST_RETRIES:  # `poll` takes it up later, if still pending
            self._jobs.pop(job.row_id, None)
            for waiter in job.committed:
                if not waiter.done():
                    waiter.set_result(Outcome(duplicate=True))
            for sent in job.delivered:
                if not sent.done():
                    sent.set_result(None)
            return
        self._later(NOT_FIRST_DELAY, job)

    async def _failed(self, job: Job, exc: Exception) -> None:
        job.attempts += 1
        give_up = job.attempts >= MAX_ATTEMPTS
        log.error(
            "event %s (%s) failed, attempt %d%s",
            job.event.event_id,
            type(job.event).__name__,
            job.attempts,
            ": giving up" if give_up else "",
            exc_info=exc,
        )
        try:
            await self.inbox.failed(job.row_id, f"{type(exc).__name__}: {exc}", give_up=give_up)
        except Exception:
            log.exception("could not record the failure of inbox row %s", job.row_id)
        failure = Outcome(error=f"{type(exc).__name__}: {exc}")
        for waiter in job.committed:
            if not waiter.done():
                waiter.set_result(failure)
        for sent in job.delivered:
            if not sent.done():
                sent.set_result(None)
        job.committed.clear()
        job.delivered.clear()
        if give_up:
            self._jobs.pop(job.row_id, None)
        else:
            self._later(min(2.0**job.attempts, 60.0), job)

    def _later(self, seconds: float, job: Job) -> None:
        loop = asyncio.get_running_loop()

        def again() -> None:
            self._retries.discard(handle)
            self._lanes.submit(job.key, job)

        handle = loop.call_later(seconds, again)
        self._retries.add(handle)

    # -- timers ----------------------------------------------------------------------------------
    async def run_due_timers(self) -> int:
        """Run every due timer, each as its own turn; return how many ran."""
        ran = 0
        while True:
            holder: list[DueTimer] = []
            try:
                result = await self._again_without_broken_steps(
                    functools.partial(self._timer_turn, holder=holder), source="timer"
                )
            except Exception as exc:
                if not holder:
                    raise
                log.exception("timer %s (%s) failed", holder[0].id, holder[0].kind)
                await self.desk.timers.failed(holder[0], f"{type(exc).__name__}: {exc}")
                ran += 1
                continue
            if result is None:
                return ran
            ran += 1
            self._deliver(f"timer:{holder[0].ticket_id or holder[0].id}", result, [])

    async def _timer_turn(self, turn: Turn, *, holder: list[DueTimer]) -> list[Entry] | None:
        async with self.desk.db.sessions.begin() as s:
            timer = await self.desk.timers.take(s)
            if timer is None:
                return None
            holder[:] = [timer]
            desk = self._bind(s, turn)
            handler = desk.hooks.timers.get(timer.kind)
            if handler is None:
                raise LookupError(f"no handler for timers of kind {timer.kind!r}")
            await handler(desk, timer, turn)
            entries, seen = await self._close(s, desk, turn, f"timer:{timer.id}")
            await desk.timers.done(s, timer)
        self._observe(turn, seen)
        return entries

    # -- a turn without an event (tools, tests, the workflow sandbox) ------------------------------
    async def finish(self, turn: Turn) -> None:
        """Run what `turn` holds (happenings, intents) to the end as one turn, and deliver."""
        start = (list(turn.pending), list(turn.intents), set(turn.touched), dict(turn.cards))

        async def attempt(fresh: Turn) -> list[Entry]:
            fresh.pending.extend(start[0])
            fresh.intents.extend(start[1])
            fresh.touched |= start[2]
            fresh.cards.update(start[3])
            async with self.desk.db.sessions.begin() as s:
                desk = self._bind(s, fresh)
                entries, seen = await self._close(s, desk, fresh, f"turn:{uuid.uuid4().hex}")
            self._observe(fresh, seen)
            _copy_into(turn, fresh)
            return entries

        entries = await self._again_without_broken_steps(attempt, source=turn.source)
        done = self.desk.courier.deliver(f"turn:{id(turn)}", entries, wait=True)
        if done is not None:
            await done

    async def run(self, work: Callable[[Desk, Turn], Awaitable[T]], *, source: str) -> T:
        """Run `work(desk, turn)` and the rest of its turn as one transaction, and deliver."""
        turn = Turn(source=source)
        async with self.desk.db.sessions.begin() as s:
            desk = self._bind(s, turn)
            result = await work(desk, turn)
            entries, seen = await self._close(s, desk, turn, f"turn:{uuid.uuid4().hex}")
        self._observe(turn, seen)
        done = self.desk.courier.deliver(f"turn:{id(turn)}", entries, wait=True)
        if done is not None:
            await done
        return result

    # -- the second half of every turn -----------------------------------------------------------
    def _bind(self, s: AsyncSession, turn: Turn) -> Desk:
        turn.units = TurnSessions(s, expected=is_refusal)
        return self.desk.bound(turn.units)

    async def _close(
        self, s: AsyncSession, desk: Desk, turn: Turn, batch: str
    ) -> tuple[list[Entry], list[tuple[Happening, TicketView]]]:
        """Workflows, cards, the outbox: everything after the handler, in the transaction."""
        while turn.pending or turn.settling:
            while turn.pending:
                happening = turn.pending.popleft()
                turn.handled.append(happening)
                if desk.engine is not None:
                    await desk.engine.run(happening, turn, desk)
            if desk.engine is not None:
                await desk.engine.settle(turn, desk)  # may queue happenings: run those too
            turn.settling.clear()
        await asyncio.sleep(0)  # the loop's other work (acks) between the stages of a turn
        await self._cards(desk, turn)
        if turn.tainted is not None:
            raise TurnTaintedError(str(turn.tainted)) from turn.tainted
        await asyncio.sleep(0)
        entries = await desk.courier.write(s, batch, turn.intents, desk.tickets)
        return entries, await desk.observations(turn)

    async def _cards(self, desk: Desk, turn: Turn) -> None:
        """Render each touched ticket's messages once, from the state the turn leaves."""
        for number in sorted(turn.touched):
            ticket = await desk.tickets.get(number)
            if number in turn.cards:  # opened this turn: its cards are about to be posted
                card = await desk.card(ticket)
                for index in turn.cards[number]:
                    posted = turn.intents[index]
                    assert isinstance(posted, PostMessage)
                    turn.intents[index] = dataclasses.replace(posted, message=card)
                continue
            for link in await desk.tickets.links(number):
                if link.platform not in desk.adapters:
                    continue
                message = await desk.render_link(link, ticket)
                if message is None or (shown := digest(message)) == link.digest:
                    continue
                turn.emit(UpdateMessage(_ref(link), message))
                await desk.tickets.shown(link_id=link.id, digest=shown)

    async def _again_without_broken_steps(
        self, attempt: Callable[[Turn], Awaitable[T]], *, source: str
    ) -> T:
        broken: dict[tuple[str, int], str] = {}
        while True:
            turn = Turn(source=source, broken=dict(broken))
            try:
                return await attempt(turn)
            except StepBrokeError as exc:
                if (exc.workflow, exc.step) in broken:
                    raise
                log.warning("running the turn again without %s", exc)
                broken[(exc.workflow, exc.step)] = exc.error

    def _deliver(self, key: str, entries: list[Entry], waiters: list[asyncio.Future[None]]) -> None:
        done = self.desk.courier.deliver(key, entries, wait=bool(waiters))
        if done is None:
            return

        def finished(_: asyncio.Future[None]) -> None:
            for sent in waiters:
                if not sent.done():
                    sent.set_result(None)

        done.add_done_callback(finished)

    def on_turn(self, observer: Callable[[Turn], None]) -> None:
        """Call `observer(turn)` after each turn commits (the workflow sandbox collects what
        turns would send)."""
        self._observers.append(observer)

    def _observe(self, turn: Turn, seen: list[tuple[Happening, TicketView]]) -> None:
        for observer in self._observers:
            observer(turn)
        if self.desk.metrics is not None:
            for happening, ticket in seen:
                self.desk.metrics.observe_happening(happening, ticket)

    def _observe_latency(self, job: Job) -> None:
        if self.desk.metrics is not None:
            elapsed = time.perf_counter() - job.queued_at
            self.desk.metrics.observe_event_latency(elapsed, adapter=job.event.platform)

    # -- life cycle ------------------------------------------------------------------------------
    async def drain(self) -> None:
        """Let stored events run and committed deliveries go out (at shutdown)."""
        await self._moved_all()
        await self._lanes.drain()
        await self.desk.courier.drain()

    async def stop(self) -> None:
        for handle in self._retries:
            handle.cancel()
        self._retries.clear()
        if self._mover is not None:
            self._mover.cancel()  # what it did not move stays in the spool for the next start
            with contextlib.suppress(asyncio.CancelledError):
                await self._mover
        await self._lanes.stop()
        await self.desk.courier.stop()
        await self.batcher.close()
        await self.inbox.close()


def _copy_into(target: Turn, source: Turn) -> None:
    """What an ad-hoc turn did, for its caller to read."""
    target.intents[:] = source.intents
    target.handled[:] = source.handled
    target.created[:] = source.created
    target.refusal = source.refusal


def _ref(link: TicketThread) -> MessageRef:
    thread = None if link.thread_id == link.message_id else link.thread_id
    return MessageRef(link.platform, link.channel_id, link.message_id, thread)
