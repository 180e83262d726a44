"""Escalation with lead approval: event in, messages out, with the default workflows."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from supportbot.config import Config
from supportbot.events import MessageRef
from supportbot.intents import OpenForm, PostMessage, UpdateMessage
from supportbot.store.models import TicketEvent
from supportbot.testing import DeskHarness
from tests.collab.conftest import desk, dms, open_ticket, posts, texts

REASON = "Export is broken for every user"


async def _escalate(
    h: DeskHarness, department: str = "engineering"
) -> tuple[int, PostMessage, MessageRef]:
    number = await open_ticket(h, "The export button does nothing on the reports page")
    await h.command("aiko", f"claim {number}")
    ticket_card = h.card_ref(number)
    h.chat.clear()
    await h.command("aiko", f"escalate {number} {department} {REASON}".replace("  ", " "))
    card = posts(h, kind="approval")[-1]
    assert isinstance(card.intent, PostMessage)
    return number, card.intent, ticket_card


async def test_the_card_asks_the_leads_and_a_lead_approves(config: Config, tmp_path: Path) -> None:
    async with desk(config, tmp_path) as h:
        number, card, ticket_card = await _escalate(h)
        assert card.to.channel_id == "support"
        assert card.to.thread_id == ticket_card.message_id  # in the ticket's thread
        assert "<@person:lena>" in card.message.text  # the leads of tier1
        assert [b.action for b in card.message.buttons] == [
            "escalation.approve",
            "escalation.deny",
        ]
        approval = posts(h, kind="approval")[-1].ref
        assert approval is not None
        h.chat.clear()

        await h.click("lena", "escalation.approve", card.message.buttons[0].value, on=approval)

        updated = [u for u in h.chat.of_type(UpdateMessage) if isinstance(u, UpdateMessage)]
        decided = [u for u in updated if u.ref == approval]
        assert decided, "the approval card was not updated in place"
        assert "Approved by Lena Fischer" in decided[-1].message.text
        assert not decided[-1].message.buttons
        assert "承認しました" in dms(h, "aiko")[-1].message.text  # in Aiko's language
        ticket = await h.desk.tickets.get(number)
        assert ticket.priority == "P2"  # escalation-approved: one step up
        handoff = posts(h, kind="handoff", channel="engineering")
        assert handoff and REASON in str(handoff[-1].message)


async def test_someone_who_is_not_a_lead_is_refused_and_audited(
    config: Config, tmp_path: Path
) -> None:
    async with desk(config, tmp_path) as h:
        number, card, _ = await _escalate(h)
        h.chat.clear()
        await h.click("ben", "escalation.approve", card.message.buttons[0].value)

        refusal = h.chat.ephemerals("ben")[-1]
        assert "Only leads of tier1" in refusal.message.text
        updates = [u for u in h.chat.of_type(UpdateMessage) if isinstance(u, UpdateMessage)]
        assert all("Approved" not in u.message.text for u in updates)
        esc = await h.desk.tickets.pending_escalation(number)
        assert esc is not None and esc.status == "pending"
        async with h.desk.db.sessions() as s:
            kinds = (await s.scalars(select(TicketEvent.kind))).all()
        assert "escalation.refused" in kinds


async def test_a_lead_denies_with_a_reason_the_agent_reads(config: Config, tmp_path: Path) -> None:
    async with desk(config, tmp_path) as h:
        number, card, _ = await _escalate(h)
        esc_id = card.message.buttons[1].value
        await h.click("lena", "escalation.deny", esc_id)
        form = h.chat.forms()[-1]
        assert isinstance(form, OpenForm) and form.form.form == "escalation.deny"

        await h.submit("lena", "escalation.deny", {"reason": ""}, context=esc_id)
        assert "reason" in h.chat.ephemerals("lena")[-1].message.text  # a denial needs one
        await h.submit("lena", "escalation.deny", {"reason": "Known issue, fix ships Friday"},
                       context=esc_id)  # fmt: skip

        told = dms(h, "aiko", kind="escalation.denied")[-1].message.text
        assert "Known issue, fix ships Friday" in told and "Lena Fischer" in told
        card_updates = [u for u in h.chat.of_type(UpdateMessage) if isinstance(u, UpdateMessage)]
        assert any("Denied by Lena Fischer" in u.message.text for u in card_updates)
        assert (await h.desk.tickets.get(number)).priority == "P3"  # nothing was raised


async def test_unanswered_the_leads_are_reminded_then_the_admins_decide(
    config: Config, tmp_path: Path
) -> None:
    async with desk(config, tmp_path) as h:
        number, card, _ = await _escalate(h)
        approval = posts(h, kind="approval")[-1].ref
        h.chat.clear()
        h.clock.advance(timedelta(minutes=10))
        await h.run_timers()
        reminders = texts(h.chat.messages("approval.reminder"))
        assert len(reminders) == 1 and "<@person:lena>" in reminders[0]
        assert "waited 10 minutes for a decision" in reminders[0]

        h.clock.advance(timedelta(minutes=10))
        await h.run_timers()
        assert len(h.chat.messages("approval.reminder")) == 2
        h.chat.clear()
        h.clock.advance(timedelta(minutes=10))  # 30m: the timeout
        await h.run_timers()
        raised = texts(h.chat.messages("approval.raised"))
        assert raised and "<@person:adam>" in raised[0]
        updates = [u for u in h.chat.of_type(UpdateMessage) if isinstance(u, UpdateMessage)]
        assert any(u.ref == approval and "<@person:adam>" in u.message.text for u in updates)

        await h.click("lena", "escalation.approve", card.message.buttons[0].value)
        assert "only an admin" in h.chat.ephemerals("lena")[-1].message.text
        await h.click("adam", "escalation.approve", card.message.buttons[0].value)
        esc = await h.desk.tickets.escalation(int(card.message.buttons[0].value))
        assert esc.status == "approved" and esc.level == 2
        # decided: no more reminders
        h.chat.clear()
        h.clock.advance(timedelta(minutes=30))
        await h.run_timers()
        assert not h.chat.messages("approval.reminder")
        assert number == esc.ticket_id


async def test_the_command_approves_in_the_ticket_thread(config: Config, tmp_path: Path) -> None:
    async with desk(config, tmp_path) as h:
        _, _, ticket_card = await _escalate(h, department="")
        await h.command("lena", "approve", thread=ticket_card.message_id)
        esc = await h.desk.tickets.escalation(1)
        assert esc.status == "approved"
        assert not posts(h, kind="handoff")  # no department named: no hand-off


async def test_the_deny_command_needs_a_pending_escalation(config: Config, tmp_path: Path) -> None:
    async with desk(config, tmp_path) as h:
        number, _, _ = await _escalate(h)
        await h.command("lena", f"deny {number} Not an engineering issue")
        told = dms(h, "aiko", kind="escalation.denied")[-1].message.text
        assert "Not an engineering issue" in told
        await h.command("lena", f"deny {number} twice")
        assert "no escalation waiting" in h.chat.ephemerals("lena")[-1].message.text
