"""Oversized bodies get 413 on every endpoint, whether they say their size or not, and nothing
they carry is stored; bodies within the limit still work."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from supportbot_slack import SlackPlugin
from supportbot_teams import TeamsPlugin

from supportbot.body_limits import DEFAULT_LIMIT, INTAKE_LIMIT
from supportbot.config import Config, IntakeKey
from supportbot.intake import hash_key
from supportbot.server import DESK, create_app
from tests.rows import changed, quiet_row_counts, row_counts
from tests.slack.kit import MockSlackApi, signed_headers, slack_env

KEY = "sbk_limits"
Client = TestClient[web.Request, web.Application]


@pytest.fixture
async def client(aiohttp_server: Any, aiohttp_client: Any, tmp_path: Path) -> Client:
    slack_api = MockSlackApi()
    mock = web.Application()
    mock.router.add_route("*", "/api/{method}", slack_api.handle)
    slack_api.base_url = str((await aiohttp_server(mock)).make_url("/api/"))
    config = Config.model_validate(
        {
            "database_url": f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}",
            "workflows_dir": str(tmp_path),
            "intake_keys": [IntakeKey(name="form", sha256=hash_key(KEY)).model_dump()],
        }
    )
    env = {**slack_env(slack_api), "SUPPORTBOT_TEAMS": "1"}  # Teams in emulator mode
    plugins = {"slack": SlackPlugin(), "teams": TeamsPlugin()}
    app = create_app(config, env, plugins=plugins, migrate=False, poll_interval=3600)
    result: Client = await aiohttp_client(app)
    return result


def _bodies(size: int) -> tuple[bytes, Any]:
    """A JSON body of `size` bytes, and a factory streaming it without a Content-Length."""
    body = json.dumps({"type": "message", "text": "x" * size}).encode()

    async def chunked() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 64 * 1024):
            yield body[start : start + 64 * 1024]

    return body, chunked


ENDPOINTS = [
    ("/slack/events", DEFAULT_LIMIT),
    ("/api/messages", DEFAULT_LIMIT),
    ("/api/intake", INTAKE_LIMIT),
]


@pytest.mark.parametrize(("path", "limit"), ENDPOINTS)
async def test_an_oversized_body_is_413_and_stores_nothing(
    client: Client, path: str, limit: int
) -> None:
    db = client.app[DESK].db
    before = await quiet_row_counts(db)
    body, chunked = _bodies(limit + 1)
    headers = {
        "Content-Type": "application/json",
        "Authorization": f"Bearer {KEY}",
        **signed_headers(body.decode()),
    }
    declared = await client.post(path, data=io.BytesIO(body), headers=headers)
    assert declared.status == 413
    streamed = await client.post(path, data=chunked(), headers=headers)
    assert streamed.status == 413
    assert not changed(before, await row_counts(db))
    assert (await client.get("/healthz")).status == 200


async def test_a_large_intake_request_within_the_limit_is_taken(client: Client) -> None:
    # 20,000 Japanese characters, each escaped as \\uXXXX: the largest body the API accepts.
    body = {"requester": {"name": "Kim", "email": "kim@x.example"}, "subject": "長い"}
    raw = json.dumps({**body, "body": "長" * 20_000}).encode()
    assert len(raw) > 100 * 1024
    response = await client.post(
        "/api/intake",
        data=raw,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {KEY}"},
    )
    assert response.status == 201
