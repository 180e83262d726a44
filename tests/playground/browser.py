"""Headless Debian Chromium driven by playwright (never `playwright install`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright

from .helpers import ACCESS_TOKEN

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


def _require_chromium() -> None:
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium: run `python -m tests.browser_setup` (make test does)")


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    _require_chromium()
    async with async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser
        finally:
            await browser.close()


async def open_as(browser: Browser, base_url: str, persona: str, channel: str) -> Page:
    """A page acting as `persona`, showing `channel`, with its live connection up."""
    context = await browser.new_context(viewport={"width": 1400, "height": 860}, locale="en-US")
    page = await context.new_page()
    await page.goto(f"{base_url}/playground?as={persona}&channel={channel}&token={ACCESS_TOKEN}")
    await page.wait_for_selector("body[data-live=yes]")
    return page


async def switch(page: Page, persona: str, channel: str) -> None:
    """Act as someone else and look at another channel, as a visitor would with the sidebar."""
    await page.select_option("[data-testid=persona]", persona)
    await page.wait_for_selector(f"body[data-persona={persona}][data-live=yes]")
    await page.click(f"#sidebar [data-channel='{channel}']")


async def say(page: Page, text: str, *, in_thread: bool = False) -> None:
    box = "[data-testid=thread-composer]" if in_thread else "[data-testid=composer]"
    await page.fill(box, text)
    await page.press(box, "Enter")


async def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    await page.screenshot(path=str(path))
    return path
