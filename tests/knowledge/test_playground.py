"""The playground shows self-service and suggested replies, in headless Chromium against the
real desk (default config, workflows and starter knowledge): the customer persona gets the
article with its two buttons in their thread, the agent gets the suggestions and a draft in
the ticket's thread and sends it with one click, and the customer's *This solved it* resolves
the ticket."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Locator, Page, expect

from tests.playground.browser import chromium, open_as, say, screenshot
from tests.playground.desk import live_desk

pytestmark = pytest.mark.browser
CUSTOMER, AGENT = "yuki", "aiko"
QUESTION = "請求書をCSVでエクスポートしてExcelで開きたいのですが、どうすればいいですか"


def card_in(page: Page) -> Locator:
    return page.locator("#messages .msg[data-kind=ticket_card]").last


async def thread_of(page: Page, message: Locator) -> Locator:
    await message.hover()
    await message.locator(".tools .reply").click()
    pane = page.locator("#thread-pane")
    await expect(pane).to_be_visible()
    return pane


async def test_self_service_and_suggested_replies(aiohttp_server: Any, tmp_path: Path) -> None:
    async with live_desk(aiohttp_server, tmp_path) as desk, chromium() as browser:
        customer = await open_as(browser, desk.base, CUSTOMER, "customers")
        agent = await open_as(browser, desk.base, AGENT, "support")
        await say(customer, QUESTION)

        # The customer: the article, in Japanese, with the two buttons, in their own thread.
        asked = customer.locator("#messages .msg[data-author=yuki]").last
        await expect(asked.locator(".thread-link")).to_be_visible()
        await asked.locator(".thread-link").click()
        offer = customer.locator("#thread-pane .msg[data-kind=kb_self_service]")
        await expect(offer).to_contain_text("エクスポート")
        await expect(offer.locator("button[data-action='kb.solved']")).to_be_visible()
        await expect(offer.locator("button[data-action='kb.declined']")).to_be_visible()
        await expect(offer).not_to_contain_text("社内向け")
        await screenshot(customer, "kb-1-customer-offer")

        # The agent: suggestions and a draft in the ticket's thread, for agents only.
        pane = await thread_of(agent, card_in(agent))
        await expect(pane.locator(".msg[data-kind=kb_suggestions]")).to_be_visible()
        draft = pane.locator(".msg[data-kind=kb_draft]")
        send = draft.locator("button[data-action='kb.draft.send']")
        await expect(send).to_be_visible()
        await screenshot(agent, "kb-2-agent-draft")
        await send.click()
        await expect(send).to_have_count(0)
        await expect(draft).to_contain_text("Aiko Tanaka")  # who sent it

        # The customer sees the reply, then says the article solved it.
        replies = customer.locator("#thread-pane .msg[data-kind=reply]")
        await expect(replies).to_have_count(1)
        await offer.locator("button[data-action='kb.solved']").click()
        await expect(offer.locator("button[data-action='kb.solved']")).to_have_count(0)
        await expect(offer).to_contain_text("解決済み")
        await expect(card_in(agent).locator("button[data-action='ticket.reopen']")).to_be_visible()
        await screenshot(customer, "kb-3-solved")
