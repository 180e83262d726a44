"""The report as titled tables of text, shared by the terminal, CSV and HTML renderers."""

from __future__ import annotations

from dataclasses import dataclass

from supportbot.insights.labels import Labels, duration, number, percent
from supportbot.insights.model import BAND_NAMES, Metrics


@dataclass(frozen=True, slots=True)
class Section:
    key: str  # stable id (CSV column, HTML anchor)
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str = ""


def report_sections(m: Metrics, t: Labels, *, breach_limit: int | None = 25) -> list[Section]:
    """All sections; the breach list shows the worst `breach_limit` (None: every breach)."""
    return [
        _volume(m, t),
        _first_response(m, t),
        _resolution(m, t),
        _sla(m, t),
        _breaches(m, t, breach_limit),
        _csat(m, t),
        _escalations(m, t),
        _handoffs(m, t),
        _agents(m, t),
        _hours(m, t),
        *_self_service(m, t),
    ]


def _pairs(key: str, title: str, t: Labels, rows: list[tuple[str, str]], note: str = "") -> Section:
    return Section(key, title, (t("metric"), t("value")), tuple(rows), note)


def _volume(m: Metrics, t: Labels) -> Section:
    v = m.volume
    rows = [
        (t("created"), str(v.created)),
        (t("resolved"), str(v.resolved)),
        (t("resolution_rate"), percent(v.resolution_rate)),
        (t("reopen_rate"), percent(v.reopen_rate)),
        (t("unanswered"), str(v.unanswered)),
    ]
    return _pairs("volume", t("section.volume"), t, rows)


def _first_response(m: Metrics, t: Labels) -> Section:
    rows = [
        (t("answered"), str(m.first_response.count)),
        (t("median"), duration(m.first_response.median)),
        (t("p90"), duration(m.first_response.p90)),
    ]
    for name, count, share in zip(BAND_NAMES, m.bands.counts, m.bands.shares, strict=True):
        rows.append((t(f"band.{name}"), f"{count} ({percent(share)})"))
    return _pairs("first_response", t("section.first_response"), t, rows)


def _resolution(m: Metrics, t: Labels) -> Section:
    rows = [
        (t("resolved"), str(m.resolution.count)),
        (t("median"), duration(m.resolution.median)),
        (t("p90"), duration(m.resolution.p90)),
    ]
    return _pairs("resolution", t("section.resolution"), t, rows)


def _sla(m: Metrics, t: Labels) -> Section:
    cols = ("sla.clock", "sla.met", "sla.breached", "sla.pending", "sla.compliance")
    rows = tuple(
        (t(f"sla.{c.clock}"), str(c.met), str(c.breached), str(c.pending), percent(c.compliance))
        for c in (m.sla.first_response, m.sla.resolution)
    )
    note = t("sla.business") if m.sla.business_hours else t("sla.wall")
    return Section("sla", t("section.sla"), tuple(t(c) for c in cols), rows, note)


def _breaches(m: Metrics, t: Labels, limit: int | None) -> Section:
    cols = ("sla.ticket", "sla.clock", "sla.priority", "sla.target", "sla.elapsed")
    worst = sorted(
        m.sla.breaches, key=lambda b: (-b.elapsed_seconds / b.target_seconds, b.ticket_id)
    )
    shown = worst if limit is None else worst[:limit]
    rows = tuple(
        (
            f"#{b.ticket_id}",
            t(f"sla.{b.clock}"),
            b.priority,
            duration(b.target_seconds),
            duration(b.elapsed_seconds) + (f" ({t('sla.open')})" if b.still_open else ""),
        )
        for b in shown
    )
    hidden = len(worst) - len(shown)
    note = t("sla.more", n=hidden) if hidden else ""
    return Section("breaches", t("section.breaches"), tuple(t(c) for c in cols), rows, note)


def _csat(m: Metrics, t: Labels) -> Section:
    c = m.csat
    rows = [
        (t("csat.average"), number(c.average)),
        (t("csat.sent"), str(c.sent)),
        (t("csat.answered"), str(c.answered)),
        (t("csat.response_rate"), percent(c.response_rate)),
    ]
    rows += [(t("csat.score", score=i + 1), str(n)) for i, n in enumerate(c.distribution)]
    return _pairs("csat", t("section.csat"), t, rows)


def _escalations(m: Metrics, t: Labels) -> Section:
    e = m.escalations
    rows = [
        (t("esc.requested"), str(e.requested)),
        (t("esc.approved"), str(e.approved)),
        (t("esc.denied"), str(e.denied)),
        (t("esc.approval_rate"), percent(e.approval_rate)),
        (t("esc.decision_median"), duration(e.decision.median)),
        (t("esc.decision_p90"), duration(e.decision.p90)),
    ]
    return _pairs("escalations", t("section.escalations"), t, rows)


def _handoffs(m: Metrics, t: Labels) -> Section:
    names = ("department", "opened", "accepted", "closed", "to_accept", "to_close")
    rows = tuple(
        (
            h.department,
            str(h.opened),
            str(h.accepted),
            str(h.closed),
            duration(h.to_accept.median),
            duration(h.to_close.median),
        )
        for h in m.handoffs
    )
    return Section("handoffs", t("section.handoffs"), tuple(t(f"handoff.{n}") for n in names), rows)


def _agents(m: Metrics, t: Labels) -> Section:
    names = ("name", "handled", "resolved", "first_response", "csat", "kudos")
    rows = tuple(
        (
            a.name,
            str(a.handled),
            str(a.resolved),
            duration(a.first_response_median),
            number(a.csat_average),
            str(a.kudos_points),
        )
        for a in m.agents
    )
    return Section("agents", t("section.agents"), tuple(t(f"agent.{n}") for n in names), rows)


def _hours(m: Metrics, t: Labels) -> Section:
    days = t.weekdays()
    rows = tuple((f"{days[h.weekday]} {h.hour:02d}:00", str(h.tickets)) for h in m.busiest_hours(5))
    cols = (t("hours.slot"), t("hours.tickets"))
    return Section("hours", t("section.hours"), cols, rows)


def _self_service(m: Metrics, t: Labels) -> list[Section]:
    """Self-service and suggested replies; no sections on a desk that never used them."""
    s = m.self_service
    if s is None or not s.active:
        return []
    rows = [
        (t("kb.suggested"), str(s.suggested)),
        (t("kb.rate"), percent(s.rate)),
        (t("kb.confirmed"), f"{s.confirmed} ({percent(s.confirmed_rate)})"),
        (t("kb.assumed"), f"{s.assumed} ({percent(s.assumed_rate)})"),
        (t("kb.declined"), str(s.declined)),
        (t("kb.not_related"), str(s.not_related)),
        (t("kb.not_answered"), str(s.not_answered)),
        (t("kb.drafted"), str(s.drafted)),
        (t("kb.drafts_sent"), f"{s.drafts_sent} ({percent(s.draft_share('sent'))})"),
        (t("kb.drafts_edited"), f"{s.drafts_edited} ({percent(s.draft_share('edited'))})"),
        (t("kb.drafts_dismissed"),
         f"{s.drafts_dismissed} ({percent(s.draft_share('dismissed'))})"),
    ]  # fmt: skip
    found = [_pairs("self_service", t("section.self_service"), t, rows)]
    if s.articles:
        names = ("article", "shown", "solved", "assumed", "declined", "helpfulness", "sent")
        found.append(
            Section(
                "articles",
                t("section.articles"),
                tuple(t(f"kb.column.{n}") for n in names),
                tuple(
                    (
                        a.article,
                        str(a.shown),
                        str(a.solved),
                        str(a.assumed),
                        str(a.declined),
                        percent(a.helpfulness),
                        str(a.sent_by_agents),
                    )
                    for a in s.articles
                ),
            )
        )
    if s.unanswered:
        found.append(
            Section(
                "unanswered",
                t("section.unanswered"),
                (t("kb.column.query"), t("kb.column.count")),
                tuple((u.query, str(u.count)) for u in s.unanswered),
            )
        )
    return found
