"""Chat-sized summaries: `/support stats [week|month]` and the digest a workflow posts."""

from __future__ import annotations

from datetime import datetime, timedelta

from supportbot import markup
from supportbot.config import Config
from supportbot.insights.build import compute_metrics
from supportbot.insights.labels import Labels, duration, number, percent
from supportbot.insights.model import Metrics
from supportbot.insights.period import Period
from supportbot.messages import Field, Message
from supportbot.store.db import SessionFactory
from supportbot.templates import Templates

SPANS = {"week": timedelta(days=7), "month": timedelta(days=30)}


def _fields(m: Metrics, t: Labels) -> tuple[Field, ...]:
    v, fr, sla, c, e = m.volume, m.first_response, m.sla, m.csat, m.escalations
    fast = sum(m.bands.counts[:2]) / m.bands.total if m.bands.total else None

    def field(label: str, value: str) -> Field:
        return Field(t.markup(label), value)

    return (
        field("created", markup.escape(str(v.created))),
        field("resolved", markup.escape(f"{v.resolved} ({percent(v.resolution_rate)})")),
        field(
            "section.first_response",
            t.markup(
                "stats.first_response",
                median=duration(fr.median),
                p90=duration(fr.p90),
                fast=percent(fast),
            ),
        ),
        field(
            "section.sla",
            t.markup(
                "stats.sla",
                first=percent(sla.first_response.compliance),
                resolution=percent(sla.resolution.compliance),
            ),
        ),
        field(
            "section.csat",
            t.markup(
                "stats.csat",
                average=number(c.average, 1),
                answered=c.answered,
                rate=percent(c.response_rate),
            ),
        ),
        field(
            "section.escalations",
            markup.escape(f"{e.requested} ({percent(e.approval_rate)} {t('esc.approved')})"),
        ),
        field("reopen_rate", markup.escape(percent(v.reopen_rate))),
    )


def _context(m: Metrics, t: Labels) -> tuple[str, ...]:
    days = t.weekdays()
    busiest = ", ".join(f"{days[h.weekday]} {h.hour:02d}:00" for h in m.busiest_hours(3))
    return (t.markup("stats.context", breaches=len(m.sla.breaches), busiest=busiest or "—"),)


def _span_name(period: Period) -> str | None:
    return next((name for name, span in SPANS.items() if period.until - period.since == span), None)


def stats_message(metrics: Metrics, locale: str, *, templates: Templates | None = None) -> Message:
    """A compact summary with fields, for leads in chat."""
    t = Labels(templates or Templates.from_folders(), locale)
    span = _span_name(metrics.period)
    label = t(f"stats.period.{span}") if span else _range(metrics, t)
    return Message(
        title=t.markup("stats.title", period=label),
        text="",
        fields=_fields(metrics, t),
        context=_context(metrics, t),
        kind="stats",
    )


def _range(m: Metrics, t: Labels) -> str:
    return f"{m.period.since:%Y-%m-%d} → {m.period.until:%Y-%m-%d}"


async def digest_message(
    sessions: SessionFactory,
    config: Config,
    since: datetime,
    until: datetime,
    locale: str,
    *,
    templates: Templates | None = None,
) -> Message:
    """The report for `[since, until)` as one message (the workflow action `post_report`)."""
    templates = templates or Templates.from_folders()
    async with sessions() as session:
        metrics = await compute_metrics(session, config, Period(since, until), now=until)
    message = stats_message(metrics, locale, templates=templates)
    t = Labels(templates, locale)
    zone = config.business_hours.zone
    title = t.markup(
        "digest.title",
        desk=config.desk_name,
        since=f"{since.astimezone(zone):%Y-%m-%d}",
        until=f"{(until - timedelta(seconds=1)).astimezone(zone):%Y-%m-%d}",
    )
    return Message(
        title=title,
        text=message.text,
        fields=message.fields,
        context=message.context,
        kind="digest",
    )
