"""The page in a real browser against a fake desk: post, get a card, click, watch it change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestServer
from playwright.async_api import expect

from supportbot import markup
from supportbot.events import AnyEvent, ChoiceSubmitted, MessageReceived
from supportbot.intents import PostMessage, UpdateMessage
from supportbot.messages import Button, Field, Message, Style
from supportbot.playground import PlaygroundAdapter
from supportbot.playground.inbound import conversation

from .browser import chromium, open_as, say, screenshot, switch
from .helpers import FakeDesk, build_app, database

pytestmark = pytest.mark.browser


def card(text: str, status: str, buttons: tuple[Button, ...]) -> Message:
    return Message(
        title="**#1** Login fails",
        text=markup.escape(text),
        fields=(Field("Status", status), Field("Priority", "P2")),
        buttons=buttons,
        kind="ticket_card",
        accent="p2",
    )


async def fake_desk(adapter: PlaygroundAdapter, event: AnyEvent) -> None:
    """Just enough of a desk: a customer message opens a card; Claim updates it."""
    if isinstance(event, MessageReceived) and event.conversation.channel_id == "customers":
        claim = Button("ticket.claim", "Claim", "1", Style.PRIMARY)
        await adapter.send(PostMessage(conversation("support"), card(event.text, "new", (claim,))))
    if isinstance(event, ChoiceSubmitted) and event.action == "ticket.claim":
        assert event.message is not None
        claimed = card("claimed", f"claimed by {event.actor.display_name}", ())
        await adapter.send(UpdateMessage(event.message, claimed))


async def test_a_customer_message_becomes_a_card_that_an_agent_claims(
    aiohttp_server: Any, tmp_path: Path
) -> None:
    async with database(tmp_path) as db, chromium() as browser:
        app, _ = build_app(FakeDesk(react=fake_desk), db)
        server: TestServer = await aiohttp_server(app, host="127.0.0.1")
        base = str(server.make_url("")).rstrip("/")
        customer = await open_as(browser, base, "yuki", "customers")
        agent = await open_as(browser, base, "aiko", "support")
        await say(customer, "<img src=x onerror=alert(1)> ログインできません")
        await expect(customer.locator(".msg[data-author=yuki] .text")).to_contain_text("<img src=x")
        card_node = agent.locator(".msg[data-kind=ticket_card]")
        await expect(card_node).to_contain_text("ログインできません")
        await expect(card_node.locator("img")).to_have_count(0)
        await screenshot(agent, "basics-card")
        await card_node.locator("button[data-action='ticket.claim']").click()
        await expect(card_node).to_contain_text("claimed by Aiko Sato")
        await expect(card_node.locator(".card button")).to_have_count(0)
        await switch(customer, "ken", "support")
        await expect(customer.locator(".msg[data-kind=ticket_card]")).to_contain_text("claimed by")
