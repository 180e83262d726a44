"""`supportbot intake add-key | list-keys | revoke`, proven against the running intake API."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from supportbot.cli import main
from supportbot.config import load_config
from supportbot.server import create_app

Client = TestClient[web.Request, web.Application]
TICKET = {"requester": {"name": "Kim", "email": "kim@globex.example"}, "subject": "Refund",
          "body": "Please refund order 7"}  # fmt: skip


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


async def arun(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """The command in a thread: it runs its own event loop, as from a shell."""
    code = await asyncio.to_thread(main, list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "supportbot.yaml"
    path.write_text("database_url: sqlite+aiosqlite:///desk.db\n", encoding="utf-8")
    return path


async def test_a_key_works_until_it_is_revoked(
    config_file: Path,
    capsys: pytest.CaptureFixture[str],
    aiohttp_client: Callable[[web.Application], Awaitable[Client]],
) -> None:
    code, out, _ = await arun(capsys, "intake", "add-key", "webform", "--config", str(config_file))
    assert code == 0
    key = out.strip().splitlines()[-1]
    assert key.startswith("sbk_")
    app = create_app(load_config(config_file, {}), {}, plugins={}, migrate=True)
    client = await aiohttp_client(app)
    auth = {"Authorization": f"Bearer {key}"}
    assert (await client.post("/api/intake", json=TICKET, headers=auth)).status == 201

    code, out, _ = await arun(capsys, "--config", str(config_file), "intake", "revoke", "webform")
    assert (code, out) == (0, "intake key 'webform' is revoked\n")
    assert (await client.post("/api/intake", json=TICKET, headers=auth)).status == 401
    code, out, _ = await arun(capsys, "--config", str(config_file), "intake", "list-keys")
    assert code == 0 and out.startswith("webform\trevoked\tcreated ")


def test_a_second_key_of_the_same_name_is_a_sentence_not_a_traceback(
    config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "--config", str(config_file), "intake", "add-key", "form")[0] == 0
    code, out, err = run(capsys, "--config", str(config_file), "intake", "add-key", "form")
    assert code == 2 and out == ""
    assert err.startswith("supportbot: there is already an intake key named 'form' (in use")
    assert len(err.splitlines()) == 1
    code, _, err = run(capsys, "--config", str(config_file), "intake", "revoke", "frm")
    assert code == 2 and err == "supportbot: there is no intake key named 'frm' (keys: form)\n"
    code, out, _ = run(capsys, "--config", str(config_file), "intake", "list-keys")
    assert code == 0 and out.startswith("form\tactive\tcreated ")


def test_listing_keys_without_a_database_creates_none(
    config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "--config", str(config_file), "intake", "list-keys")
    assert code == 2 and err.startswith("database: there is no database at ")
    assert not (config_file.parent / "desk.db").exists()
