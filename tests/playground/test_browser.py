"""The whole story, played on the page in headless Chromium against the real desk.

A customer asks in Japanese; the card appears in #support; an agent claims it and asks to
escalate; a lead approves in the ticket's thread; an engineer answers in the #engineering
hand-off thread and the answer shows up in the ticket's thread; the agent resolves; the
customer gets a CSAT poll, chooses 5, and #kudos gets a shout-out. Screenshots go to artifacts/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Locator, Page, expect

from supportbot.playground.scenario import CSAT_WAIT, ENGINEER_ANSWER, ESCALATION, QUESTION

from .browser import chromium, open_as, say, screenshot, switch
from .desk import live_desk

pytestmark = pytest.mark.browser
CUSTOMER, AGENT, LEAD, ENGINEER = "yuki", "aiko", "lena", "eri"


def card_in(page: Page) -> Locator:
    return page.locator("#messages .msg[data-kind=ticket_card]").last


async def open_thread(page: Page, message: Locator) -> Locator:
    """Open `message`'s thread the way a person does (hover, 💬) and return the thread pane."""
    await message.hover()
    await message.locator(".tools .reply").click()
    pane = page.locator("#thread-pane")
    await expect(pane).to_be_visible()
    return pane


async def test_the_story_from_question_to_shout_out(aiohttp_server: Any, tmp_path: Path) -> None:
    async with live_desk(aiohttp_server, tmp_path) as desk, chromium() as browser:
        customer = await open_as(browser, desk.base, CUSTOMER, "customers")
        agent = await open_as(browser, desk.base, AGENT, "support")
        lead = await open_as(browser, desk.base, LEAD, "support")
        engineer = await open_as(browser, desk.base, ENGINEER, "engineering")

        # A customer asks in Japanese: a ticket card appears in #support, triaged.
        await say(customer, QUESTION)
        card = card_in(agent)
        await expect(card).to_contain_text(QUESTION)
        await expect(card.locator("button[data-action='ticket.claim']")).to_be_visible()
        await screenshot(customer, "story-1-customer")

        # The agent claims it: the card now names her and offers Unclaim.
        await card.locator("button[data-action='ticket.claim']").click()
        await expect(card.locator(".mention")).to_contain_text("Aiko Tanaka")
        await expect(card.locator("button[data-action='ticket.unclaim']")).to_be_visible()
        await screenshot(agent, "story-2-claimed")

        # She asks to escalate to engineering with the card's form.
        await card.locator("button[data-action='ticket.escalate']").click()
        dialog = agent.locator("#form-dialog[open]")
        await expect(dialog.locator("form[data-form='escalation.request']")).to_be_visible()
        await dialog.locator("textarea[name=reason]").fill(ESCALATION)
        await dialog.locator("select[name=department]").select_option("engineering")
        await screenshot(agent, "story-3-escalation-form")
        await dialog.locator("button[type=submit]").click()
        await expect(agent.locator("#form-dialog[open]")).to_have_count(0)

        # A lead approves in the ticket's thread.
        thread = await open_thread(lead, card_in(lead))
        approve = thread.locator("button[data-action='escalation.approve']")
        await expect(approve).to_be_visible()
        await screenshot(lead, "story-4-approval")
        await approve.click()
        await expect(approve).to_have_count(0)

        # Engineering gets a hand-off thread; the engineer accepts, answers there, and is done.
        handoff = engineer.locator("#messages .msg[data-kind=handoff]").last
        await handoff.locator("button[data-action='handoff.accept']").click()
        pane = await open_thread(engineer, handoff)
        await say(engineer, ENGINEER_ANSWER, in_thread=True)
        await expect(pane).to_contain_text(ENGINEER_ANSWER)
        await screenshot(engineer, "story-5-handoff")
        await handoff.locator("button[data-action='handoff.done']").click()
        await expect(handoff.locator("button[data-action='handoff.done']")).to_have_count(0)

        # The answer shows up in the ticket's thread in #support.
        ticket_thread = await open_thread(agent, card_in(agent))
        await expect(ticket_thread).to_contain_text(ENGINEER_ANSWER)
        await screenshot(agent, "story-6-relayed")

        # Resolve: an hour later the customer gets a CSAT poll and gives 5.
        await card_in(agent).locator("button[data-action='ticket.resolve']").click()
        await expect(card_in(agent).locator("button[data-action='ticket.reopen']")).to_be_visible()
        desk.clock.advance(CSAT_WAIT)
        asked = customer.locator("#messages .msg[data-author=yuki]").last
        await expect(asked.locator(".thread-link")).to_be_visible()
        await asked.locator(".thread-link").click()
        five = customer.locator("#thread-pane button[data-action='csat.score'][data-value='5']")
        await expect(five).to_be_visible(timeout=15000)
        await screenshot(customer, "story-7-csat")
        await switch(lead, LEAD, "kudos")
        # (the one the customer's 5 stars bring names the customer)
        stars = lead.locator("#messages .msg[data-kind=shoutout]", has_text="Yuki Tanaka")
        await expect(stars).to_have_count(0)
        await five.click()

        # A shout-out for the agent in #kudos.
        await expect(stars).to_have_count(1)
        await expect(stars.locator(".mention")).to_contain_text("Aiko Tanaka")
        await screenshot(lead, "story-8-kudos")
        await switch(lead, LEAD, "support")
        await open_thread(lead, card_in(lead))
        await screenshot(lead, "story-9-support")
