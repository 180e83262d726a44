"""`supportbot demo`: the default config serves the playground; configs get playground ids."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from pathlib import Path

import aiohttp
import pytest

from supportbot.config import Config
from supportbot.playground.demo import demo_config, run_demo

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def printed_link(capsys: pytest.CaptureFixture[str]) -> str:
    """The playground's link, once the demo printed it (it migrates its database first)."""
    printed = ""
    while "Playground: " not in printed:
        await asyncio.sleep(0.2)
        printed += capsys.readouterr().out
    return printed.split("Playground: ", 1)[1].split()[0]


async def fetch(url: str) -> tuple[int, str]:
    # A browser keeps the cookie the link sets; aiohttp's jar needs `unsafe` for an IP host.
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as http, http.get(url) as response:
        return response.status, await response.text()


async def test_the_demo_serves_the_playground_on_the_default_config(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    port = free_port()
    demo = asyncio.create_task(run_demo(None, "127.0.0.1", port))
    try:
        link = await asyncio.wait_for(printed_link(capsys), 60)
        assert link.startswith(f"http://127.0.0.1:{port}/playground?token=")
        status, page = await fetch(link)
        assert status == 200 and "supportbot" in page
        # Without the token the page stays closed, even on this machine.
        assert (await fetch(f"http://127.0.0.1:{port}/playground"))[0] == 403
    finally:
        demo.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await demo


def test_a_config_without_the_playground_gets_its_channels_and_people(tmp_path: Path) -> None:
    config = Config.model_validate(
        {
            "departments": [{"name": "sales", "channel": {"slack": "C1"}}],
            "people": [{"id": "ann", "name": "Ann", "roles": ["agent"]}],
            "organizations": [{"name": "Initech"}],
        }
    )
    demo = demo_config(config, tmp_path / "d.db")
    assert demo.database_url == f"sqlite+aiosqlite:///{tmp_path / 'd.db'}"
    assert demo.support_channel == {"playground": "support"}
    assert demo.kudos_channel == {"playground": "kudos"}
    assert demo.departments[0].channel == {"playground": "sales", "slack": "C1"}
    assert demo.people[0].identities == {"playground": "ann"}
    assert [(c.platform, c.channel, c.organization) for c in demo.intake_channels] == [
        ("playground", "customers", "Initech")
    ]
    assert demo.organizations[0].platform_ids == {"playground": "initech"}
    assert Path(demo.workflows_dir).is_absolute()


def test_a_config_that_names_the_playground_keeps_its_choices(tmp_path: Path) -> None:
    config = Config.model_validate(
        {
            "support_channel": {"playground": "helpdesk"},
            "people": [{"id": "ann", "name": "Ann", "identities": {"playground": "annie"}}],
        }
    )
    demo = demo_config(config, tmp_path / "d.db")
    assert demo.support_channel == {"playground": "helpdesk"}
    assert demo.people[0].identities == {"playground": "annie"}
