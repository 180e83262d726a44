"""Mutated activities against the whole desk (`create_app`, the real tables): a refused request
leaves no row in any table, nothing is a server error, and the server stays healthy."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from supportbot_teams import wire

from supportbot.server import DESK
from supportbot.store.models import Base

from .botservice import BotService
from .conftest import payload
from .e2e import TeamsDesk, desk_config, start_desk, wait_for, write_workflows
from .mutations import mutated
from .test_edge import KINDS

T = TypeVar("T")
DESK_FUZZ = settings(
    max_examples=120,  # each accepted activity runs the whole desk: keep it to seconds
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
activities = st.sampled_from(KINDS).flatmap(mutated)


@pytest.fixture
async def desk(
    aiohttp_client: Any, bot_service: tuple[BotService, str], tmp_path: Path
) -> TeamsDesk:
    write_workflows(tmp_path / "workflows")
    service, url = bot_service
    teams = await start_desk(aiohttp_client, service, url, desk_config(tmp_path))
    await teams.install()
    return teams


async def all_rows(desk: TeamsDesk) -> int:
    """Rows in every table of the desk, in one query."""
    tables = Base.metadata.sorted_tables
    counts = [select(func.count()).select_from(t).scalar_subquery() for t in tables]
    async with desk.client.app[DESK].db.reads() as session:
        return sum((await session.execute(select(*counts))).one())


async def settled_rows(desk: TeamsDesk) -> int:
    """The row count once start-up work (people, workflow versions, the install) is written."""
    counts = [await all_rows(desk)]
    while len(counts) < 2 or counts[-1] != counts[-2]:
        await asyncio.sleep(0.2)
        counts.append(await all_rows(desk))
    return counts[-1]


def refused_by_the_edge(body: dict[str, Any]) -> bool:
    try:
        wire.checked(json.loads(json.dumps(body)))
    except wire.ShapeError:
        return True
    return False


def addressed(desk: TeamsDesk, body: dict[str, Any]) -> dict[str, Any]:
    """Replies go to the local channel service (where the activity names one)."""
    return {**body, "serviceUrl": desk.service_url} if "serviceUrl" in body else body


async def post(desk: TeamsDesk, body: dict[str, Any]) -> int:
    response = await desk.client.post(
        "/api/messages", data=json.dumps(body), headers={"Content-Type": "application/json"}
    )
    return response.status


async def test_refused_activities_leave_no_row_anywhere(desk: TeamsDesk) -> None:
    loop = asyncio.get_running_loop()

    def on_loop(work: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(work, loop).result(timeout=60)

    before = await settled_rows(desk)

    # Only refused bodies are sent, so no accepted work can be finishing in the background.
    @DESK_FUZZ
    @given(body=activities)
    def run(body: dict[str, Any]) -> None:
        body = addressed(desk, body)
        assume(refused_by_the_edge(body))
        status = on_loop(post(desk, body))
        assert 400 <= status < 500, body
        assert on_loop(all_rows(desk)) == before

    await asyncio.to_thread(run)


async def test_a_stream_of_mutated_activities_leaves_the_desk_healthy(desk: TeamsDesk) -> None:
    loop = asyncio.get_running_loop()
    statuses: set[int] = set()

    def on_loop(work: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(work, loop).result(timeout=60)

    @DESK_FUZZ
    @given(body=activities)
    def run(body: dict[str, Any]) -> None:
        status = on_loop(post(desk, addressed(desk, body)))
        statuses.add(status)
        assert status < 500, body

    await asyncio.to_thread(run)
    assert statuses & {200, 201} and statuses & {400, 413}
    health = await desk.client.get("/healthz")
    assert health.status == 200 and (await health.json())["status"] == "ok"
    calls = len(desk.service.calls)  # and it still works: a message is handled and answered
    await desk.post(payload("message_personal", id="f:after-the-storm", text="Still there?"))
    await wait_for(lambda: len(desk.service.calls) > calls)
