"""How insights plug into a running desk: Prometheus metrics and `/support stats`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from supportbot import commands as grammar
from supportbot.events import AnyEvent
from supportbot.happenings import Turn
from supportbot.insights.build import compute_metrics
from supportbot.insights.period import Period
from supportbot.insights.prom import DeskMetrics
from supportbot.insights.reader import open_reader
from supportbot.insights.spike_watch import attach as attach_spike_watch
from supportbot.insights.stats import SPANS, stats_message
from supportbot.messages import Message

if TYPE_CHECKING:
    from supportbot.desk import Desk


def attach(desk: Desk) -> None:
    """Give the desk its metrics registry, the `stats` command and the spike check."""
    if desk.metrics is None:
        desk.metrics = DeskMetrics()
    desk.services["command.stats"] = stats_command
    attach_spike_watch(desk)


async def stats_command(
    desk: Desk, ev: AnyEvent, cmd: grammar.Command, handle: str, turn: Turn
) -> None:
    """`/support stats [week|month]`, for leads and admins, answered privately."""
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
