"""Who may use the playground: it is off unless asked for, and then only the holder of the
token printed at start-up gets in, wherever the request seems to come from."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from aiohttp import CookieJar, web

from supportbot.adapter import AdapterContext
from supportbot.config import Config
from supportbot.playground import PLAYGROUND_ACCESS, PlaygroundPlugin
from supportbot.playground.access import COOKIE, HEADER, SWITCH

from .helpers import ACCESS_TOKEN, CONFIG, ON, FakeDesk, NameDirectory, build_app, database

PROXIED = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}


def _create(env: dict[str, str], app: web.Application | None = None) -> Any:
    config = Config.model_validate(CONFIG)  # a config that names playground channels
    ctx = AdapterContext(
        config=config,
        env=env,
        app=app or web.Application(),
        sink=FakeDesk(),
        directory=NameDirectory(config),
        sessions=None,  # type: ignore[arg-type]  # never opened: nothing is sent
    )
    return PlaygroundPlugin().create(ctx)


def test_serve_keeps_it_off_unless_asked_for() -> None:
    assert _create({}) is None
    assert _create({SWITCH: "off"}) is None


def test_each_start_has_its_own_token_and_logs_the_link(caplog: pytest.LogCaptureFixture) -> None:
    first, second = web.Application(), web.Application()
    with caplog.at_level(logging.WARNING, logger="supportbot.playground"):
        assert _create({SWITCH: "on"}, first) is not None
        assert _create({SWITCH: "on"}, second) is not None
    tokens = {first[PLAYGROUND_ACCESS].token, second[PLAYGROUND_ACCESS].token}
    assert len(tokens) == 2 and all(len(t) >= 24 for t in tokens)
    assert first[PLAYGROUND_ACCESS].link("http://127.0.0.1:8080") in caplog.text


async def test_refused_behind_a_proxy_on_the_same_host(aiohttp_client: Any, tmp_path: Path) -> None:
    """A reverse proxy on this machine: every visitor arrives from 127.0.0.1."""
    async with database(tmp_path) as db:
        app, _ = build_app(FakeDesk(), db)
        client = await aiohttp_client(app)  # no token
        for path in (
            "/playground",
            "/playground/api/personas",
            "/playground/api/state?persona=aiko",
        ):
            response = await client.get(path, headers=PROXIED)
            assert response.status == 403, path
            assert "access link" in await response.text()
        posted = await client.post("/playground/api/actions", json={}, headers=PROXIED)
        assert posted.status == 403
        socket = await client.get("/playground/ws?persona=aiko", headers=PROXIED)
        assert socket.status == 403
        wrong = await client.get("/playground/api/personas", headers={HEADER: "guess"})
        assert wrong.status == 403
        ja = await client.get("/playground", headers={"Accept-Language": "ja-JP,ja;q=0.9"})
        assert "アクセス用のリンク" in await ja.text()
        with_token = await client.get(
            "/playground/api/personas", headers={**PROXIED, HEADER: ACCESS_TOKEN}
        )
        assert with_token.status == 200


async def test_the_printed_link_sets_the_cookie_and_drops_the_token(
    aiohttp_server: Any, tmp_path: Path
) -> None:
    import aiohttp

    async with database(tmp_path) as db:
        app, _ = build_app(FakeDesk(), db, env=ON)
        server = await aiohttp_server(app, host="127.0.0.1")
        link = app[PLAYGROUND_ACCESS].link(str(server.make_url("")))
        async with aiohttp.ClientSession(cookie_jar=CookieJar(unsafe=True)) as browser:
            async with browser.get(link + "&as=aiko", allow_redirects=False) as first:
                assert first.status == 303
                assert first.headers["Location"] == "/playground?as=aiko"
                cookie = first.cookies[COOKIE]
                assert cookie.value == ACCESS_TOKEN
                assert cookie["httponly"] and cookie["samesite"] == "Strict"
                assert cookie["path"] == "/playground"
            async with browser.get(server.make_url("/playground?as=aiko")) as page:
                assert page.status == 200  # the cookie alone opens it now
            async with browser.get(server.make_url("/playground/api/personas")) as api:
                assert api.status == 200
