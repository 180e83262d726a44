"""The staffing forecast as a table, CSV, JSON or a self-contained HTML page with a chart."""

from __future__ import annotations

import csv
import io
import json
from zoneinfo import ZoneInfo

from supportbot import formats
from supportbot.insights import svg
from supportbot.insights.forecast import Forecast
from supportbot.insights.labels import Labels, percent
from supportbot.insights.render_html import figure, html_table, page
from supportbot.insights.render_text import table
from supportbot.insights.sections import Section


def _rows(f: Forecast, t: Labels) -> tuple[tuple[str, ...], ...]:
    zone, days = ZoneInfo(f.zone), t.weekdays()
    rows = []
    for h in f.hours:
        local = h.start.astimezone(zone)
        slot = f"{days[local.weekday()]} {local:%m-%d %H}:00"
        rows.append((slot, f"{h.expected:.1f}", str(h.agents)))
    return tuple(rows)


def _header(f: Forecast, t: Labels) -> list[str]:
    zone = ZoneInfo(f.zone)
    end = f.hours[-1].start if f.hours else f.start
    s = f.settings
    return [
        t("forecast.title", since=f"{f.start.astimezone(zone):%Y-%m-%d %H:%M}",
          until=f"{end.astimezone(zone):%Y-%m-%d %H:%M}", zone=f.zone),
        t("forecast.method", weeks=f.history_weeks_used, trend=f"{f.trend_per_week:+.1f}",
          level=percent(s.service_level), target=formats.duration(s.within_seconds, t.locale),
          aht=formats.duration(s.aht_seconds, t.locale)),
    ]  # fmt: skip


def _section(f: Forecast, t: Labels) -> Section:
    cols = (t("forecast.slot"), t("forecast.tickets"), t("forecast.agents"))
    return Section("forecast", t("forecast.chart"), cols, _rows(f, t))


def forecast_table(f: Forecast, t: Labels) -> str:
    return "\n".join(_header(f, t)) + "\n\n" + table(_section(f, t)) + "\n"


def forecast_csv(f: Forecast) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["hour_start_utc", "expected_tickets", "agents"])
    for h in f.hours:
        writer.writerow([h.start.isoformat(), f"{h.expected:.3f}", h.agents])
    return out.getvalue()


def forecast_json(f: Forecast) -> str:
    data = {
        "start": f.start.isoformat(),
        "zone": f.zone,
        "history_weeks_used": f.history_weeks_used,
        "weekly_totals": list(f.weekly_totals),
        "trend_per_week": f.trend_per_week,
        "settings": {
            "weeks": f.settings.weeks,
            "aht_seconds": f.settings.aht_seconds,
            "within_seconds": f.settings.within_seconds,
            "service_level": f.settings.service_level,
        },
        "hours": [
            {"start": h.start.isoformat(), "expected": h.expected, "agents": h.agents}
            for h in f.hours
        ],
    }
    return json.dumps(data, indent=2) + "\n"


def forecast_html(f: Forecast, t: Labels) -> str:
    title, *meta = _header(f, t)
    zone, days = ZoneInfo(f.zone), t.weekdays()
    labels = [
        f"{days[h.start.astimezone(zone).weekday()]} {h.start.astimezone(zone):%m-%d}"
        for h in f.hours
    ]
    chart = svg.line_chart(
        "forecast",
        t("forecast.chart"),
        [
            (t("forecast.tickets"), [h.expected for h in f.hours]),
            (t("forecast.agents"), [float(h.agents) for h in f.hours]),
        ],
        labels,
    )
    body = f"<div>{figure(t('forecast.chart'), chart)}</div>" + html_table(_section(f, t))
    return page(title, meta, body, lang=t.locale)
