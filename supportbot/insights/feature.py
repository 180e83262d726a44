"""The insights feature: Prometheus metrics, `/support stats`, the spike check, the digest."""

from __future__ import annotations

from typing import TYPE_CHECKING

from supportbot import commands as grammar
from supportbot.context import TurnContext
from supportbot.insights import actions
from supportbot.insights.build import compute_metrics
from supportbot.insights.period import Period
from supportbot.insights.prom import DeskMetrics
from supportbot.insights.reader import open_reader
from supportbot.insights.spike_watch import register as register_spike_watch
from supportbot.insights.stats import SPANS, stats_message
from supportbot.messages import Message
from supportbot.plugins import Hooks

if TYPE_CHECKING:
    from supportbot.desk import Desk


class InsightsFeature:
    name = "insights"

    def setup(self, hooks: Hooks) -> None:
        actions.register(hooks)
        hooks.command("stats", stats_command, usage="stats [week|month]", takes_ticket=False)
        register_spike_watch(hooks)
        hooks.on_attach(_metrics)


def _metrics(desk: Desk) -> None:
    """The desk's Prometheus figures (its own registry, never the process-global one)."""
    if desk.metrics is None:
        desk.metrics = DeskMetrics()


async def stats_command(ctx: TurnContext, cmd: grammar.Command) -> None:
    """`/support stats [week|month]`, for leads and admins, answered privately."""
    desk, turn, ev, handle = ctx.desk, ctx.turn, ctx.event, await ctx.person()
    locale = desk.people.locale_of(handle)
    if not desk.people.roles(handle) & {"lead", "admin"}:
        text = desk.templates.render("insights.stats.leads_only", locale)
        desk.tell(turn, ev, Message(text=text, kind="error"))
        return
    now = desk.clock.now()
    period = Period.last(SPANS.get(cmd.option or "week", SPANS["week"]), now)
    reader = open_reader(desk.db.url) if desk.db.is_sqlite else desk.db
    try:
        async with reader.sessions() as session:
            metrics = await compute_metrics(session, desk.config, period, now=now)
    finally:
        if reader is not desk.db:
            await reader.close()
    desk.tell(turn, ev, stats_message(metrics, locale, templates=desk.templates))
