"""Events per second through the workflow engine with 10, 100 and 1,000 workflows.

Each event is a `ticket.created` happening; every workflow has a realistic `if:` (keywords in
English and Japanese, priority, business hours, `not`) and one cheap action that counts.
The ticket service is a stand-in returning one snapshot, so the figures are the engine's own
(condition evaluation and dispatch), not the database's. Run: `python -m bench.engine`.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from supportbot.clock import FrozenClock
from supportbot.config import Config
from supportbot.happenings import Happening, Turn
from supportbot.people import People
from supportbot.plugins import installed_registry
from supportbot.templates import Templates
from supportbot.tickets.view import PersonView, TicketView
from supportbot.workflows.context import ActionContext
from supportbot.workflows.engine import WorkflowEngine

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
KEYWORDS = [
    "outage",
    "invoice",
    "refund",
    "login",
    "障害",
    "請求",
    "返金",
    "ログイン",
    "至急",
    "slow",
]
TEXTS = [
    "Our dashboard is slow since this morning",
    "請求書の金額が違います。返金をお願いします",
    "I cannot login after the update",
    "至急:本番環境で障害が発生しています",
]
SECONDS_PER_SIZE = 1.0


class Count(BaseModel):
    model_config = ConfigDict(extra="forbid")


@dataclass
class Stub:
    """Just enough desk for the engine: a fixed ticket, no database."""

    config: Config
    templates: Templates
    clock: FrozenClock
    tickets_by_id: dict[int, TicketView]
    counted: int = 0
    timer_handlers: dict[str, Any] = field(default_factory=dict)

    @property
    def tickets(self) -> Stub:
        return self

    @property
    def people(self) -> People:
        return People(self.config)

    async def get(self, ticket_id: int) -> TicketView:
        return self.tickets_by_id[ticket_id]

    async def record_event(self, **kwargs: Any) -> None:
        raise RuntimeError(f"a step failed: {kwargs}")


def workflow_yaml(i: int) -> str:
    words = ", ".join(KEYWORDS[(i + k) % len(KEYWORDS)] for k in range(3))
    priority = ["P1", "P2", "P3", "P4"][i % 4]
    return (
        f"  - name: wf-{i}\n    trigger: ticket.created\n    if:\n"
        f"      text.contains_any: [{words}]\n"
        f"      any: [{{priority: {priority}}}, {{business_hours: true}}]\n"
        f"      not: {{tags: ignored}}\n"
        f"    steps: [{{action: count}}]\n"
    )


def write_workflows(folder: Path, n: int) -> None:
    body = "".join(workflow_yaml(i) for i in range(n))
    (folder / "bench.yaml").write_text(f"version: 1\nworkflows:\n{body}", encoding="utf-8")


async def measure(n: int) -> tuple[float, float]:
    registry = installed_registry()

    async def count(ctx: ActionContext, p: Count) -> None:
        ctx.desk.counted += 1  # type: ignore[attr-defined]

    registry.action("count", Count)(count)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_workflows(folder, n)
        config = Config()
        by_id = {i: _ticket(i, text) for i, text in enumerate(TEXTS)}
        desk = Stub(config, Templates.from_folders(), FrozenClock(NOW), by_id)
        engine = WorkflowEngine(desk, directory=folder, registry=registry)  # type: ignore[arg-type]
        engine.versions.load_now()
    events = 0
    started = time.perf_counter()
    while (elapsed := time.perf_counter() - started) < SECONDS_PER_SIZE:
        for number in range(len(TEXTS)):
            h = Happening("ticket.created", number, "slack:U1", {}, "bench")
            await engine.run(h, Turn("bench"))
            events += 1
    return events / elapsed, desk.counted / events


def _ticket(number: int, text: str) -> TicketView:
    return TicketView(
        number=number, subject=text, body=text, status="new", priority="P3", category=None,
        team="support", tags=(), kind="customer", locale="en",
        requester=PersonView("slack:U1", "Casey"),
        assignee=None, origin_platform="slack", origin_channel="C1", origin_thread=None,
        origin_message="1", created_at=NOW, updated_at=NOW, first_response_at=None,
        resolved_at=None, waiting_since=None, paused_seconds=0, reopen_count=0,
    )  # fmt: skip


async def main() -> None:
    print("workflow engine: ticket.created events through N workflows (conditions + 1 action)")
    print(f"{'workflows':>10} {'events/s':>12} {'µs/event':>10} {'actions/event':>14}")
    for n in (10, 100, 1000):
        rate, actions = await measure(n)
        print(f"{n:>10} {rate:>12,.0f} {1e6 / rate:>10,.1f} {actions:>14.1f}")


if __name__ == "__main__":
    asyncio.run(main())
