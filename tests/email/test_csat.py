"""CSAT by mail: the poll after resolution carries signed links; a click is recorded once,
through the inbox and the CSAT feature; a forged, edited or expired link gets a clear page."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from supportbot_email.links import CsatClaim, LinkSigner

from tests.slack.kit import MockSlackApi

from .desk import MailDesk, start_mail_desk
from .kit import CapturingRelay, mail, wait_for

SECRET = "test-secret-0123456789abcdef"
LINK = re.compile(r"(http://\S+/csat/(\S+)\?score=(\d))")


@pytest.fixture
async def desk(
    slack_api: MockSlackApi, relay: CapturingRelay, aiohttp_client: Any, tmp_path: Path
) -> MailDesk:
    return await start_mail_desk(
        aiohttp_client,
        slack_api,
        relay,
        tmp_path,
        env={"EMAIL_LINK_SECRET": SECRET},
        workflows=("10-triage.yaml", "60-csat.yaml"),
        csat={"delay": "0s"},
        public_url="http://desk.example",
    )


async def poll_mail(desk: MailDesk) -> str:
    assert await desk.mail_in(mail()) == (250, "OK")
    await wait_for(desk.cards)
    await wait_for(lambda: desk.relay.mails)  # the acknowledgement
    assert await desk.slash("resolve #1") == 200
    polls = await wait_for(lambda: [m for m in desk.relay.mails if "/csat/" in m.text()])
    return polls[0].text()


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


async def answers(desk: MailDesk) -> list[Any]:
    from supportbot.server import DESK

    return await desk.client.app[DESK].tickets.history(1, ["csat.received"])


async def test_a_click_on_a_link_in_the_poll_mail_is_recorded_once(desk: MailDesk) -> None:
    text = await poll_mail(desk)
    links = LINK.findall(text)
    assert [score for _, _, score in links] == ["1", "2", "3", "4", "5"]
    assert all(url.startswith("http://desk.example/csat/") for url, _, _ in links)
    four = next(url for url, _, score in links if score == "4")
    page = await desk.client.get(path_of(four))
    assert page.status == 200
    body = await page.text()
    assert "Thank you! We recorded your rating: 4 of 5." in body
    rows = await wait_for_answers(desk, 1)
    assert rows[0].data["score"] == 4
    again = await desk.client.get(path_of(four))  # a second click, or a mail scanner's
    assert again.status == 200 and "Thank you!" in await again.text()
    five = next(url for url, _, score in links if score == "5")
    assert (await desk.client.get(path_of(five))).status == 200  # a change of mind counts
    rows = await wait_for_answers(desk, 2)
    assert [(r.data["score"], r.data["replaced"]) for r in rows] == [(4, False), (5, True)]


async def wait_for_answers(desk: MailDesk, count: int) -> list[Any]:
    for _ in range(500):
        rows = await answers(desk)
        if len(rows) >= count:
            return rows
        await _pause()
    raise AssertionError("no CSAT answer was recorded")


async def _pause() -> None:
    await asyncio.sleep(0.02)


async def test_forged_edited_and_expired_links_are_refused(desk: MailDesk) -> None:
    text = await poll_mail(desk)
    url, token, _ = LINK.findall(text)[0]
    payload, _, signature = token.partition(".")
    forged = LinkSigner(b"not-the-desk-secret-at-all").sign(
        CsatClaim(1, "email:dana@customer.example", "support@acme.example", "x", "en", 2**40)
    )
    for bad in (
        forged,
        f"{payload}.{signature[:-2]}AA",
        "garbage",
        f"{payload[:-3]}abc.{signature}",
    ):
        page = await desk.client.get(f"/csat/{bad}?score=5")
        assert page.status == 403, bad
        assert "This link is not valid" in await page.text()
    expired = LinkSigner(SECRET.encode()).sign(
        CsatClaim(1, "email:dana@customer.example", "support@acme.example", "x", "ja", 1)
    )
    page = await desk.client.get(f"/csat/{expired}?score=5")
    assert page.status == 410 and "有効期限" not in await page.text()  # the reader's language
    page = await desk.client.get(
        f"/csat/{expired}?score=5", headers={"Accept-Language": "ja,en;q=0.5"}
    )
    assert page.status == 410 and "有効期限が切れています" in await page.text()
    for score in ("0", "6", "five", ""):
        page = await desk.client.get(path_of(url.replace("score=1", f"score={score}")))
        assert page.status == 400
    assert await answers(desk) == []


async def test_no_secret_no_links(
    slack_api: MockSlackApi, relay: CapturingRelay, aiohttp_client: Any, tmp_path: Path
) -> None:
    desk = await start_mail_desk(
        aiohttp_client,
        slack_api,
        relay,
        tmp_path,
        workflows=("10-triage.yaml", "60-csat.yaml"),
        csat={"delay": "0s"},
    )
    assert await desk.mail_in(mail()) == (250, "OK")
    await wait_for(lambda: desk.relay.mails)
    assert await desk.slash("resolve #1") == 200
    (poll,) = await wait_for(lambda: [m for m in desk.relay.mails if "How satisfied" in m.text()])
    assert "/csat/" not in poll.text()
    assert (await desk.client.get("/csat/abc.def?score=5")).status == 404


def test_a_token_says_what_it_was_signed_for() -> None:
    signer = LinkSigner(SECRET.encode())
    claim = CsatClaim(7, "slack:U1", "support@acme.example", "root@x", "ja", 2_000_000_000)
    assert signer.verify(signer.sign(claim), datetime(2030, 1, 1, tzinfo=UTC)) == claim
    later = datetime.fromtimestamp(2_000_000_000, UTC) + timedelta(seconds=1)
    with pytest.raises(ValueError, match="expired"):
        signer.verify(signer.sign(claim), later)
