"""Workflow test helpers: a folder of workflow files, and a desk running them (no platforms).

wf_dir     a temporary workflows folder with test templates in `templates/`
write      write(name, yaml_text) puts a workflow file in it
sandbox    an awaitable factory: `sb = await sandbox()` builds a desk + engine on `database`
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from supportbot.clock import FrozenClock
from supportbot.config import Config
from supportbot.store.db import Database
from supportbot.tickets.service import NewTicket
from supportbot.tickets.view import TicketView
from supportbot.workflows.sandbox import Sandbox, build_sandbox, customer

TEMPLATES_EN = """\
test.hello: "Hello {{ requester.name }}, ticket #{{ ticket.number }} is {{ ticket.priority }}."
test.subject: "Subject: {{ ticket.subject }}"
test.note: "Note for #{{ ticket.number }} ({{ trigger }})"
test.plain: "Plain message from {{ workflow }}"
"""
TEMPLATES_JA = """\
test.hello: "{{ requester.name }} 様、チケット #{{ ticket.number }} を受け付けました。"
"""


@pytest.fixture
def wf_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "workflows"
    (folder / "templates").mkdir(parents=True)
    (folder / "templates" / "test.en.yaml").write_text(TEMPLATES_EN, encoding="utf-8")
    (folder / "templates" / "test.ja.yaml").write_text(TEMPLATES_JA, encoding="utf-8")
    return folder


@pytest.fixture
def write(wf_dir: Path) -> Callable[[str, str], Path]:
    def put(name: str, text: str) -> Path:
        path = wf_dir / name
        path.write_text(text, encoding="utf-8")
        return path

    return put


@pytest.fixture
def sandbox(
    config: Config, database: Database, clock: FrozenClock, wf_dir: Path
) -> Callable[[], Awaitable[Sandbox]]:
    async def make() -> Sandbox:
        return await build_sandbox(config, database, clock, wf_dir)

    return make


async def open_ticket(
    sb: Sandbox,
    text: str,
    *,
    user: str = "U0CUST",
    name: str = "Casey",
    locale: str | None = None,
    organization: str | None = None,
    platform: str = "slack",
    channel: str = "C0ACMESHARED",
) -> TicketView:
    handle = await customer(
        sb.desk, platform, user, name=name, locale=locale, organization=organization
    )
    new = NewTicket(
        requester=handle,
        subject=text,
        body=text,
        origin_platform=platform,
        origin_channel=channel,
        origin_message="1700000000.000100",
        locale=locale,
    )
    return await sb.open_ticket(new)


def one_workflow(
    trigger: str, steps: str, condition: str = "", name: str = "w", cron: str | None = None
) -> str:
    """A file with one workflow; `steps` and `condition` are YAML flow text."""
    extra = f"\n    if: {condition}" if condition else ""
    extra += f"\n    cron: '{cron}'" if cron else ""
    head = f"version: 1\nworkflows:\n  - name: {name}\n    trigger: {trigger}"
    return f"{head}{extra}\n    steps: {steps}\n"
