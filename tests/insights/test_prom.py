"""DeskMetrics: its own registry, the series it exposes, and the text format."""

from __future__ import annotations

from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from supportbot.insights.prom import DeskMetrics


def samples(metrics: DeskMetrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out = {}
    for family in text_string_to_metric_families(metrics.render().decode()):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def test_observations_show_in_the_exposition() -> None:
    m = DeskMetrics()
    m.observe_ticket_created(platform="slack", team="tier1")
    m.observe_ticket_created(platform="slack", team="tier1")
    m.observe_ticket_created("teams", "tier2")  # positional, as the desk calls it
    m.observe_first_response(45, team="tier1")
    m.observe_first_response(400, team="tier1")
    m.observe_resolution(7200, team="tier1")
    m.observe_csat(5, team="tier1")
    m.observe_sla_breach(clock="first_response", priority="P1")
    m.observe_event_latency(0.02, adapter="slack")
    got = samples(m)
    assert (
        got[("supportbot_tickets_created_total", (("platform", "slack"), ("team", "tier1")))] == 2
    )
    assert (
        got[("supportbot_tickets_created_total", (("platform", "teams"), ("team", "tier2")))] == 1
    )
    fr = (("le", "60.0"), ("team", "tier1"))
    assert got[("supportbot_first_response_seconds_bucket", fr)] == 1
    assert got[("supportbot_first_response_seconds_count", (("team", "tier1"),))] == 2
    assert got[("supportbot_first_response_seconds_sum", (("team", "tier1"),))] == 445
    assert got[("supportbot_resolution_seconds_count", (("team", "tier1"),))] == 1
    assert got[("supportbot_csat_score_sum", (("team", "tier1"),))] == 5
    breach = (("clock", "first_response"), ("priority", "P1"))
    assert got[("supportbot_sla_breaches_total", breach)] == 1
    assert got[("supportbot_event_processing_seconds_count", (("adapter", "slack"),))] == 1
    assert m.content_type.startswith("text/plain")


def test_each_desk_has_its_own_registry() -> None:
    a, b = DeskMetrics(), DeskMetrics()  # no "Duplicated timeseries" error
    a.observe_ticket_created(platform="slack", team="t")
    assert b"supportbot_tickets_created_total{" not in b.render()
    assert b"supportbot_tickets_created" not in generate_global()


def generate_global() -> bytes:
    from prometheus_client import generate_latest

    return generate_latest(REGISTRY)
