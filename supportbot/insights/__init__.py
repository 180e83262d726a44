"""Insights: report metrics, charts, staffing forecast, spike detection and Prometheus metrics.

Everything here only reads the database (except `seed`, which writes a demo history).
"""

from __future__ import annotations

from supportbot.insights.build import compute_metrics
from supportbot.insights.feature import attach
from supportbot.insights.model import Metrics
from supportbot.insights.period import Filters, Period
from supportbot.insights.spikes import Spike, detect_spikes
from supportbot.insights.stats import digest_message, stats_message

__all__ = [
    "Filters",
    "Metrics",
    "Period",
    "Spike",
    "attach",
    "compute_metrics",
    "detect_spikes",
    "digest_message",
    "stats_message",
]
