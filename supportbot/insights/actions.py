"""Insights in workflows: the `post_report` action and conditions on `trend.spike` happenings.

- name: weekly-digest
  trigger: schedule
  cron: "0 9 * * mon"
  steps:
    - action: post_report
      with: {channel: leads_channel, period: 7d}
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from supportbot.durations import Duration
from supportbot.insights.spikes import TEXT_PREFIX
from supportbot.insights.stats import digest_message
from supportbot.intents import PostMessage
from supportbot.workflows.actions.messaging import channel_refs
from supportbot.workflows.conditions import Compare
from supportbot.workflows.context import ActionContext
from supportbot.workflows.facts import Facts
from supportbot.workflows.refs import ChannelName
from supportbot.workflows.registry import Predicate, Registrar

SPIKE = "trend.spike"


def _not_thread(value: str) -> str:
    if value == "thread":
        raise ValueError("a report goes to a channel, not a ticket's thread")
    return value


ReportChannel = Annotated[ChannelName, AfterValidator(_not_thread)]


class PostReport(BaseModel):
    """Post the desk's digest (volume, first response, SLA, CSAT, escalations) for the last
    `period` to a channel, on every platform where that channel is configured.

    Under `trigger: schedule` the period ends at the scheduled time, so a late timer still
    reports whole days.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    channel: ReportChannel = Field(
        description="leads_channel, support_channel, kudos_channel, team:NAME or department:NAME"
    )
    period: Duration = Field(default=timedelta(days=7), description="how far back it looks")
    locale: Literal["en", "ja"] | None = Field(
        default=None, description="the digest's language (default: the desk's `locale`)"
    )


async def post_report(ctx: ActionContext, p: PostReport) -> None:
    desk = ctx.desk
    until = _report_end(ctx)
    message = await digest_message(
        desk.db.reads,
        desk.config,
        until - p.period,
        until,
        p.locale or desk.config.locale,
        templates=ctx.templates,
    )
    for to in channel_refs(desk.config, p.channel, None, desk.adapters):
        ctx.emit(PostMessage(to, message))


def _report_end(ctx: ActionContext) -> datetime:
    """The scheduled time of a `schedule` run (timers may fire late), else now."""
    at = ctx.happening.data.get("at") if ctx.happening.trigger == "schedule" else None
    if isinstance(at, str):
        try:
            return datetime.fromisoformat(at)
        except ValueError:
            pass
    return ctx.desk.clock.now()


# -- conditions over a spike's data ------------------------------------------------------------
def _spike_value(facts: Facts, key: str) -> Any:
    return facts.happening.data.get(key) if facts.happening.trigger == SPIKE else None


def spike_category(value: str | list[str]) -> Predicate:
    wanted = frozenset([value] if isinstance(value, str) else value)
    return lambda f: _spike_value(f, "category") in wanted


def spike_count(value: int | Compare) -> Predicate:
    def check(f: Facts) -> bool:
        count = _spike_value(f, "count")
        if not isinstance(count, int) or isinstance(count, bool):
            return False
        return value.holds(count) if isinstance(value, Compare) else count == value

    return check


def register(registry: Registrar) -> None:
    registry.action(
        "post_report", PostReport, needs_ticket=False, simulate=lambda sim, p: sim.post()
    )(post_report)
    registry.condition(
        "spike.category",
        str | list[str],
        f"the category of a trend.spike (`{TEXT_PREFIX}SUBJECT` for uncategorised tickets)",
    )(spike_category)
    registry.condition(
        "spike.count", int | Compare, "the ticket count of a trend.spike, e.g. {gte: 10}"
    )(spike_count)
