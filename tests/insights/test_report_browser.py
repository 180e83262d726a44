"""The HTML report renders in a real browser: charts are present and have a size.

Drives Debian's Chromium with Playwright (never `playwright install`); the screenshot lands in
artifacts/ for a human to look at.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from supportbot.insights.build import compute_metrics
from supportbot.insights.labels import Labels
from supportbot.insights.render_html import render_html
from supportbot.store.db import open_database

from . import dataset

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
CHARTS = ("volume", "bands", "csat", "sla", "heat")


async def report_html(tmp_path: Path, locale: str) -> str:
    db = open_database(f"sqlite+aiosqlite:///{tmp_path / 'browser.db'}")
    try:
        await db.create_all()
        async with db.sessions() as session:
            await dataset.seed(session)
        async with db.sessions() as session:
            m = await compute_metrics(session, dataset.config(), dataset.PERIOD, now=dataset.NOW)
        return render_html(m, Labels.default(locale), "Acme Support")
    finally:
        await db.close()


@pytest.mark.browser
@pytest.mark.skipif(
    not CHROMIUM.exists() and os.environ.get("CI") != "true",  # under CI a missing one fails
    reason="no Chromium at /usr/bin/chromium",
)
@pytest.mark.parametrize("locale", ["en", "ja"])
async def test_html_report_draws_every_chart(tmp_path: Path, locale: str) -> None:
    from playwright.async_api import async_playwright

    page_file = tmp_path / "report.html"
    page_file.write_text(await report_html(tmp_path, locale), encoding="utf-8")
    ARTIFACTS.mkdir(exist_ok=True)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = await browser.new_page(viewport={"width": 1200, "height": 900})
            requests: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            await page.goto(page_file.as_uri())
            for name in CHARTS:
                box = await page.locator(f'svg[data-chart="{name}"]').bounding_box()
                assert box is not None, name
                assert box["width"] > 0 and box["height"] > 0, name
            assert await page.locator('svg[data-chart="volume"] rect').count() >= 7
            assert await page.locator('svg[data-chart="heat"] rect').count() == 7 * 24
            await page.screenshot(
                path=str(ARTIFACTS / f"insights-report-{locale}.png"), full_page=True
            )
        finally:
            await browser.close()
    # Self-contained: the page asked for nothing but itself.
    assert requests == [page_file.as_uri()]


@pytest.mark.browser
@pytest.mark.skipif(
    not CHROMIUM.exists() and os.environ.get("CI") != "true",
    reason="no Chromium at /usr/bin/chromium",
)
async def test_forecast_page_draws_its_chart(tmp_path: Path) -> None:
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from playwright.async_api import async_playwright

    from supportbot.insights.forecast import ForecastSettings, build_forecast
    from supportbot.insights.forecast_render import forecast_html

    start = dataset.NOW.replace(hour=0)
    history = {
        start - timedelta(weeks=w) + timedelta(hours=h): h % 5 for w in (1, 2) for h in range(9, 18)
    }
    f = build_forecast(history, start, ForecastSettings(), ZoneInfo("UTC"))
    page_file = tmp_path / "forecast.html"
    page_file.write_text(forecast_html(f, Labels.default("en")), encoding="utf-8")
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = await browser.new_page(viewport={"width": 1200, "height": 900})
            await page.goto(page_file.as_uri())
            box = await page.locator('svg[data-chart="forecast"]').bounding_box()
            assert box is not None and box["width"] > 0 and box["height"] > 0
            assert await page.locator('svg[data-chart="forecast"] polyline').count() == 2
            assert max(h.agents for h in f.hours) >= 1
            await page.screenshot(path=str(ARTIFACTS / "insights-forecast.png"))
        finally:
            await browser.close()
