"""The report as a terminal table, CSV or JSON."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import unicodedata
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from supportbot.insights.labels import Labels
from supportbot.insights.model import Metrics
from supportbot.insights.sections import Section, report_sections


def header_lines(m: Metrics, t: Labels, desk: str) -> list[str]:
    lines = [
        t("title", desk=desk),
        t("period", since=_local(m.period.since, m), until=_local(m.period.until, m), zone=m.zone),
    ]
    if m.filters.describe():
        lines.append(t("filters", filters=m.filters.describe()))
    return lines


def _local(moment: datetime, m: Metrics) -> str:
    return moment.astimezone(ZoneInfo(m.zone)).strftime("%Y-%m-%d %H:%M")


def width(text: str) -> int:
    """Columns a string takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, size: int, right: bool) -> str:
    gap = " " * (size - width(text))
    return gap + text if right else text + gap


def table(section: Section) -> str:
    rows = [section.columns, *section.rows]
    sizes = [max(width(r[i]) for r in rows) for i in range(len(section.columns))]
    lines = [f"== {section.title} =="]
    for n, row in enumerate(rows):
        cells = [_pad(c, sizes[i], right=i > 0 and n > 0) for i, c in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * s for s in sizes))
    if section.note:
        lines.append(section.note)
    return "\n".join(lines)


def render_table(m: Metrics, t: Labels, desk: str) -> str:
    parts = ["\n".join(header_lines(m, t, desk))]
    parts += [table(s) for s in report_sections(m, t)]
    return "\n\n".join(parts) + "\n"


def render_csv(m: Metrics, t: Labels) -> str:
    """One row per cell: section, row label, column, value (easy to pivot in a spreadsheet)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "row", "column", "value"])
    for section in report_sections(m, t, breach_limit=None):
        for row in section.rows:
            for column, value in zip(section.columns[1:], row[1:], strict=True):
                writer.writerow([section.key, row[0], column, value])
    return out.getvalue()


def to_data(m: Metrics) -> dict[str, Any]:
    """Every figure in raw units (seconds, shares 0–1), derived rates included."""
    data: dict[str, Any] = _plain(dataclasses.asdict(m))
    data["volume"].update(
        resolution_rate=m.volume.resolution_rate, reopen_rate=m.volume.reopen_rate
    )
    data["bands"]["shares"] = list(m.bands.shares)
    for clock in ("first_response", "resolution"):
        data["sla"][clock]["compliance"] = getattr(m.sla, clock).compliance
    data["csat"]["response_rate"] = m.csat.response_rate
    data["escalations"]["approval_rate"] = m.escalations.approval_rate
    if m.self_service is not None:
        served = m.self_service
        data["self_service"].update(
            rate=served.rate,
            confirmed_rate=served.confirmed_rate,
            assumed_rate=served.assumed_rate,
            draft_shares={o: served.draft_share(o) for o in ("sent", "edited", "dismissed")},
        )
        for row, article in zip(data["self_service"]["articles"], served.articles, strict=True):
            row["helpfulness"] = article.helpfulness
    data["busiest_hours"] = [dataclasses.asdict(h) for h in m.busiest_hours(10)]
    return data


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def render_json(m: Metrics) -> str:
    return json.dumps(to_data(m), indent=2, ensure_ascii=False) + "\n"
