"""`wait`: a durable pause. The rest of the workflow runs from a timer, even after a restart."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from supportbot.durations import Duration
from supportbot.happenings import Happening
from supportbot.workflows.context import ActionContext
from supportbot.workflows.registry import Registrar

RESUME = "workflow.resume"


class Wait(BaseModel):
    """Pause, then run the remaining steps (a timer in the database: survives restarts).

    A workflow edited while waiting is not resumed (the audit trail says so)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    for_: Duration = Field(alias="for", description="how long, e.g. 30m, 1h, 3d")


async def wait(ctx: ActionContext, p: Wait) -> None:
    await ctx.desk.timers.schedule(
        kind=RESUME,
        due_at=ctx.desk.clock.now() + p.for_,
        payload={
            "workflow": ctx.workflow,
            "digest": ctx.digest,
            "step": ctx.step + 1,
            "happening": happening_to_json(ctx.happening),
        },
        ticket_id=ctx.happening.ticket_id,
    )


def happening_to_json(h: Happening) -> dict[str, Any]:
    # Round-trip through JSON so whatever a happening carries is storable in the timer row.
    return json.loads(json.dumps(dataclasses.asdict(h), default=str))  # type: ignore[no-any-return]


def happening_from_json(data: dict[str, Any]) -> Happening:
    fields = {f.name for f in dataclasses.fields(Happening)}
    return Happening(**{k: v for k, v in data.items() if k in fields})


def register(registry: Registrar) -> None:
    registry.action(
        "wait", Wait, needs_ticket=False, pauses=True, simulate=lambda sim, p: sim.pause(p.for_)
    )(wait)
