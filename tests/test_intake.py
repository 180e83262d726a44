"""The intake API: bearer keys, validation that names fields, callbacks through the outbox."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from supportbot import markup
from supportbot.config import Config, IntakeCallbacks, IntakeKey, load_config
from supportbot.desk import Desk
from supportbot.happenings import Turn
from supportbot.intake import hash_key
from supportbot.intents import PostToTicket
from supportbot.messages import Message
from supportbot.server import DESK, create_app
from supportbot.store.models import OutboxMessage, Ticket

ROOT = Path(__file__).resolve().parents[1]
KEY = "sbk_test-key"
Client = TestClient[web.Request, web.Application]


@pytest.fixture
def config(tmp_path: Path) -> Config:
    base = load_config(ROOT / "config" / "supportbot.yaml", {})
    return base.model_copy(
        update={
            "database_url": f"sqlite+aiosqlite:///{tmp_path / 'intake.db'}",
            "intake_keys": [IntakeKey(name="webform", sha256=hash_key(KEY))],
        }
    )


@pytest.fixture
async def client(
    config: Config, aiohttp_client: Callable[[web.Application], Awaitable[Client]]
) -> AsyncIterator[Client]:
    app = create_app(config, {}, plugins={}, migrate=False, poll_interval=3600)
    yield await aiohttp_client(app)


async def _count_tickets(client: Client) -> int:
    async with client.app[DESK].db.sessions() as s:
        return int(await s.scalar(select(func.count(Ticket.id))) or 0)


GOOD = {
    "requester": {"name": "Kim", "email": "kim@globex.example"},
    "subject": "Refund",
    "body": "Please refund order 7",
    "locale": "en",
}


async def test_a_bad_key_is_refused_and_nothing_is_created(client: Client) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}):
        response = await client.post("/api/intake", json=GOOD, headers=headers)
        assert response.status == 401
    assert await _count_tickets(client) == 0


async def test_an_invalid_body_names_each_bad_field(client: Client) -> None:
    bad = {"requester": {"name": "", "email": "nope"}, "body": "", "locale": "fr", "x": 1}
    response = await client.post(
        "/api/intake", json=bad, headers={"Authorization": f"Bearer {KEY}"}
    )
    assert response.status == 400
    fields = {e["field"] for e in (await response.json())["fields"]}
    assert {"requester.name", "requester.email", "subject", "body", "locale", "x"} <= fields
    assert await _count_tickets(client) == 0


async def test_a_ticket_is_created_and_its_status_shown_to_that_key_only(client: Client) -> None:
    auth = {"Authorization": f"Bearer {KEY}"}
    response = await client.post("/api/intake", json=GOOD, headers=auth)
    assert response.status == 201
    number = (await response.json())["ticket"]
    shown = await client.get(f"/api/tickets/{number}", headers=auth)
    assert shown.status == 200
    assert (await shown.json())["subject"] == "Refund"
    assert (
        await client.get(f"/api/tickets/{number}", headers={"Authorization": "Bearer x"})
    ).status == 401
    assert (await client.get("/api/tickets/999", headers=auth)).status == 404


async def test_public_replies_reach_the_callback_even_after_an_outage(
    config: Config,
    aiohttp_server: Callable[[web.Application], Awaitable[TestServer]],
    aiohttp_client: Callable[[web.Application], Awaitable[Client]],
    tmp_path: Path,
) -> None:
    received: list[dict[str, Any]] = []
    outage = {"left": 1}

    async def callback(request: web.Request) -> web.Response:
        if outage["left"]:
            outage["left"] -= 1
            return web.Response(status=503)
        received.append(await request.json())
        return web.Response(status=204)

    hook_app = web.Application()
    hook_app.router.add_post("/hook", callback)
    hook = await aiohttp_server(hook_app)
    local = config.model_copy(update={"intake_callbacks": IntakeCallbacks(allow_local=True)})
    app = create_app(
        local, {}, plugins={}, migrate=False, poll_interval=3600, workflows_dir=tmp_path
    )  # no workflows: only the reply below is sent; the hook is on this machine
    client = await aiohttp_client(app)
    body = {**GOOD, "callback_url": str(hook.make_url("/hook"))}
    response = await client.post(
        "/api/intake", json=body, headers={"Authorization": f"Bearer {KEY}"}
    )
    assert response.status == 201
    desk = client.app[DESK]

    async def reply(_desk: Desk, turn: Turn) -> None:  # what an agent's `reply` sends
        said = f"We refunded order 7. {markup.mention('ben')} will follow up."
        turn.emit(PostToTicket(1, Message(text=said), audience="requester"))

    await desk.pipeline.run(reply, source="test")
    async with desk.db.sessions() as s:  # the reply met the outage: kept, not lost
        kept = (await s.scalars(select(OutboxMessage))).all()
    assert [(row.status, row.attempts) for row in kept] == [("pending", 1)]
    assert received == []
    async with desk.db.sessions.begin() as s:
        for row in (await s.scalars(select(OutboxMessage))).all():
            row.next_attempt_at = desk.clock.now()
    assert await desk.courier.retry_due() == 1
    await asyncio.sleep(0)
    assert len(received) == 1 and received[0]["ticket"] == 1
    assert received[0]["text"] == "We refunded order 7. @Ben Carter will follow up."  # no handle


async def test_metrics_count_what_the_desk_did(client: Client) -> None:
    auth = {"Authorization": f"Bearer {KEY}"}
    assert (await client.post("/api/intake", json=GOOD, headers=auth)).status == 201
    text = await (await client.get("/metrics")).text()
    line = next(
        ln for ln in text.splitlines() if ln.startswith("supportbot_tickets_created_total{")
    )
    assert 'platform="intake"' in line and line.endswith(" 1.0")


async def test_metrics_count_a_ticket_under_the_team_routing_gave_it(client: Client) -> None:
    """The team label is the team the turn leaves the ticket with, not the one it arrived in:
    an outage is triaged P1 and routed to tier2 in the same turn."""
    auth = {"Authorization": f"Bearer {KEY}"}
    outage = {**GOOD, "subject": "Outage", "body": "The whole site is down since 9:00"}
    assert (await client.post("/api/intake", json=outage, headers=auth)).status == 201
    text = await (await client.get("/metrics")).text()
    created = [ln for ln in text.splitlines() if ln.startswith("supportbot_tickets_created_total{")]
    assert len(created) == 1, created
    assert 'team="tier2"' in created[0] and created[0].endswith(" 1.0"), created
