"""The report as ONE self-contained HTML file: inline CSS and inline SVG charts, no scripts."""

from __future__ import annotations

from html import escape

from supportbot.insights import svg
from supportbot.insights.labels import Labels
from supportbot.insights.model import BAND_NAMES, Metrics
from supportbot.insights.render_text import header_lines
from supportbot.insights.sections import Section, report_sections

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","Hiragino Sans",sans-serif;margin:24px;
color:#222;max-width:1100px}
h1{font-size:22px;margin-bottom:4px} h2{font-size:16px;margin:28px 0 8px}
.meta{color:#666;margin:2px 0}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(460px,1fr));gap:18px}
figure{margin:0;border:1px solid #e3e3e3;border-radius:6px;padding:10px;overflow-x:auto}
figcaption{font-weight:600;margin-bottom:6px}
table{border-collapse:collapse;font-size:13px} td,th{padding:3px 10px;border-bottom:1px solid #eee}
th{text-align:left;background:#fafafa} td.n{text-align:right;font-variant-numeric:tabular-nums}
.note{color:#666;font-size:12px}
"""


def page(title: str, meta: list[str], body: str, *, lang: str) -> str:
    """One HTML document; `lang` lets browsers and screen readers pick Japanese fonts and voice."""
    metas = "".join(f'<p class="meta">{escape(line)}</p>' for line in meta)
    return (
        f'<!doctype html><html lang="{escape(lang)}"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head>"
        f"<body><h1>{escape(title)}</h1>{metas}{body}</body></html>\n"
    )


def html_table(section: Section) -> str:
    head = "".join(f"<th>{escape(c)}</th>" for c in section.columns)
    rows = "".join(
        "<tr>"
        + "".join(f"<td{' class=n' if i else ''}>{escape(cell)}</td>" for i, cell in enumerate(row))
        + "</tr>"
        for row in section.rows
    )
    note = f'<p class="note">{escape(section.note)}</p>' if section.note else ""
    return (
        f'<section id="{section.key}"><h2>{escape(section.title)}</h2>'
        f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>{note}</section>"
    )


def figure(caption: str, chart: str) -> str:
    return f"<figure><figcaption>{escape(caption)}</figcaption>{chart}</figure>"


def charts(m: Metrics, t: Labels) -> str:
    days = [(d.strftime("%m-%d"), float(n)) for d, n in m.daily]
    every = max(1, len(days) // 14)
    bands = [
        (t(f"band.{name}"), float(n)) for name, n in zip(BAND_NAMES, m.bands.counts, strict=True)
    ]
    scores = [(str(i + 1), float(n)) for i, n in enumerate(m.csat.distribution)]
    sla = [
        (t(f"sla.{c.clock}"), round(100 * (c.compliance or 0.0), 1))
        for c in (m.sla.first_response, m.sla.resolution)
    ]
    figures = [
        figure(t("chart.volume"), svg.bar_chart(
            "volume", t("chart.volume"), days, label_every=every, value_labels=len(days) <= 31)),
        figure(t("chart.bands"), svg.share_bar("bands", t("chart.bands"), bands)),
        figure(t("chart.csat"), svg.bar_chart(
            "csat", t("chart.csat"), scores, width=420, colors=(*svg.PALETTE[3::-1], "#1b5e20"))),
        figure(t("chart.sla") + " (%)", svg.bar_chart(
            "sla", t("chart.sla"), sla, width=420, colors=(svg.PALETTE[0], svg.PALETTE[4]),
            scale_to=100)),
        figure(t("chart.heat"), svg.heat_map("heat", t("chart.heat"), m.week_heat, t.weekdays())),
    ]  # fmt: skip
    return f'<div class="charts">{"".join(figures)}</div>'


def render_html(m: Metrics, t: Labels, desk: str) -> str:
    title, *meta = header_lines(m, t, desk)
    tables = "".join(html_table(s) for s in report_sections(m, t))
    return page(title, meta, charts(m, t) + tables, lang=t.locale)
