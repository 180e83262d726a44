"""The replay report as terminal text, as Markdown (a pull-request comment), or as JSON."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from supportbot.insights.render_text import width
from supportbot.insights.sections import Section
from supportbot.workflows.replay.fidelity import ChangeKey, FidelityCheck
from supportbot.workflows.replay.sections import Report, Words, header, sections
from supportbot.workflows.replay.state import Pool
from supportbot.workflows.replay.summary import Totals, Value

FORMATS = ("text", "markdown", "json")


def render(report: Report, words: Words, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(to_data(report), ensure_ascii=False, indent=2) + "\n"
    if fmt == "markdown":
        return markdown(report, words)
    parts = ["\n".join(header(report, words)), *(text_table(s) for s in sections(report, words))]
    return "\n\n".join(parts) + "\n"


# -- text --------------------------------------------------------------------------------------
def text_table(section: Section) -> str:
    """Columns padded to their widest cell (CJK counts double); figures right-aligned."""
    lines = [f"== {section.title} =="]
    if section.rows:
        rows = [section.columns, *section.rows]
        sizes = [max(width(r[i]) for r in rows) for i in range(len(section.columns))]
        right = [i > 0 and _numeric(section, i) for i in range(len(sizes))]
        for n, row in enumerate(rows):
            cells = [_pad(cell, sizes[i], right[i]) for i, cell in enumerate(row)]
            lines.append("  ".join(cells).rstrip())
            if n == 0:
                lines.append("  ".join("-" * size for size in sizes))
    if section.note:
        lines.append(section.note)
    return "\n".join(lines)


def _pad(text: str, size: int, right: bool) -> str:
    gap = " " * (size - width(text))
    return gap + text if right else text + gap


# -- Markdown ----------------------------------------------------------------------------------
def markdown(report: Report, words: Words) -> str:
    title, *lines = header(report, words)
    parts = [f"### {_md(title)}", "\n".join(f"{_md(line)}  " for line in lines).rstrip()]
    parts += [markdown_table(s) for s in sections(report, words)]
    return "\n\n".join(parts) + "\n"


def markdown_table(section: Section) -> str:
    lines = [f"**{_md(section.title)}**", ""]
    if section.rows:
        align = ["---"] + [
            "--:" if _numeric(section, i) else "---" for i in range(1, len(section.columns))
        ]
        lines += [_row(section.columns), _row(tuple(align), escape=False)]
        lines += [_row(row) for row in section.rows]
    if section.note:
        lines += ["", _md(section.note)]
    return "\n".join(lines)


def _numeric(section: Section, column: int) -> bool:
    cells = [row[column] for row in section.rows if row[column]]
    return bool(cells) and all(c.lstrip("+-").replace(",", "").isdigit() or c == "—" for c in cells)


def _row(cells: tuple[str, ...], *, escape: bool = True) -> str:
    return "| " + " | ".join(_md(c) if escape else c for c in cells) + " |"


def _md(text: str) -> str:
    """Literal text in a GitHub comment: no table breaks, no emphasis, no mentions."""
    for ch in "\\|*_`<>[]#@":
        text = text.replace(ch, "\\" + ch)
    return text.strip()


# -- JSON --------------------------------------------------------------------------------------
def to_data(report: Report) -> dict[str, Any]:
    """Everything, for scripts; against the trail, what only a replay counts is `None`."""
    c = report.comparison
    files = c.baseline_kind == "files"
    return {
        "since": c.since.isoformat(),
        "now": c.now.isoformat(),
        "baseline": {"kind": c.baseline_kind, "label": c.baseline_label},
        "tickets": c.candidate.tickets,
        "workflows": {
            name: {
                "fired": c.candidate.fired[name],
                "was": c.baseline.fired[name] if files else None,
            }
            for name in report.workflows
        },
        "changed": [
            {
                "ticket": d.number,
                "subject": d.subject,
                "changes": [
                    {"field": ch.field, "before": _plain(ch.before), "after": _plain(ch.after)}
                    for ch in d.changes
                ],
            }
            for d in c.changed
        ],
        "effects": {
            "now": _totals(c.candidate),
            "was": _totals(c.baseline) if files else {"p1_first_response": dict(c.baseline.p1)},
        },
        "differs": c.differs,
        "fidelity": _fidelity(report.fidelity),
    }


def _plain(value: Value) -> Any:
    if isinstance(value, Pool):
        return {"pool": value.team, "strategy": value.strategy}
    return list(value) if isinstance(value, tuple) else value


def _totals(t: Totals) -> dict[str, Any]:
    return {
        "messages": t.messages,
        "handoffs": t.handoffs,
        "approvals": t.approvals,
        "would_ask": dict(t.asks),
        "would_call": dict(t.calls),
        "failed": dict(t.failed),
        "unsimulated": dict(t.unsimulated),
        "p1_first_response": dict(Counter(t.p1)),
    }


def _fidelity(f: FidelityCheck | None) -> dict[str, Any] | None:
    if f is None:
        return None
    return {
        "reproduced": f.reproduced,
        "mismatches": [
            {
                "ticket": m.number,
                "missing": [_key(k) for k in m.missing],
                "extra": [_key(k) for k in m.extra],
            }
            for m in f.mismatches
        ],
        "not_comparable": [
            {"ticket": n, "reason": reason, "at": at.isoformat()}
            for n, reason, at in f.not_comparable
        ],
    }


def _key(key: ChangeKey) -> dict[str, Any]:
    workflow, kind, value = key
    return {"workflow": workflow, "kind": kind, "value": _plain(value)}
