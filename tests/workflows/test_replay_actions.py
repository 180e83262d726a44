"""What replayed actions do: webhooks are only "would call", CSAT polls "would ask", a `wait`
resumes at its later moment (where the ticket may have moved on), and errors are sentences."""

from __future__ import annotations

import io
import json
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

from supportbot.clock import FrozenClock
from supportbot.config import Config
from supportbot.store.db import Database
from supportbot.workflows.replay import ReplayRequest, replay
from supportbot.workflows.sandbox import build_sandbox

from .conftest import open_ticket
from .replay_history import happen

Write = Callable[[str, str], Path]
CANDIDATE = """\
version: 1
workflows:
  - name: refund-to-crm
    trigger: ticket.created
    if: {{text.contains: refund}}
    steps:
      - {{action: call_webhook, with: {{url: "{url}", retries: 0}}}}
  - name: survey
    trigger: ticket.resolved
    steps: [{{action: csat_poll}}]
  - name: early-tag
    trigger: ticket.created
    steps:
      - {{action: wait, with: {{for: 10m}}}}
      - {{action: add_tags, with: {{tags: [early]}}}}
  - name: late-tag
    trigger: ticket.created
    steps:
      - {{action: wait, with: {{for: 1h}}}}
      - {{action: add_tags, with: {{tags: [late]}}}}
"""


async def run(config: Config, folder: Path, **options: Any) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    request = ReplayRequest(timedelta(days=7), **options)
    return await replay(config, folder, request, out, err), out.getvalue(), err.getvalue()


async def test_outside_world_actions_are_counted_not_done_and_waits_resume_later(
    wf_dir: Path,
    write: Write,
    config: Config,
    database: Database,
    db_url: str,
    clock: FrozenClock,
    aiohttp_server: Callable[[web.Application], Awaitable[TestServer]],
) -> None:
    calls: list[str] = []

    async def hook(request: web.Request) -> web.Response:
        calls.append(await request.text())
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_post("/hook", hook)
    server = await aiohttp_server(app)
    config = config.model_copy(update={"database_url": db_url})
    sb = await build_sandbox(config, database, clock, wf_dir)  # no workflows while it happened
    refund = await open_ticket(sb, "Please refund my last invoice", user="U1")
    down = await open_ticket(sb, "The API is down", user="U2")
    clock.advance(timedelta(minutes=10))
    await happen(
        sb, await sb.desk.tickets.claim(ticket_id=refund.number, actor="ben", source="slack")
    )
    clock.advance(timedelta(minutes=20))
    await happen(
        sb, await sb.desk.tickets.resolve(ticket_id=refund.number, actor="ben", source="slack")
    )
    clock.advance(timedelta(hours=2))

    write("10-candidate.yaml", CANDIDATE.format(url=f"http://127.0.0.1:{server.port}/hook"))
    code, out, err = await run(config, wf_dir, format="json", now=clock.now())

    assert (code, err) == (0, "")
    report = json.loads(out)
    now = report["effects"]["now"]
    assert now["would_call"] == {f"http://127.0.0.1:{server.port}/hook": 1}
    assert calls == []  # reported, never sent
    assert now["would_ask"] == {"csat": 1}
    # An hour after it came in the refund ticket was resolved: tagging it is refused.
    assert now["failed"] == {"late-tag": 1}
    tags = {t["ticket"]: dict((c["field"], c["after"]) for c in t["changes"])["tags"]
            for t in report["changed"]}  # fmt: skip
    assert tags == {refund.number: ["early"], down.number: ["early", "late"]}
    assert report["workflows"]["late-tag"] == {"fired": 2, "was": None}


async def test_errors_are_sentences_and_exit_codes(
    tmp_path: Path, wf_dir: Path, write: Write, config: Config
) -> None:
    write("10-bad.yaml", "version: 1\nworkflows:\n  - name: x\n    trigger: ticket.creatd\n")
    missing = config.model_copy(
        update={"database_url": f"sqlite+aiosqlite:///{tmp_path / 'no.db'}"}
    )
    code, out, err = await run(missing, wf_dir)
    assert (code, out) == (1, "")
    assert "10-bad.yaml:4:5: workflows[0].trigger: unknown trigger 'ticket.creatd'" in err
    assert f"The workflow files in {wf_dir} are invalid; nothing was replayed." in err

    write("10-bad.yaml", "version: 1\nworkflows: []\n")
    code, out, err = await run(missing, wf_dir, locale="ja")
    assert (code, out) == (2, "")
    assert err.strip() == f"{tmp_path / 'no.db'}".join(
        ["sqlite+aiosqlite:///", " にデータベースがありません。"]
    )
    assert not (tmp_path / "no.db").exists()  # not created by looking

    code, out, err = await run(missing, wf_dir, baseline=str(tmp_path / "nowhere"))
    assert (code, out) == (2, "")
    assert "is neither a folder nor a git ref" in err
