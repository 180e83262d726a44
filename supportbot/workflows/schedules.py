"""`trigger: schedule` workflows: cron expressions read in the business-hours time zone.

Each next run is a durable timer keyed by workflow and time, so replicas and restarts never run
one occurrence twice, and a reload that changes a cron leaves the old timer to find itself stale.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from croniter import croniter

from supportbot.workflows.schema import Workflow, WorkflowSet

SCHEDULE = "workflow.schedule"


def next_run(cron: str, after: datetime, zone: ZoneInfo) -> datetime:
    """The first time strictly after `after` that `cron` names, as aware UTC."""
    local = after.astimezone(zone)
    found: datetime = croniter(cron, local).get_next(datetime)
    return found.astimezone(UTC)


def due_schedules(
    workflows: WorkflowSet, since: datetime, until: datetime, zone: ZoneInfo
) -> list[tuple[Workflow, datetime]]:
    """Every (workflow, time) with `since < time <= until`, in time then file order."""
    out: list[tuple[Workflow, datetime]] = []
    for wf in workflows.for_trigger("schedule"):
        if wf.cron is None:
            continue
        at = next_run(wf.cron, since, zone)
        while at <= until:
            out.append((wf, at))
            at = next_run(wf.cron, at, zone)
    order = {wf.name: i for i, wf in enumerate(workflows.workflows)}
    return sorted(out, key=lambda item: (item[1], order[item[0].name]))


def timer_key(workflow: Workflow, at: datetime) -> str:
    return f"{SCHEDULE}:{workflow.name}:{at.isoformat()}"
