"""`call_webhook` against a real HTTP server on loopback: rendered JSON, retries, failures.

The call leaves from the outbox after the turn's commit; a hook that keeps failing is audited
(`service.failed`) and kept for the outbox's later tries."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import web
from sqlalchemy import select

from supportbot.store.models import OutboxMessage, TicketEvent
from supportbot.workflows.sandbox import Sandbox

from .conftest import one_workflow, open_ticket

Write = Callable[[str, str], Path]
MakeSandbox = Callable[[], Awaitable[Sandbox]]


async def hook_server(aiohttp_server: Any, statuses: list[int]) -> tuple[Any, list[dict[str, Any]]]:
    """A server answering with `statuses` in turn (then 200), recording every request."""
    seen: list[dict[str, Any]] = []

    async def receive(request: web.Request) -> web.Response:
        seen.append({"body": await request.json(), "headers": dict(request.headers)})
        status = statuses[len(seen) - 1] if len(seen) <= len(statuses) else 200
        return web.json_response({}, status=status)

    app = web.Application()
    app.router.add_post("/hook", receive)
    return await aiohttp_server(app, host="127.0.0.1"), seen


def hook_step(url: str, retries: int = 2) -> str:
    body = (
        "{ticket: '{{ ticket.number }}', who: '{{ requester.name }}',"
        " text: '{{ ticket.subject }}', fixed: [1, true]}"
    )
    return (
        f"[{{action: call_webhook, with: {{url: '{url}', retries: {retries}, retry_delay: 0s,"
        f" headers: {{X-Token: abc}}, body: {body}}}}}]"
    )


async def failures(sb: Sandbox, number: int) -> list[TicketEvent]:
    async with sb.desk.db.sessions() as s:
        q = select(TicketEvent).where(
            TicketEvent.ticket_id == number, TicketEvent.kind == "service.failed"
        )
        return list((await s.scalars(q)).all())


async def test_webhook_posts_the_rendered_body_and_retries_server_errors(
    aiohttp_server: Any, write: Write, sandbox: MakeSandbox
) -> None:
    server, seen = await hook_server(aiohttp_server, [500, 503])
    write("t.yaml", one_workflow("ticket.created", hook_step(str(server.make_url("/hook")))))
    sb = await sandbox()
    t = await open_ticket(sb, "障害です <b>", name="山田")
    assert len(seen) == 3
    assert seen[-1]["body"] == {
        "ticket": str(t.number),
        "who": "山田",
        "text": "障害です <b>",
        "fixed": [1, True],
    }
    assert seen[-1]["headers"]["X-Token"] == "abc"
    assert await failures(sb, t.number) == []


async def test_webhook_that_keeps_failing_is_audited(
    aiohttp_server: Any, write: Write, sandbox: MakeSandbox
) -> None:
    server, seen = await hook_server(aiohttp_server, [503, 503, 503])
    write(
        "t.yaml",
        one_workflow("ticket.created", hook_step(str(server.make_url("/hook")), retries=1)),
    )
    sb = await sandbox()
    t = await open_ticket(sb, "hello")
    assert len(seen) == 2
    [failed] = await failures(sb, t.number)  # audited, and kept in the outbox for later
    assert failed.data["service"] == "webhook" and "HTTP 503" in failed.data["error"]
    assert failed.data["again"] is True
    async with sb.desk.db.sessions() as s:
        (kept,) = (await s.scalars(select(OutboxMessage))).all()
    assert (kept.status, kept.attempts) == ("pending", 1)


async def test_webhook_client_errors_are_not_retried(
    aiohttp_server: Any, write: Write, sandbox: MakeSandbox
) -> None:
    server, seen = await hook_server(aiohttp_server, [400])
    write("t.yaml", one_workflow("ticket.created", hook_step(str(server.make_url("/hook")))))
    sb = await sandbox()
    t = await open_ticket(sb, "hello")
    assert len(seen) == 1
    [failed] = await failures(sb, t.number)
    assert "HTTP 400" in failed.data["error"] and failed.data["again"] is False
    assert json.dumps(seen[0]["body"])
