"""The playground's mail view over HTTP: the demo's desk (default config and workflows) with
the e-mail adapter on `EMAIL_RELAY=playground`. A visitor writes a mail, the card appears in the
playground's support channel, an agent answers there, the answer shows in the visitor's
mailbox, and the visitor's reply from the view lands in the same ticket thread."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from supportbot_email import EmailPlugin

from supportbot.clock import FrozenClock
from supportbot.config import load_config
from supportbot.playground import PlaygroundPlugin
from supportbot.playground.demo import DEMO_MAIL, demo_config, mail_env
from supportbot.server import create_app
from tests.playground.desk import TUESDAY_MORNING
from tests.playground.helpers import ACCESS_TOKEN, ON

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def client(aiohttp_client: Any, tmp_path: Path) -> TestClient[Any, Any]:
    config = demo_config(
        load_config(ROOT / "config" / "supportbot.yaml", {}), tmp_path / "d.db", mail=True
    )
    app = create_app(
        config,
        {**ON, **mail_env(tmp_path)},
        clock=FrozenClock(TUESDAY_MORNING),  # the acknowledgement must not depend on the hour
        plugins={"playground": PlaygroundPlugin(), "email": EmailPlugin()},
        workflows_dir=ROOT / "workflows",
        migrate=False,
        poll_interval=0.05,
    )
    http: TestClient[Any, Any] = await aiohttp_client(app)
    return http


async def letters(client: TestClient[Any, Any]) -> list[dict[str, Any]]:
    response = await client.get("/playground/mail/api/letters")
    assert response.status == 200
    found: list[dict[str, Any]] = await response.json()
    return found


async def until(check: Any) -> Any:
    for _ in range(500):
        if found := await check():
            return found
        await asyncio.sleep(0.02)
    raise AssertionError("gave up waiting")


async def support_messages(client: TestClient[Any, Any]) -> list[dict[str, Any]]:
    state = await (await client.get("/playground/api/state?persona=aiko")).json()
    return [m for m in state["messages"] if m["channel"] == "support"]


async def test_a_mail_round_trip_in_the_playground(client: TestClient[Any, Any]) -> None:
    assert (await client.get("/playground/mail")).status == 403  # the playground's token
    opened = await client.get(f"/playground/mail?token={ACCESS_TOKEN}")
    assert opened.status == 200 and f"Mail to {DEMO_MAIL}" in await opened.text()

    form = {
        "as": "dana@globex.example",
        "name": "Dana",
        "subject": "CSV export",
        "body": "The export is empty.",
    }
    sent = await client.post("/playground/mail", data=form, allow_redirects=False)
    assert sent.status == 303
    ack = await until(lambda: _from_desk(client))
    assert ack[0]["to"] == "dana@globex.example" and "[#1]" in ack[0]["subject"]
    card = (await until(lambda: _cards(client)))[0]
    assert "CSV export" in str(card) and "unverified" not in str(card)  # the view vouches

    reply = {
        "type": "post",
        "persona": "aiko",
        "channel": "support",
        "thread": card["id"],
        "text": "reply: Fixed, please try again.",
    }
    posted = await client.post("/playground/api/actions", json=reply)
    assert (await posted.json())["ok"] is True
    answer = await until(lambda: _from_desk(client, "Fixed, please try again."))
    page = await (await client.get("/playground/mail?as=dana@globex.example")).text()
    assert "Fixed, please try again." in page and "The export is empty." in page

    again = {
        "as": "dana@globex.example",
        "subject": f"Re: {answer[0]['subject']}",
        "body": "Works now!",
        "reply_to": answer[0]["message_id"],
    }
    assert (await client.post("/playground/mail", data=again, allow_redirects=False)).status == 303
    await until(lambda: _in_thread(client, card["id"], "Works now!"))
    assert len(await _cards(client)) == 1  # the same ticket


async def test_a_mail_without_a_sender_is_a_400(client: TestClient[Any, Any]) -> None:
    await client.get(f"/playground/mail?token={ACCESS_TOKEN}")
    response = await client.post("/playground/mail", data={"as": "nobody", "body": "hi"})
    assert response.status == 400 and "needs your address" in await response.text()
    assert await letters(client) == []


async def _from_desk(client: TestClient[Any, Any], text: str = "") -> list[dict[str, Any]]:
    return [x for x in await letters(client) if x["outgoing"] and text in x["text"]]


async def _cards(client: TestClient[Any, Any]) -> list[dict[str, Any]]:
    return [m for m in await support_messages(client) if m.get("thread") is None]


async def _in_thread(client: TestClient[Any, Any], root: Any, text: str) -> list[dict[str, Any]]:
    return [m for m in await support_messages(client) if m.get("thread") == root and text in str(m)]
