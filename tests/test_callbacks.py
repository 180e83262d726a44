"""Intake callbacks: which targets the desk refuses (at submission and again at delivery), an
allow-listed host that works, and a connection that goes where the check looked."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from supportbot.callbacks import CallbackPolicy, CallbackRefusedError, post_json, reach
from supportbot.config import Config, IntakeCallbacks, IntakeKey
from supportbot.desk import Desk
from supportbot.happenings import Turn
from supportbot.intake import IntakeAdapter, hash_key
from supportbot.intents import PostToTicket
from supportbot.messages import Message
from supportbot.pipeline.runner import Pipeline
from supportbot.server import DESK, create_app
from supportbot.store.models import OutboxMessage, Ticket
from tests.slack.kit import wait_for

KEY = "sbk_callbacks"
Client = TestClient[web.Request, web.Application]
Servers = Callable[[web.Application], Awaitable[TestServer]]
GOOD = {
    "requester": {"name": "Kim", "email": "kim@globex.example"},
    "subject": "Refund",
    "body": "Please refund order 7",
}


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("169.254.169.254", "never"),  # AWS, GCP, Azure metadata
        ("fe80::1", "never"),
        ("::ffff:169.254.169.254", "never"),  # the same, inside IPv6
        ("64:ff9b::a9fe:a9fe", "never"),  # the same, through NAT64
        ("0.0.0.0", "never"),
        ("224.0.0.1", "never"),
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.0.0.5", "private"),
        ("172.16.3.4", "private"),
        ("192.168.1.1", "private"),
        ("fd00:ec2::254", "private"),  # AWS metadata over IPv6 (unique local)
        ("100.100.100.200", "private"),  # Alibaba metadata (shared address space)
        ("93.184.216.34", "public"),
        ("2606:4700:4700::1111", "public"),
    ],
)
def test_addresses_are_judged_by_where_they_lead(address: str, kind: str) -> None:
    assert reach(address) == kind


def _config(tmp_path: Path, **callbacks: Any) -> Config:
    return Config.model_validate(
        {
            "database_url": f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}",
            "workflows_dir": str(tmp_path),  # no workflows: only the replies a test sends
            "intake_keys": [
                IntakeKey(name="form", sha256=hash_key(KEY), callback_hosts=["localhost"])
            ],
            "intake_callbacks": callbacks,
        }
    )


@pytest.fixture
async def client(
    aiohttp_client: Callable[[web.Application], Awaitable[Client]], tmp_path: Path
) -> Client:
    app = create_app(_config(tmp_path), {}, plugins={}, migrate=False, poll_interval=3600)
    return await aiohttp_client(app)


async def _submit(client: Client, callback_url: str) -> Any:
    return await client.post(
        "/api/intake",
        json={**GOOD, "callback_url": callback_url},
        headers={"Authorization": f"Bearer {KEY}"},
    )


@pytest.fixture
async def open_client(
    aiohttp_client: Callable[[web.Application], Awaitable[Client]], tmp_path: Path
) -> Client:
    """A desk whose key lists no callback hosts: public https targets only."""
    config = _config(tmp_path).model_copy(
        update={"intake_keys": [IntakeKey(name="open", sha256=hash_key(KEY))]}
    )
    return await aiohttp_client(create_app(config, {}, plugins={}, migrate=False))


REFUSED = [
    ("http://169.254.169.254/latest/meta-data/iam/", "link-local"),  # cloud metadata
    ("https://169.254.169.254/", "link-local"),
    ("https://[fe80::1]/hook", "link-local"),
    ("https://[::ffff:169.254.169.254]/", "link-local"),
    ("https://10.0.0.5/hook", "private"),
    ("https://192.168.0.10/hook", "private"),
    ("https://[fd00::5]/hook", "private"),
    ("https://127.0.0.1/hook", "loopback"),
    ("https://localhost/hook", "loopback"),  # a name: what it resolves to counts
    ("http://93.184.216.34/hook", "https"),  # http to a public host
    ("ftp://93.184.216.34/hook", "URL scheme"),
    ("https://user:secret@93.184.216.34/hook", "password"),
]


async def test_a_refused_target_is_a_400_naming_the_field(open_client: Client) -> None:
    for url, why in REFUSED:
        response = await _submit(open_client, url)
        assert response.status == 400, url
        (problem,) = (await response.json())["fields"]
        assert problem["field"] == "callback_url", url
        assert why in problem["error"], (url, problem)
    assert await _tickets(open_client) == 0


async def test_a_key_with_a_list_calls_only_the_hosts_listed(client: Client) -> None:
    for url in ["https://hooks.elsewhere.example/", "https://127.0.0.1/", "https://8.8.8.8/"]:
        response = await _submit(client, url)
        assert response.status == 400, url
        assert "callback_hosts" in (await response.json())["fields"][0]["error"]
    assert await _tickets(client) == 0


async def test_an_allow_listed_host_gets_the_replies(
    client: Client, aiohttp_server: Servers
) -> None:
    hook, received = await _hook(aiohttp_server)
    response = await _submit(client, f"http://localhost:{hook.port}/hook")
    assert response.status == 201
    await _reply(client.app[DESK], "We refunded order 7")
    await wait_for(lambda: received)
    assert received[0]["text"] == "We refunded order 7"


async def test_a_target_is_checked_again_when_delivering(
    client: Client, aiohttp_server: Servers, caplog: pytest.LogCaptureFixture
) -> None:
    hook, received = await _hook(aiohttp_server)
    assert (await _submit(client, f"http://localhost:{hook.port}/hook")).status == 201
    desk = client.app[DESK]

    async def rebound(host: str, port: int) -> list[str]:  # the name now points elsewhere
        return ["169.254.169.254"]

    desk.adapters["intake"] = IntakeAdapter(desk, resolve=rebound)
    await _reply(desk, "hi")
    assert "callback refused" in caplog.text and "link-local" in caplog.text
    async with desk.db.reads() as s:  # not kept for a retry: no retry would make it safe
        rows = (await s.scalars(select(OutboxMessage))).all()
    assert [(row.status, row.attempts) for row in rows] == [("failed", 1)]
    assert received == []


async def _reply(desk: Desk, text: str) -> None:
    """What an agent's public reply to ticket #1 sends, as one turn."""

    async def reply(_desk: Desk, turn: Turn) -> None:
        turn.emit(PostToTicket(1, Message(text=text), audience="requester"))

    assert isinstance(desk.pipeline, Pipeline)
    await desk.pipeline.run(reply, source="test")


async def test_the_connection_goes_to_the_checked_address(aiohttp_server: Servers) -> None:
    """DNS rebinding: the name answers 127.0.0.1 for the check, then the metadata address.
    The connection must use the first answer, without asking again."""
    hook, received = await _hook(aiohttp_server)
    answers = [["127.0.0.1"], ["169.254.169.254"]]
    asked: list[str] = []

    async def rebinding(host: str, port: int) -> list[str]:
        asked.append(host)
        return answers[min(len(asked), 2) - 1]

    key = IntakeKey(name="form", sha256="0" * 64, callback_hosts=["hooks.partner.test"])
    policy = CallbackPolicy(IntakeCallbacks(), [key], resolve=rebinding)
    target = await policy.check(f"http://hooks.partner.test:{hook.port}/hook", key="form")
    answer = await post_json(target, {"text": "hello"}, policy)
    assert answer.status == 204 and received == [{"text": "hello"}]
    assert asked == ["hooks.partner.test"]  # once: the connector did not resolve again
    with pytest.raises(CallbackRefusedError, match="link-local"):
        await policy.check(f"http://hooks.partner.test:{hook.port}/hook", key="form")


async def test_slow_and_endless_answers_are_cut_short(aiohttp_server: Servers) -> None:
    async def endless(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(request)
        for _ in range(10_000):  # 640 MB if anyone read it all
            await response.write(b"x" * 65536)
        return response

    async def stalled(request: web.Request) -> web.Response:
        await asyncio.sleep(30)
        return web.Response()

    app = web.Application()
    app.router.add_post("/endless", endless)
    app.router.add_post("/stalled", stalled)
    server = await aiohttp_server(app)
    settings = IntakeCallbacks(allow_local=True, read_timeout="0.3s", max_response_bytes=1000)  # type: ignore[arg-type]
    policy = CallbackPolicy(settings)
    target = await policy.check(str(server.make_url("/endless")), key=None)
    answer = await post_json(target, {}, policy)
    assert answer.status == 200 and len(answer.text) <= 1000
    with pytest.raises(TimeoutError):
        await post_json(await policy.check(str(server.make_url("/stalled")), key=None), {}, policy)


async def _hook(aiohttp_server: Servers) -> tuple[TestServer, list[dict[str, Any]]]:
    received: list[dict[str, Any]] = []

    async def hook(request: web.Request) -> web.Response:
        received.append(await request.json())
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/hook", hook)
    return await aiohttp_server(app), received


async def _tickets(client: Client) -> int:
    async with client.app[DESK].db.reads() as s:
        return int(await s.scalar(select(func.count(Ticket.id))) or 0)
