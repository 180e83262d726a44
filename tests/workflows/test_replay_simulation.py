"""The replay's pieces that must agree with the live desk: facts, SLA clocks, first states,
and the record of which workflow files were live when."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from supportbot.collab import clocks
from supportbot.happenings import Happening
from supportbot.tickets.view import PersonView, TicketView
from supportbot.workflows.facts import Facts
from supportbot.workflows.replay.clocks import ReplayClocks
from supportbot.workflows.replay.facts import FactsBuilder
from supportbot.workflows.replay.fidelity import Timeline, content_key
from supportbot.workflows.replay.history import Recorded, TicketHistory

from ..conftest import make_test_config

MONDAY = datetime(2026, 3, 2, 0, 30, tzinfo=UTC)  # 09:30 in Tokyo
TOKYO = {"timezone": "Asia/Tokyo", "holidays": ["2026-03-04"]}


def ticket(**changes: Any) -> TicketView:
    base = TicketView(
        number=7, subject="ＵＲＧＥＮＴ: サーバー障害", body="The API is down\nsince noon",
        status="new", priority="P3", category=None, team="tier1", tags=(), kind="customer",
        locale="ja", requester=PersonView("slack:U1", "Kei", "ja", "acme", "enterprise"),
        assignee=None, origin_platform="slack", origin_channel="C1", origin_thread=None,
        origin_message=None, created_at=MONDAY, updated_at=MONDAY, first_response_at=None,
        resolved_at=None, waiting_since=None, paused_seconds=0, reopen_count=0,
    )  # fmt: skip
    return replace(base, **changes)


@pytest.mark.parametrize("zone", [{}, TOKYO])
def test_replayed_facts_are_the_engines_facts(zone: dict[str, Any]) -> None:
    config = make_test_config(business_hours=zone) if zone else make_test_config()
    builder = FactsBuilder(config)
    happenings = [
        Happening("ticket.created", 7, "slack:U1", {"text": "ignored: created reads the ticket"}),
        Happening("message.received", 7, "slack:U1", {"text": "ｶﾀｶﾅ and ＦＵＬＬ width"}),
        Happening("csat.received", 7, None, {"score": 2, "comment": "Too SLOW"}),
        Happening("csat.received", 7, None, {"score": 5, "comment": None}),
        Happening("ticket.updated", 7, "ben", {"change": "note", "text": "internal"}),
    ]
    moments = [MONDAY + timedelta(hours=h) for h in (0, 8, 9, 30, 50, 120)]  # incl. a holiday
    for happening in happenings:
        for now in moments:
            expected = Facts.build(happening, ticket(), config, now)
            assert builder.build(happening, ticket(), now) == expected


def _random_ticket(rng: random.Random) -> tuple[TicketView, list[clocks.Pause]]:
    created = MONDAY + timedelta(minutes=rng.randrange(0, 14 * 24 * 60))
    answered = created + timedelta(minutes=rng.randrange(1, 600)) if rng.random() < 0.4 else None
    view = ticket(
        created_at=created,
        priority=rng.choice(["P1", "P2", "P3", "P4"]),
        requester=PersonView("c", "C", tier=rng.choice([None, "enterprise", "standard"])),
        first_response_at=answered,
        status=rng.choice(["new", "assigned", "waiting", "resolved"]),
    )
    pauses: list[clocks.Pause] = []
    at = created
    for _ in range(rng.randrange(0, 4)):
        begins = at + timedelta(minutes=rng.randrange(0, 3000))
        ends = begins + timedelta(minutes=rng.randrange(1, 3000))
        pauses.append((begins, None if rng.random() < 0.2 else ends))
        at = ends
    return view, pauses


@pytest.mark.parametrize("business", [True, False])
def test_replay_clocks_give_the_deadlines_the_desk_gives(business: bool) -> None:
    config = make_test_config(
        business_hours=TOKYO,
        sla={**make_test_config().sla.model_dump(), "business_hours": business},
    )
    ours, rng = ReplayClocks(config), random.Random(15)
    for _ in range(400):
        view, pauses = _random_ticket(rng)
        assert ours.deadlines(view, pauses) == clocks.deadlines(view, config, pauses)


def row(what: str, source: str = "slack", **data: Any) -> Recorded:
    return Recorded(MONDAY, what, source, None, data)


def test_the_first_state_is_read_back_from_the_trail() -> None:
    now = ticket(priority="P1", team="tier2", category="outage", tags=("urgent", "vip"))
    history = TicketHistory(
        now,
        (
            row("created", kind="customer"),
            row("priority_changed", **{"from": "P3", "to": "P2"}),
            row("priority_changed", "workflow:w", **{"from": "P2", "to": "P1"}),
            row("routed", "workflow:w", **{"from": "tier1", "to": "tier2"}),
            row("category_changed", "workflow:w", **{"from": None, "to": "outage"}),
            row("tagged", "workflow:w", tags=["urgent"]),
        ),
    )
    first = history.first_state()
    assert (first.priority, first.team, first.category, first.tags) == (
        "P3", "tier1", None, frozenset({"vip"})  # vip came with the ticket (intake tags)
    )  # fmt: skip
    said = TicketHistory(now, (row("created", priority="P2", team="billing", tags=[]),))
    assert said.first_state().priority == "P2"  # a created row that says so wins
    assert said.first_state().tags == frozenset()


def test_the_version_record_says_why_a_ticket_cannot_be_compared() -> None:
    v1 = {"workflows/10-triage.yaml": "a", "workflows/20-sla.yaml": "b"}
    v2 = {"workflows/10-triage.yaml": "a2", "workflows/20-sla.yaml": "b"}
    same_elsewhere = {
        "/srv/desk/workflows/20-sla.yaml": "b",
        "/srv/desk/workflows/10-triage.yaml": "a",
    }
    day = timedelta(days=1)
    timeline = Timeline.of([(MONDAY, v1), (MONDAY + day, same_elsewhere), (MONDAY + 3 * day, v2)])
    live = content_key(v1)
    assert content_key(same_elsewhere) == live  # the same files, loaded from another folder
    assert timeline.verdict(MONDAY - day, MONDAY, live) == ("unrecorded", MONDAY - day)
    assert timeline.verdict(MONDAY, MONDAY + 2 * day, live) is None  # a restart is no change
    assert timeline.verdict(MONDAY + 2 * day, MONDAY + 4 * day, live) == (
        "changed", MONDAY + 3 * day
    )  # fmt: skip
    assert timeline.verdict(MONDAY + 4 * day, MONDAY + 5 * day, live) == (
        "other", MONDAY + 3 * day
    )  # fmt: skip
    assert timeline.verdict(MONDAY + 4 * day, MONDAY + 5 * day, content_key(v2)) is None
