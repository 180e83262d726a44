"""The core desk without workflows: event in, messages out, through the in-memory adapter."""

from __future__ import annotations

from pathlib import Path

import pytest

from supportbot.config import Config, load_config
from supportbot.intents import PostEphemeral, PostMessage, UpdateMessage
from supportbot.testing import DeskHarness

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def config() -> Config:
    base = load_config(ROOT / "config" / "supportbot.yaml", {})
    return base.model_copy(
        update={
            "support_channel": {"chat": "support"},
            "intake_channels": [
                *base.intake_channels,
                base.intake_channels[0].model_copy(update={"platform": "chat"}),
            ],
        }
    )


async def test_customer_message_becomes_a_card_linked_to_its_thread(
    config: Config, tmp_path: Path
) -> None:
    async with DeskHarness.start(config, tmp_path, features=()) as h:
        await h.say("customers", "cust1", "Our dashboard shows <!channel> **error 500**")
        card = h.chat.last(kind="ticket_card")
        assert isinstance(card.intent, PostMessage)
        assert card.intent.to.channel_id == "support"
        assert card.message is not None
        assert "\\<!channel\\>" in card.message.text  # escaped markup, never a ping
        # the acknowledgement is the triage workflow's (tests/workflows); the core links the
        # customer's message so their thread replies reach the ticket
        links = await h.desk.tickets.links(1, "requester")
        assert [(ln.channel_id, ln.thread_id) for ln in links] == [("customers", "msg-ev1")]


async def test_claim_updates_the_card_and_a_second_claim_is_refused(
    config: Config, tmp_path: Path
) -> None:
    async with DeskHarness.start(config, tmp_path, features=()) as h:
        await h.say("customers", "cust1", "Help, login fails")
        card = h.card_ref()
        await h.click("U0AIKO", "ticket.claim", "1", on=card)  # unknown id: a customer, refused
        assert h.chat.ephemerals("U0AIKO")
        h.chat.clear()
        await h.command("aiko", "claim 1")
        updates = [i for i in h.chat.of_type(UpdateMessage) if isinstance(i, UpdateMessage)]
        assert updates and updates[-1].ref == card
        assert any("aiko" in f.value for f in updates[-1].message.fields)
        await h.command("ben", "claim 1")
        refusal = h.chat.ephemerals("ben")[-1]
        assert isinstance(refusal, PostEphemeral)
        assert "Aiko Tanaka" in refusal.message.text


async def test_thread_reply_prefix_reaches_the_requester(config: Config, tmp_path: Path) -> None:
    async with DeskHarness.start(config, tmp_path, features=()) as h:
        await h.say("customers", "cust1", "Where is my invoice?")
        card = h.card_ref()
        await h.command("aiko", "claim 1")
        h.chat.clear()
        await h.reply(card.channel_id, card.message_id, "aiko", "reply: It is on its way")
        to_customer = [s for s in h.chat.messages(kind="reply")]
        assert to_customer and isinstance(to_customer[0].intent, PostMessage)
        assert to_customer[0].intent.to.channel_id == "customers"
        ticket = await h.desk.tickets.get(1)
        assert ticket.first_response_at is not None
        # and the customer's answer is relayed into the card thread
        h.chat.clear()
        thread = to_customer[0].intent.to.thread_id
        await h.reply("customers", thread, "cust1", "Thanks!")
        relay = h.chat.last(kind="")
        assert isinstance(relay.intent, PostMessage)
        assert relay.intent.to.thread_id == card.message_id


async def test_a_retried_event_is_processed_once(config: Config, tmp_path: Path) -> None:
    async with DeskHarness.start(config, tmp_path, features=()) as h:
        from supportbot.events import ConversationRef, MessageReceived

        event = MessageReceived(
            event_id="Ev1",
            actor=h.actor("cust1"),
            conversation=ConversationRef("chat", "customers"),
            text="hi",
            message_id="1.1",
        )
        first = await h.send(event)
        second = await h.send(event)
        assert not first.duplicate and second.duplicate
        assert len(h.chat.messages(kind="ticket_card")) == 1


async def test_waiting_on_the_customer_pauses_until_they_answer(
    config: Config, tmp_path: Path
) -> None:
    from datetime import timedelta

    async with DeskHarness.start(config, tmp_path, features=()) as h:
        await h.say("customers", "cust1", "Export fails")
        await h.command("aiko", "claim 1")
        await h.click("aiko", "ticket.wait", "1", on=h.card_ref())
        assert (await h.desk.tickets.get(1)).status == "waiting"
        h.clock.advance(timedelta(minutes=40))
        await h.reply("customers", "msg-ev1", "cust1", "Here is the log")
        ticket = await h.desk.tickets.get(1)
        assert (ticket.status, ticket.paused_seconds) == ("assigned", 40 * 60)
        await h.command("ben", "wait 1")  # ben is not the assignee, but any agent may say so
        assert (await h.desk.tickets.get(1)).status == "waiting"


async def test_old_delivery_ids_are_forgotten_but_recent_ones_still_drop_retries(
    config: Config, tmp_path: Path
) -> None:
    from datetime import timedelta

    from supportbot.events import ConversationRef, MessageReceived

    async with DeskHarness.start(config, tmp_path, features=()) as h:

        def event(event_id: str) -> MessageReceived:
            return MessageReceived(
                event_id=event_id,
                actor=h.actor("cust1"),
                conversation=ConversationRef("chat", "customers"),
                text="hi",
                message_id=event_id,
            )

        await h.send(event("old"))
        h.clock.advance(timedelta(days=8))
        await h.send(event("recent"))
        assert await h.desk.pipeline.inbox.prune(timedelta(days=7)) == 1
        assert (await h.send(event("recent"))).duplicate


async def test_an_intake_channel_of_an_organisation_makes_its_customers_members(
    config: Config, tmp_path: Path
) -> None:
    shared = config.intake_channels[0].model_copy(
        update={"platform": "chat", "channel": "acme-shared", "organization": "acme"}
    )
    config = config.model_copy(update={"intake_channels": [*config.intake_channels, shared]})
    async with DeskHarness.start(config, tmp_path, features=()) as h:
        await h.say("acme-shared", "cust9", "Our SSO login loops")  # no org id from the platform
        requester = (await h.desk.tickets.get(1)).requester
        assert (requester.organization, requester.tier) == ("acme", "enterprise")
