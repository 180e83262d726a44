"""What the pipeline benchmark measured for one server, and the Markdown table it prints."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

BASELINE = "bare slack-bolt"


@dataclass(frozen=True, slots=True)
class Figures:
    name: str
    e2e_rate: float  # events/s, closed loop
    e2e_lost: int
    cpu_per_event: float  # seconds of the server process's CPU per event, closed loop
    ack_p50: float  # seconds, open loop
    ack_p99: float
    refused: int
    cards_per_second: float
    lag: float | None  # seconds from the last event to the last card; None: some never came
    missing: int
    peak_rss: int  # bytes
    anonymous: int = 0  # bytes at the end: the process's own memory
    file_backed: int = 0  # bytes at the end: code and memory-mapped files (shared)


@dataclass(frozen=True, slots=True)
class Goals:
    """The issue's targets for supportbot after the event-pipeline rewrite."""

    e2e_share_sqlite: float = 0.50
    e2e_share_postgresql: float = 0.35
    ack_p99: float = 0.010
    lag: float = 2.0
    peak_rss: int = 150 * 2**20

    def misses(self, f: Figures, baseline: Figures | None) -> list[str]:
        share = self.e2e_share_postgresql if "PostgreSQL" in f.name else self.e2e_share_sqlite
        missed = []
        if baseline is not None and f.e2e_rate < share * baseline.e2e_rate:
            missed.append(f"end to end < {share:.0%} of bolt")
        if f.ack_p99 > self.ack_p99 or f.refused:
            missed.append(f"ack p99 > {self.ack_p99 * 1000:.0f} ms")
        if f.lag is None or f.lag > self.lag:
            missed.append(f"cards > {self.lag:.0f} s after the last event")
        if f.peak_rss >= self.peak_rss:
            missed.append(f"RSS ≥ {self.peak_rss // 2**20} MB")
        return missed


def _share(value: float, base: float | None) -> str:
    if base is None or base <= 0 or math.isnan(value):
        return ""
    return f" ({value / base:.0%} of bolt)"


def _rate(value: float) -> str:
    return f"{value:,.0f}/s" if value >= 10 else f"{value:.1f}/s"


def _cells(f: Figures, base: Figures | None, goals: Goals) -> list[str]:
    b = None if base is None or base is f else base
    lost = f", {f.e2e_lost} lost" if f.e2e_lost else ""
    refused = f" ({f.refused} not 200)" if f.refused else ""
    lag = (  # acknowledged, so stored: the desk works them off later, the run stops waiting
        f"{f.lag:.1f} s"
        if f.lag is not None
        else f"past the drain limit: {f.missing:,} acknowledged events without a card yet"
    )
    verdict = "—" if f.name == BASELINE else ("; ".join(goals.misses(f, b)) or "all met")
    return [
        f"{_rate(f.e2e_rate)}{_share(f.e2e_rate, b.e2e_rate if b else None)}{lost}",
        f"{f.cpu_per_event * 1000:.1f} ms",
        f"{f.ack_p50 * 1000:.1f} / {f.ack_p99 * 1000:.1f} ms{refused}",
        f"{_rate(f.cards_per_second)}"
        f"{_share(f.cards_per_second, b.cards_per_second if b else None)}",
        lag,
        f"{f.peak_rss / 2**20:.0f} MB",
        f"{f.anonymous / 2**20:.0f} MB / {f.file_backed / 2**20:.0f} MB",
        verdict,
    ]


def table(results: Sequence[Figures], in_flight: int, rate: float, goals: Goals) -> str:
    base = next((f for f in results if f.name == BASELINE), None)
    rows = [
        f"end to end, {in_flight} in flight (event → ticket → card posted)",
        "end to end: CPU of the server process per event (not PostgreSQL's)",
        f"open loop at {rate:.0f} events/s: ack p50 / p99",
        f"open loop at {rate:.0f} events/s: cards per second",
        f"open loop at {rate:.0f} events/s: last card after the last event",
        "peak RSS of the server process",
        "at the end: its own memory / file-backed pages (code, mapped dictionary; shared)",
        "targets (≥ 50 % / 35 % of bolt, p99 ≤ 10 ms, ≤ 2 s, < 150 MB)",
    ]
    columns = [_cells(f, base, goals) for f in results]
    lines = [
        "| | " + " | ".join(f.name for f in results) + " |",
        "|---" * (len(results) + 1) + "|",
    ]
    for i, label in enumerate(rows):
        lines.append(f"| {label} | " + " | ".join(c[i] for c in columns) + " |")
    return "\n".join(lines)
