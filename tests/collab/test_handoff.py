"""Cross-department hand-offs: a linked thread in the department's channel, relays both ways."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from supportbot.config import Config
from supportbot.events import MessageRef
from supportbot.intents import PostMessage, UpdateMessage
from supportbot.testing import DeskHarness
from tests.collab.conftest import desk, open_ticket, posts, texts


async def _hand_off(h: DeskHarness) -> tuple[int, MessageRef, MessageRef]:
    number = await open_ticket(h, "The export button does nothing on the reports page")
    card = h.card_ref(number)
    await h.command("aiko", f"claim {number}")
    await h.command("aiko", f"note {number} Tried clearing the cache and another browser")
    await h.command("aiko", f"handoff {number} engineering Export fails with a 500 in the logs")
    thread = posts(h, kind="handoff", channel="engineering")[-1]
    assert thread.ref is not None
    return number, card, thread.ref


async def test_the_department_gets_a_summary_and_replies_travel_both_ways(
    config: Config, tmp_path: Path
) -> None:
    async with desk(config, tmp_path) as h:
        _, card, thread = await _hand_off(h)
        opened = posts(h, kind="handoff", channel="engineering")[-1].message
        assert opened is not None
        assert "<@person:eri>" in opened.text  # on call (no group mention on this platform)
        shown = {f.label: f.value for f in opened.fields}
        assert "Tried clearing the cache" in shown["What was tried"]
        assert "Export fails with a 500" in shown["Note from support"]
        assert shown["Priority"] == "P3" and "Customer" in shown
        assert [b.action for b in opened.buttons] == ["handoff.accept", "handoff.done"]

        h.chat.clear()  # the department answers in its thread → the card thread
        await h.reply("engineering", thread.message_id, "eri", "Looking at the logs now")
        relayed = [
            s for s in posts(h, channel="support") if s.message and "Looking at" in s.message.text
        ]
        assert relayed and isinstance(relayed[0].intent, PostMessage)
        assert relayed[0].intent.to.thread_id == card.message_id

        h.chat.clear()  # support answers with `dept:` in the card thread → the department
        await h.reply("support", card.message_id, "aiko", "dept: It started on Monday")
        back = [
            s for s in posts(h, channel="engineering") if s.message and "Monday" in s.message.text
        ]
        assert back and isinstance(back[0].intent, PostMessage)
        assert back[0].intent.to.thread_id == thread.message_id


async def test_accept_and_done_update_the_card_and_thank_the_department(
    config: Config, tmp_path: Path
) -> None:
    async with desk(config, tmp_path) as h:
        number, _, thread = await _hand_off(h)
        handoff_id = posts(h, kind="handoff")[-1].message.buttons[0].value  # type: ignore[union-attr]
        h.chat.clear()
        await h.click("eri", "handoff.accept", handoff_id, on=thread)
        updates = [u for u in h.chat.of_type(UpdateMessage) if isinstance(u, UpdateMessage)]
        accepted = [u for u in updates if u.ref == thread]
        assert accepted and "Accepted by Eri Sato" in accepted[-1].message.text
        assert [b.action for b in accepted[-1].message.buttons] == ["handoff.done"]
        assert any("accepted the hand-off" in t for t in texts(posts(h, channel="support")))

        await h.command("aiko", f"resolve {number}")  # an open hand-off: the core warns first
        warning = h.chat.ephemerals("aiko")[-1].message.text  # aiko reads Japanese
        assert "engineering への依頼がまだ残っています" in warning
        assert (await h.desk.tickets.get(number)).is_open

        h.chat.clear()
        await h.click("eri", "handoff.done", handoff_id, on=thread)
        updates = [u for u in h.chat.of_type(UpdateMessage) if isinstance(u, UpdateMessage)]
        assert not [u for u in updates if u.ref == thread][-1].message.buttons
        shout = texts(posts(h, kind="shoutout", channel="kudos"))
        assert shout and "<@person:eri>" in shout[0] and "closed the hand-off" in shout[0]


async def test_engineering_is_reminded_when_nobody_accepts_in_time(
    config: Config, tmp_path: Path
) -> None:
    async with desk(config, tmp_path) as h:
        _, card, thread = await _hand_off(h)
        h.chat.clear()
        h.clock.advance(timedelta(hours=3, minutes=59))
        await h.run_timers()
        assert not h.chat.messages("handoff.overdue")
        h.clock.advance(timedelta(minutes=1))  # config: engineering accepts within 4h
        await h.run_timers()
        overdue = [
            s for s in h.chat.messages("handoff.overdue") if isinstance(s.intent, PostMessage)
        ]
        places = {(s.intent.to.channel_id, s.intent.to.thread_id) for s in overdue}  # type: ignore[union-attr]
        assert places == {("engineering", thread.message_id), ("support", card.message_id)}


async def test_an_accepted_handoff_is_not_reminded(config: Config, tmp_path: Path) -> None:
    async with desk(config, tmp_path) as h:
        _, _, thread = await _hand_off(h)
        handoff_id = posts(h, kind="handoff")[-1].message.buttons[0].value  # type: ignore[union-attr]
        await h.click("eri", "handoff.accept", handoff_id, on=thread)
        h.clock.advance(timedelta(hours=5))
        await h.run_timers()
        assert not h.chat.messages("handoff.overdue")
