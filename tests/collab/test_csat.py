"""CSAT polls: sent after the delay, answered, replaced, commented, expired, cooled down."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from supportbot.config import Config
from supportbot.events import MessageRef
from supportbot.intents import OpenForm, PostMessage, UpdateMessage
from supportbot.store.models import CsatPoll, KudosAward, TicketEvent
from supportbot.testing import DeskHarness
from tests.collab.conftest import desk, open_ticket, posts, texts


async def _resolved(h: DeskHarness, user: str = "cust1", **actor: str) -> int:
    number = await open_ticket(
        h, "The export button does nothing on the reports page", user, **actor
    )
    await h.command("aiko", f"claim {number}")
    await h.command("aiko", f"resolve {number}")
    return number


async def _poll(h: DeskHarness) -> tuple[MessageRef, PostMessage]:
    sent = posts(h, kind="csat_poll")
    assert sent, "no CSAT poll was sent"
    assert sent[-1].ref is not None and isinstance(sent[-1].intent, PostMessage)
    return sent[-1].ref, sent[-1].intent


def _updates(h: DeskHarness, ref: MessageRef) -> list[UpdateMessage]:
    return [
        u for u in h.chat.of_type(UpdateMessage) if isinstance(u, UpdateMessage) and u.ref == ref
    ]


async def _count(h: DeskHarness, what: object) -> int:
    async with h.desk.db.sessions() as s:
        return int(await s.scalar(select(func.count()).select_from(what)) or 0)  # type: ignore[arg-type]


async def test_poll_after_the_delay_answered_then_replaced_then_commented(
    config: Config, tmp_path: Path
) -> None:
    async with desk(config, tmp_path) as h:
        number = await _resolved(h)
        h.clock.advance(timedelta(minutes=59))
        await h.run_timers()
        assert not posts(h, kind="csat_poll")
        h.clock.advance(timedelta(minutes=1))  # config: csat.delay 1h
        await h.run_timers()
        ref, poll = await _poll(h)
        assert poll.to.channel_id == "customers" and poll.to.thread_id  # the requester's thread
        assert "How satisfied" in poll.message.text
        choice = poll.message.choices[0]
        assert choice.action == "csat.score" and [o.value for o in choice.options] == list("12345")
        assert choice.options[4].label.startswith("😄")

        await h.click("cust1", "csat.score", "4", on=ref, context=choice.context)
        assert "4/5" in _updates(h, ref)[-1].message.text
        assert not _updates(h, ref)[-1].message.buttons  # 4 is not below comment_below (3)

        h.chat.clear()
        await h.click("cust1", "csat.score", "2", on=ref, context=choice.context)  # replaces
        replaced = _updates(h, ref)[-1].message
        assert "2/5" in replaced.text and replaced.buttons[0].action == "csat.comment"
        low = [s for s in posts(h, kind="csat.low", channel="support")]
        assert low and low[0].message and low[0].message.buttons[0].action == "ticket.reopen"
        poll_row = await h.desk.tickets.csat_poll(int(choice.context))
        assert (poll_row.score, await _count(h, CsatPoll)) == (2, 1)

        await h.click("cust1", "csat.comment", choice.context, on=ref)
        assert isinstance(h.chat.forms()[-1], OpenForm)
        await h.submit("cust1", "csat.comment", {"comment": "Answers were slow"}, choice.context)
        poll_row = await h.desk.tickets.csat_poll(int(choice.context))
        assert (poll_row.score, poll_row.comment) == (2, "Answers were slow")
        assert not _updates(h, ref)[-1].message.buttons

        await h.click("cust2", "csat.score", "5", on=ref, context=choice.context)
        assert "Only the person who asked" in h.chat.ephemerals("cust2")[-1].message.text
        assert number == poll_row.ticket_id


async def test_an_unanswered_poll_expires_and_closes(config: Config, tmp_path: Path) -> None:
    async with desk(config, tmp_path) as h:
        await _resolved(h)
        h.clock.advance(timedelta(hours=1))
        await h.run_timers()
        ref, poll = await _poll(h)
        context = poll.message.choices[0].context
        h.clock.advance(timedelta(days=3))  # config: csat.expires
        await h.run_timers()
        closed = _updates(h, ref)[-1].message
        assert "closed" in closed.text and not closed.choices
        await h.click("cust1", "csat.score", "5", on=ref, context=context)
        assert "closed" in h.chat.ephemerals("cust1")[-1].message.text
        assert (await h.desk.tickets.csat_poll(int(context))).status == "expired"


async def test_no_second_poll_for_a_requester_inside_the_cooldown(
    config: Config, tmp_path: Path
) -> None:
    async with desk(config, tmp_path) as h:
        await _resolved(h, "cust1")
        h.clock.advance(timedelta(hours=1))
        await h.run_timers()
        assert len(posts(h, kind="csat_poll")) == 1

        h.clock.advance(timedelta(days=1))
        second = await _resolved(h, "cust1")
        other = await _resolved(h, "cust2", locale="ja")
        h.chat.clear()
        h.clock.advance(timedelta(hours=1))
        await h.run_timers()
        polls = posts(h, kind="csat_poll")
        assert len(polls) == 1  # cust2's only: cust1 was asked a day ago (cool-down 7d)
        assert "ご満足" in polls[0].message.text  # type: ignore[union-attr]
        async with h.desk.db.sessions() as s:
            skipped = (
                await s.scalars(select(TicketEvent).where(TicketEvent.kind == "csat.skipped"))
            ).all()
        assert [(e.ticket_id, e.data["reason"]) for e in skipped] == [(second, "cooldown")]
        assert other != second


async def test_five_stars_credit_the_assignee_once(config: Config, tmp_path: Path) -> None:
    async with desk(config, tmp_path) as h:
        await _resolved(h)
        h.clock.advance(timedelta(hours=1))
        await h.run_timers()
        ref, poll = await _poll(h)
        context = poll.message.choices[0].context
        await h.click("cust1", "csat.score", "5", on=ref, context=context)
        await h.click("cust1", "csat.score", "5", on=ref, context=context)  # same answer again
        shouts = texts(posts(h, kind="shoutout", channel="kudos"))
        assert len(shouts) == 1 and "<@person:aiko>" in shouts[0] and "5 stars" in shouts[0]
        assert await _count(h, KudosAward) == 1
