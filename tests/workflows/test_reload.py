"""Hot reload: a valid edit takes effect while running; a broken one is refused, reported, and
the running version keeps working."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select

from supportbot.config import Config
from supportbot.events import Actor, ConversationRef, MessageReceived
from supportbot.intents import SendDirect
from supportbot.server import DESK, create_app
from supportbot.store.models import WorkflowVersion
from supportbot.testing import MemoryAdapter, MemoryPlugin
from supportbot.workflows.sandbox import Sandbox
from supportbot.workflows.versions import ReloadResult

from .conftest import one_workflow, open_ticket

Write = Callable[[str, str], Path]
MakeSandbox = Callable[[], Awaitable[Sandbox]]
WAIT = 15.0  # generous upper bound for a background reload; tests never assert on timing


def tagging(tag: str) -> str:
    return one_workflow("ticket.created", f"[{{action: add_tags, with: {{tags: [{tag}]}}}}]")


BROKEN = (
    "version: 1\nworkflows:\n  - name: w\n    trigger: ticket.created\n"
    "    steps: [{action: add_tagz}]\n"
)


async def tags_of_new_ticket(sb: Sandbox, user: str) -> tuple[str, ...]:
    t = await open_ticket(sb, "hello", user=user)
    return (await sb.desk.tickets.get(t.number)).tags


def listen(sb: Sandbox) -> asyncio.Queue[tuple[ReloadResult, str]]:
    results: asyncio.Queue[tuple[ReloadResult, str]] = asyncio.Queue()

    async def put(result: ReloadResult, by: str, _desk: object) -> None:
        results.put_nowait((result, by))

    sb.engine.on_reload(put)
    return results


async def test_a_valid_edit_takes_effect_and_a_broken_one_is_refused(
    write: Write, sandbox: MakeSandbox
) -> None:
    write("t.yaml", tagging("v1"))
    sb = await sandbox()
    assert await tags_of_new_ticket(sb, "U1") == ("v1",)

    write("t.yaml", tagging("v2"))
    result = await sb.engine.reload()
    assert result.ok and result.changed
    assert await tags_of_new_ticket(sb, "U2") == ("v2",)

    write("t.yaml", BROKEN)
    result = await sb.engine.reload()
    assert not result.ok and not result.changed
    assert [str(p).split(": ", 1)[0].rsplit("/", 1)[-1] for p in result.problems] == ["t.yaml:5:14"]
    assert "unknown action 'add_tagz' (did you mean 'add_tags'?)" in str(result.problems[0])
    assert await tags_of_new_ticket(sb, "U3") == ("v2",)  # the running version still works

    async with sb.desk.db.sessions() as s:
        versions = (await s.scalars(select(WorkflowVersion).order_by(WorkflowVersion.id))).all()
    assert [v.loaded_by for v in versions] == ["start", "admin"]
    assert "v2" in next(iter(versions[1].files.values()))


async def test_the_watcher_notices_edits(write: Write, sandbox: MakeSandbox) -> None:
    write("t.yaml", tagging("v1"))
    sb = await sandbox()
    results = listen(sb)
    watcher = asyncio.create_task(sb.engine.versions.watch(0.01))
    try:
        write("t.yaml", tagging("version2"))  # a different size, so the change shows
        result, by = await asyncio.wait_for(results.get(), WAIT)
        assert (result.ok, by) == (True, "watch")
        assert await tags_of_new_ticket(sb, "U1") == ("version2",)
        write("t.yaml", BROKEN)
        result, by = await asyncio.wait_for(results.get(), WAIT)
        assert (result.ok, by) == (False, "watch")
        assert await tags_of_new_ticket(sb, "U2") == ("version2",)
    finally:
        watcher.cancel()
        await asyncio.gather(watcher, return_exceptions=True)


async def test_sighup_reloads(write: Write, sandbox: MakeSandbox) -> None:
    write("t.yaml", tagging("v1"))
    sb = await sandbox()
    results = listen(sb)
    assert sb.engine.versions.on_sighup()
    try:
        write("t.yaml", tagging("v2"))
        os.kill(os.getpid(), signal.SIGHUP)
        result, by = await asyncio.wait_for(results.get(), WAIT)
        assert (result.ok, result.changed, by) == (True, True, "SIGHUP")
    finally:
        sb.engine.versions.off_sighup()


def server_config(make_config: Callable[..., Config], tmp_path: Path) -> Config:
    base = make_config()
    people = [
        p.model_copy(update={"identities": {**p.identities, "chat": p.id}}) for p in base.people
    ]
    return base.model_copy(
        update={
            "database_url": f"sqlite+aiosqlite:///{tmp_path / 'server.db'}",
            "people": people,
            "intake_channels": [
                *base.intake_channels,
                base.intake_channels[0].model_copy(
                    update={"platform": "chat", "channel": "customers", "organization": None}
                ),
            ],
        }
    )


async def test_the_server_picks_up_edits_without_a_restart(
    aiohttp_client: Any,
    write: Write,
    wf_dir: Path,
    tmp_path: Path,
    make_config: Callable[..., Config],
) -> None:
    write("t.yaml", tagging("v1"))
    app = create_app(
        server_config(make_config, tmp_path),
        {"SUPPORTBOT_MEMORY_ADAPTER": "1"},
        plugins={"memory": MemoryPlugin()},
        workflows_dir=wf_dir,
        migrate=False,
    )
    client = await aiohttp_client(app)
    desk = app[DESK]
    chat = desk.adapters["chat"]
    assert isinstance(chat, MemoryAdapter)
    results: asyncio.Queue[ReloadResult] = asyncio.Queue()

    async def put(result: ReloadResult, by: str, _desk: object) -> None:
        results.put_nowait(result)

    desk.engine.on_reload(put)

    async def ask(n: int) -> tuple[str, ...]:
        event = MessageReceived(
            event_id=f"e{n}",
            actor=Actor("chat", f"cust{n}", "Casey"),
            conversation=ConversationRef("chat", "customers"),
            text=f"question {n}",
            message_id=f"m{n}",
        )
        await desk.handle(event)
        newest = (await desk.tickets.list(open_only=False, limit=100))[-1]
        return newest.tags

    assert (await client.get("/healthz")).status == 200
    assert await ask(1) == ("v1",)
    write("t.yaml", tagging("version2"))
    assert (await asyncio.wait_for(results.get(), WAIT)).ok
    assert await ask(2) == ("version2",)

    write("t.yaml", BROKEN)
    assert not (await asyncio.wait_for(results.get(), WAIT)).ok
    assert await ask(3) == ("version2",)
    told = [
        s.intent
        for s in chat.sent
        if isinstance(s.intent, SendDirect) and s.intent.user_id == "adam"
    ]
    assert told and "t.yaml:5:14" in told[-1].message.text
    assert "previous version keeps running" in told[-1].message.text


async def test_admin_reload_command_answers_with_the_problems(
    write: Write, wf_dir: Path, tmp_path: Path, make_config: Callable[..., Config]
) -> None:
    from supportbot.testing import DeskHarness

    write("t.yaml", tagging("v1"))
    async with DeskHarness.start(make_config(), tmp_path, workflows_dir=wf_dir) as h:
        write("t.yaml", tagging("version2"))
        outcome = await h.command("adam", "admin reload")
        assert "workflows reloaded" in str(outcome.intents)
        write("t.yaml", BROKEN)
        outcome = await h.command("adam", "admin reload")
        assert "t.yaml:5:14" in str(outcome.intents)
        assert h.desk.engine.workflows.get("w") is not None  # still the working version
