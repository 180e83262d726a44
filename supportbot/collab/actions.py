"""Workflow actions of the collaboration features (filled in by the collaboration work)."""

from __future__ import annotations

from typing import Any


def register(registry: Any) -> None:
    """Register request_approval, handoff, sla clocks, csat_poll and shoutout."""
