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


async def fetch_when_up(url: str) -> str:
    """The page, once the server answers (the demo migrates its database first)."""
    async with aiohttp.ClientSession() as http:
        while True:
            with contextlib.suppress(aiohttp.ClientConnectionError):
                async with http.get(url) as response:
                    if response.status == 200:
                        return await response.text()
            await asyncio.sleep(0.2)


async def test_the_demo_serves_the_playground_on_the_default_config(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    port = free_port()
    demo = asyncio.create_task(run_demo(None, "127.0.0.1", port))
    try:
        page = await asyncio.wait_for(fetch_when_up(f"http://127.0.0.1:{port}/playground"), 60)
        assert "supportbot" in page
        assert f"Playground: http://127.0.0.1:{port}/playground" in capsys.readouterr().out
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
