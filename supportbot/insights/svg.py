"""Small inline-SVG charts (no JavaScript, no network): bars, stacked shares and a heat map.

Each chart is one `<svg>` string with `data-chart=NAME` so pages and tests can find it. Text is
HTML-escaped here; callers pass plain strings.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

PALETTE = ("#2e7d32", "#7cb342", "#f9a825", "#c62828", "#1565c0", "#6a1b9a")
_FONT = 'font-family="system-ui, sans-serif" font-size="11"'


def _open(name: str, width: int, height: int, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" data-chart="{escape(name)}" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        'style="max-width:100%;height:auto" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
    )


def _text(x: float, y: float, text: str, anchor: str = "middle", extra: str = "") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" {_FONT} {extra}>'
        f"{escape(text)}</text>"
    )


def bar_chart(
    name: str,
    title: str,
    bars: Sequence[tuple[str, float]],
    *,
    width: int = 640,
    height: int = 220,
    colors: Sequence[str] = (PALETTE[4],),
    label_every: int = 1,
    value_labels: bool = True,
    scale_to: float | None = None,
) -> str:
    """Vertical bars with category labels under them and values above them.

    Bars scale to the largest value, or to `scale_to` (100 for percentages).
    """
    top, bottom, left = 16, 34, 20
    plot_h = height - top - bottom
    peak = scale_to or max((v for _, v in bars), default=0.0) or 1.0
    slot = (width - 2 * left) / max(len(bars), 1)
    parts = [_open(name, width, height, title)]
    parts.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{width - left}" '
                 f'y2="{top + plot_h}" stroke="#999"/>')  # fmt: skip
    for i, (label, value) in enumerate(bars):
        h = plot_h * value / peak
        x = left + i * slot + slot * 0.15
        color = colors[i % len(colors)]
        parts.append(
            f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{h:.1f}" fill="{color}"><title>{escape(f"{label}: {value:g}")}</title></rect>'
        )
        center = x + slot * 0.35
        if value_labels and value:
            parts.append(_text(center, top + plot_h - h - 3, f"{value:g}"))
        if i % label_every == 0:
            parts.append(_text(center, height - bottom + 14, label))
    parts.append("</svg>")
    return "".join(parts)


def share_bar(
    name: str,
    title: str,
    parts_in: Sequence[tuple[str, float]],
    *,
    width: int = 640,
    colors: Sequence[str] = PALETTE,
) -> str:
    """One horizontal bar split into shares, with a legend underneath."""
    rows = (len(parts_in) + 1) // 2
    height, bar_h, left = 44 + 18 * rows, 28, 8
    total = sum(v for _, v in parts_in)
    out = [_open(name, width, height, title)]
    x = float(left)
    span = width - 2 * left
    if total == 0:
        out.append(f'<rect x="{left}" y="4" width="{span}" height="{bar_h}" fill="#eee"/>')
    for i, (label, value) in enumerate(parts_in):
        w = span * value / total if total else 0.0
        if w > 0:
            out.append(
                f'<rect x="{x:.1f}" y="4" width="{w:.1f}" height="{bar_h}" '
                f'fill="{colors[i % len(colors)]}"><title>{escape(label)}</title></rect>'
            )
            if w > 34:
                share = f"{100 * value / total:.0f}%"
                out.append(_text(x + w / 2, 22, share, extra='fill="#fff"'))
        x += w
    for i, (label, _value) in enumerate(parts_in):
        lx, ly = left + (i % 2) * (width / 2), 44 + 18 * (i // 2)
        out.append(f'<rect x="{lx:.1f}" y="{ly}" width="10" height="10" '
                   f'fill="{colors[i % len(colors)]}"/>')  # fmt: skip
        out.append(_text(lx + 14, ly + 9, label, anchor="start"))
    out.append("</svg>")
    return "".join(out)


def heat_map(
    name: str,
    title: str,
    grid: Sequence[Sequence[float]],
    row_labels: Sequence[str],
    *,
    cell: int = 22,
) -> str:
    """Rows × columns of cells shaded by value (hours of the week: 7 × 24)."""
    left, top = 44, 18
    cols = max((len(r) for r in grid), default=0)
    width, height = left + cols * cell + 8, top + len(grid) * cell + 8
    peak = max((v for r in grid for v in r), default=0.0) or 1.0
    out = [_open(name, width, height, title)]
    for c in range(0, cols, 3):
        out.append(_text(left + c * cell + cell / 2, top - 5, f"{c:02d}"))
    for r, row in enumerate(grid):
        y = top + r * cell
        out.append(_text(left - 6, y + cell * 0.65, row_labels[r], anchor="end"))
        for c, value in enumerate(row):
            shade = value / peak
            fill = f"rgba(198, 40, 40, {0.06 + 0.94 * shade:.2f})" if value else "#f4f4f4"
            out.append(
                f'<rect x="{left + c * cell}" y="{y}" width="{cell - 2}" height="{cell - 2}" '
                f'fill="{fill}"><title>{escape(f"{row_labels[r]} {c:02d}:00 — {value:g}")}'
                "</title></rect>"
            )
    out.append("</svg>")
    return "".join(out)


def line_chart(
    name: str,
    title: str,
    series: Sequence[tuple[str, Sequence[float]]],
    labels: Sequence[str],
    *,
    width: int = 900,
    height: int = 240,
    label_every: int = 24,
) -> str:
    """Several series over the same x axis (forecast: tickets and agents per hour)."""
    top, bottom, left = 16, 40, 30
    plot_w, plot_h = width - left - 8, height - top - bottom
    peak = max((v for _, values in series for v in values), default=0.0) or 1.0
    n = max((len(values) for _, values in series), default=1)
    step = plot_w / max(n - 1, 1)
    out = [_open(name, width, height, title)]
    out.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
               'stroke="#999"/>')  # fmt: skip
    out.append(_text(left - 4, top + 8, f"{peak:g}", anchor="end"))
    for i, label in enumerate(labels):
        if i % label_every == 0:
            out.append(_text(left + i * step, height - bottom + 14, label, anchor="start"))
    for k, (label, values) in enumerate(series):
        color = PALETTE[(k + 4) % len(PALETTE)]
        points = " ".join(
            f"{left + i * step:.1f},{top + plot_h - plot_h * v / peak:.1f}"
            for i, v in enumerate(values)
        )
        out.append(f'<polyline fill="none" stroke="{color}" stroke-width="1.5" points="{points}"/>')
        out.append(f'<rect x="{left + 10 + 130 * k}" y="{height - 14}" width="10" height="10" '
                   f'fill="{color}"/>')  # fmt: skip
        out.append(_text(left + 24 + 130 * k, height - 5, label, anchor="start"))
    out.append("</svg>")
    return "".join(out)
