"""Prometheus metrics of the desk, on a registry of its own (never the process-global one).

One `DeskMetrics` per running desk; the server renders it on `GET /metrics`. Owning the
registry keeps tests and several desks in one process from colliding on metric names.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4

from supportbot.happenings import Happening
from supportbot.tickets.view import TicketView

# Seconds: first responses live in minutes, resolutions in hours to days.
FIRST_RESPONSE_BUCKETS = (30, 60, 120, 300, 600, 1800, 3600, 4 * 3600, 24 * 3600)
RESOLUTION_BUCKETS = (600, 3600, 4 * 3600, 8 * 3600, 24 * 3600, 3 * 86400, 7 * 86400)
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class DeskMetrics:
    """Counters and histograms the desk updates as things happen."""

    content_type = CONTENT_TYPE_PLAIN_0_0_4

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.tickets_created = Counter(
            "supportbot_tickets_created", "Tickets created", ["platform", "team"], registry=r
        )
        self.first_response = Histogram(
            "supportbot_first_response_seconds", "Time from a ticket's creation to the first "
            "agent reply", ["team"], buckets=FIRST_RESPONSE_BUCKETS, registry=r,
        )  # fmt: skip
        self.resolution = Histogram(
            "supportbot_resolution_seconds", "Time from creation to resolution", ["team"],
            buckets=RESOLUTION_BUCKETS, registry=r,
        )  # fmt: skip
        self.csat = Histogram(
            "supportbot_csat_score", "CSAT answers (1-5)", ["team"],
            buckets=(1, 2, 3, 4, 5), registry=r,
        )  # fmt: skip
        self.sla_breaches = Counter(
            "supportbot_sla_breaches", "SLA breaches", ["clock", "priority"], registry=r
        )
        self.event_latency = Histogram(
            "supportbot_event_processing_seconds", "Time to process one inbound event",
            ["adapter"], buckets=LATENCY_BUCKETS, registry=r,
        )  # fmt: skip

        self.inbox_depth = Gauge(
            "supportbot_inbox_depth", "Events stored and not yet run", registry=r
        )
        self.inbox_lag = Gauge(
            "supportbot_inbox_oldest_pending_seconds", "Age of the oldest event not yet run",
            registry=r,
        )  # fmt: skip
        self.outbox_depth = Gauge(
            "supportbot_outbox_depth", "Messages waiting in the outbox", registry=r
        )

    def observe_pipeline(self, *, inbox: int, lag: float, outbox: int) -> None:
        self.inbox_depth.set(inbox)
        self.inbox_lag.set(max(0.0, lag))
        self.outbox_depth.set(outbox)

    def observe_happening(self, h: Happening, t: TicketView) -> None:
        """What a committed turn did to ticket `t` (its state at the end of the turn)."""
        if h.trigger == "ticket.created":
            self.observe_ticket_created(platform=t.origin_platform, team=t.team)
        elif h.trigger == "ticket.resolved" and t.resolved_at:
            self.observe_resolution((t.resolved_at - t.created_at).total_seconds(), team=t.team)
        elif h.data.get("first_response") and t.first_response_at:
            seconds = (t.first_response_at - t.created_at).total_seconds()
            self.observe_first_response(seconds, team=t.team)
        elif h.trigger == "csat.received" and isinstance(h.data.get("score"), int):
            self.observe_csat(h.data["score"], team=t.team)

    def observe_ticket_created(self, platform: str, team: str) -> None:
        self.tickets_created.labels(platform=platform, team=team).inc()

    def observe_first_response(self, seconds: float, team: str = "") -> None:
        self.first_response.labels(team=team).observe(max(0.0, seconds))

    def observe_resolution(self, seconds: float, team: str = "") -> None:
        self.resolution.labels(team=team).observe(max(0.0, seconds))

    def observe_csat(self, score: int, team: str = "") -> None:
        self.csat.labels(team=team).observe(score)

    def observe_sla_breach(self, clock: str, priority: str = "") -> None:
        self.sla_breaches.labels(clock=clock, priority=priority).inc()

    def observe_event_latency(self, seconds: float, adapter: str) -> None:
        self.event_latency.labels(adapter=adapter).observe(max(0.0, seconds))

    def render(self) -> bytes:
        """The Prometheus text exposition format (serve with `content_type`)."""
        return generate_latest(self.registry)
