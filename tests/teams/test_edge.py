"""The edge of `/api/messages`: bodies are checked before the SDK sees them. Malformed
activities get 400 (the reason in the log) and leave nothing behind; oversized bodies get 413
before they are read; thousands of mutated activities never make a server error."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import func, select
from supportbot_teams.handler import MAX_BODY_BYTES

from supportbot.store.db import Database
from supportbot.store.models import ConversationReference

from .conftest import RecordingSink, TeamsApp, payload
from .mutations import mutated

MakeApp = Callable[..., Any]
T = TypeVar("T")
KINDS = [
    "message_personal",
    "message_channel_mention",
    "message_card_submit",
    "invoke_adaptive_card_execute",
    "conversation_update_installed",
]
# Sized so each fuzz test takes a few seconds: 5 kinds x 300 = 1,500 activities per run.
FUZZ = settings(
    max_examples=300,
    derandomize=True,  # the same examples every run: a failure is reproducible
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


async def refs_rows(db: Database) -> int:
    async with db.sessions() as session:
        return int(await session.scalar(select(func.count(ConversationReference.id))) or 0)


async def post_raw(app: TeamsApp, body: bytes) -> int:
    response = await app.client.post(
        "/api/messages", data=body, headers={"Content-Type": "application/json"}
    )
    return response.status


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"conversation": None}, "conversation"),
        ({"conversation": "19:abc"}, "conversation"),
        ({"from": {"name": "no id"}}, "from.id"),
        ({"serviceUrl": "javascript:alert(1)"}, "serviceUrl"),
        ({"timestamp": "yesterday"}, "timestamp"),
        ({"type": "callRecording"}, "not handled"),
    ],
)
async def test_malformed_activities_are_400_with_the_reason_logged(
    make_app: MakeApp,
    sink: RecordingSink,
    teams_db: Database,
    caplog: pytest.LogCaptureFixture,
    change: dict[str, Any],
    reason: str,
) -> None:
    app: TeamsApp = await make_app()
    body = {**payload("message_personal"), "serviceUrl": app.service_url, **change}
    with caplog.at_level(logging.INFO, logger="supportbot_teams.handler"):
        assert await post_raw(app, json.dumps(body).encode()) == 400
    assert reason in caplog.text
    assert sink.events == [] and await refs_rows(teams_db) == 0


async def test_an_invoke_whose_value_is_a_string_is_400(
    make_app: MakeApp, sink: RecordingSink, teams_db: Database
) -> None:
    app: TeamsApp = await make_app()
    response = await app.post(payload("invoke_adaptive_card_execute", value="approve"))
    assert response.status == 400
    assert "value" in await response.text()
    other = await app.post(payload("invoke_adaptive_card_execute", name="task/fetch"))
    assert other.status == 400
    assert sink.events == [] and await refs_rows(teams_db) == 0


async def test_nesting_deeper_than_json_can_parse_is_400(
    make_app: MakeApp, sink: RecordingSink
) -> None:
    app: TeamsApp = await make_app()
    deep = b'{"type": "message", "value": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    assert await post_raw(app, deep) == 400
    assert sink.events == []


async def test_an_oversized_body_is_413_before_it_is_read(
    make_app: MakeApp, sink: RecordingSink
) -> None:
    app: TeamsApp = await make_app()
    # Announce a huge body and send none: the answer must come without waiting for it.
    reader, writer = await asyncio.open_connection(app.client.host, app.client.port)
    writer.write(
        b"POST /api/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 50000000\r\n\r\n"
    )
    await writer.drain()
    status_line = await asyncio.wait_for(reader.readline(), timeout=5)
    writer.close()
    assert status_line.split()[1] == b"413"
    # A chunked body (no Content-Length) is cut off once it passes the limit.
    big = {**payload("message_personal"), "text": "x" * (MAX_BODY_BYTES + 1)}

    async def chunks() -> Any:
        encoded = json.dumps(big).encode()
        for start in range(0, len(encoded), 65536):
            yield encoded[start : start + 65536]

    response = await app.client.post(
        "/api/messages", data=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status == 413
    assert sink.events == []


@pytest.mark.parametrize("kind", KINDS)
async def test_mutated_activities_never_make_a_server_error(
    make_app: MakeApp, sink: RecordingSink, teams_db: Database, kind: str
) -> None:
    app: TeamsApp = await make_app()
    loop = asyncio.get_running_loop()
    seen: set[int] = set()

    def on_loop(work: Coroutine[Any, Any, T]) -> T:
        # Hypothesis runs synchronously (in a worker thread); the app lives on this loop.
        return asyncio.run_coroutine_threadsafe(work, loop).result(timeout=60)

    rows: list[int] = []  # the count of stored references, when known

    @FUZZ
    @given(body=mutated(kind))
    def run(body: dict[str, Any]) -> None:
        events = len(sink.events)
        before = rows.pop() if rows else on_loop(refs_rows(teams_db))
        if "serviceUrl" in body:
            body["serviceUrl"] = app.service_url
        status = on_loop(post_raw(app, json.dumps(body).encode()))
        seen.add(status)
        assert status < 500, body
        if status >= 400:  # refused: nothing was stored, nothing reached the desk
            assert len(sink.events) == events
            assert on_loop(refs_rows(teams_db)) == before
            rows.append(before)

    await asyncio.to_thread(run)
    assert seen & {200, 201} and seen & {400, 413}  # both paths were exercised
    # Still healthy: a good activity goes through.
    assert (await app.post(payload(kind, id="f:after-fuzz"))).status in (200, 201)


async def test_a_long_display_name_is_cut_not_refused(
    make_app: MakeApp, sink: RecordingSink
) -> None:
    app: TeamsApp = await make_app()
    body = payload("message_personal")
    body["from"] = {**body["from"], "name": "Sato " * 100}
    assert (await app.post(body)).status == 201
    (event,) = sink.events
    assert event.actor.display_name == ("Sato " * 100)[:200]
