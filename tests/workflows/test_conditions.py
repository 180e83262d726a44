"""Conditions on their own: a snapshot and a happening in, true or false out."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from supportbot.config import Config
from supportbot.happenings import Happening
from supportbot.plugins import installed_registry
from supportbot.tickets.view import PersonView, TicketView
from supportbot.workflows.compose import ConditionCompiler
from supportbot.workflows.facts import Facts
from supportbot.workflows.refs import References
from supportbot.yamldoc import Document

MONDAY_10 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def ticket(**changes: Any) -> TicketView:
    base = TicketView(
        number=7,
        subject="Help",
        body="",
        status="new",
        priority="P3",
        category=None,
        team="tier1",
        tags=(),
        kind="customer",
        locale="en",
        requester=PersonView("slack:U1", "Casey", "en", "acme", "enterprise"),
        assignee=None,
        origin_platform="slack",
        origin_channel="C0ACMESHARED",
        origin_thread=None,
        origin_message="1.2",
        created_at=MONDAY_10 - timedelta(hours=3),
        updated_at=MONDAY_10,
        first_response_at=None,
        resolved_at=None,
        waiting_since=None,
        paused_seconds=0,
        reopen_count=0,
    )
    return replace(base, **changes)


def holds(
    condition: Any,
    config: Config,
    *,
    t: TicketView | None = None,
    trigger: str = "ticket.created",
    actor: str | None = None,
    data: dict[str, Any] | None = None,
    now: datetime = MONDAY_10,
) -> bool:
    compiler = ConditionCompiler(
        installed_registry(), References(config, frozenset()), Document("t", None)
    )
    predicate = compiler.compile(condition, ("if",))
    assert compiler.problems == [], compiler.problems
    happening = Happening(trigger, 7, actor, data or {})
    return predicate(Facts.build(happening, t if t is not None else ticket(), config, now))


@pytest.mark.parametrize(
    ("text", "condition", "expected"),
    [
        ("至急対応お願いします", {"text.contains": "至急"}, True),  # no spaces between words
        ("本番環境がダウンしています", {"text.contains_any": ["障害", "ダウン"]}, True),
        ("請求書について", {"text.contains_any": ["返金", "支払"]}, False),
        ("ＵＲＧＥＮＴ please", {"text.contains": "urgent"}, True),  # NFKC + casefold
        ("ｶﾞｲﾄﾞ", {"text.contains": "ガイド"}, True),  # half-width kana
        ("URGENT", {"text.contains": {"value": "urgent", "case_sensitive": True}}, False),
        ("Our site is DOWN", {"text.contains": ["site", "down"]}, True),  # all of them
        ("Our site is up", {"text.contains": ["site", "down"]}, False),
        ("エラー 503 が出ます", {"text.matches": "エラー\\s*5\\d\\d"}, True),
        ("Outage!", {"text.matches": "outage"}, True),  # case-insensitive by default
        ("Outage!", {"text.matches": {"pattern": "outage", "case_sensitive": True}}, False),
        ("ログインできない", {"text.matches": "ログイン(でき|出来)ない"}, True),
    ],
)
def test_text_conditions_match_substrings_in_any_language(
    config: Config, text: str, condition: dict[str, Any], expected: bool
) -> None:
    assert holds(condition, config, t=ticket(subject=text)) is expected


def test_message_text_is_used_for_message_events(config: Config) -> None:
    data = {"text": "もう一度確認してください"}
    assert holds({"text.contains": "確認"}, config, trigger="message.received", data=data)
    assert not holds({"text.contains": "Help"}, config, trigger="message.received", data=data)


def test_ticket_field_conditions(config: Config) -> None:
    t = ticket(
        priority="P1",
        category="billing",
        team="billing",
        tags=("vip", "ja"),
        status="assigned",
        assignee=PersonView("ben", "Ben"),
    )
    assert holds({"priority": "P1", "category": "billing", "team": "billing"}, config, t=t)
    assert holds({"priority": ["P1", "P2"], "status": "assigned", "assigned": True}, config, t=t)
    assert holds({"tags": "vip"}, config, t=t) and holds({"tags": ["vip", "ja"]}, config, t=t)
    assert not holds({"tags": ["vip", "urgent"]}, config, t=t)
    assert not holds({"category": "outage"}, config, t=t)
    assert holds({"requester.organization": "acme", "requester.tier": "enterprise"}, config)
    assert not holds({"requester.tier": ["standard", "premium"]}, config)


def test_source_platform_and_channel(config: Config) -> None:
    assert holds({"source.platform": "slack", "source.channel": "C0ACMESHARED"}, config)
    assert not holds({"source.platform": ["teams", "playground"]}, config)
    data = {"platform": "teams", "channel": "19:x"}
    assert holds({"source.platform": "teams", "source.channel": "19:x"}, config, data=data)


def test_business_hours_use_the_zone_days_and_holidays(make_config: Any) -> None:
    tokyo = make_config(business_hours={"timezone": "Asia/Tokyo", "holidays": [date(2026, 3, 3)]})
    monday_noon_tokyo = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
    assert holds({"business_hours": True}, tokyo, now=monday_noon_tokyo)
    assert holds({"business_hours": False}, tokyo, now=MONDAY_10)  # 19:00 in Tokyo
    assert holds({"business_hours": False}, tokyo, now=monday_noon_tokyo + timedelta(days=1))
    assert holds({"business_hours": False}, tokyo, now=monday_noon_tokyo + timedelta(days=5))


def test_ticket_age(config: Config) -> None:
    assert holds({"ticket.age": {"gt": "2h"}}, config)
    assert not holds({"ticket.age": {"gt": "2h", "lt": "150m"}}, config)
    assert holds({"ticket.age": {"gte": "3h", "lte": "3h"}}, config)


def test_csat_score(config: Config) -> None:
    assert holds({"csat.score": 5}, config, trigger="csat.received", data={"score": 5})
    assert holds({"csat.score": {"lt": 3}}, config, trigger="csat.received", data={"score": 2})
    assert not holds({"csat.score": {"lt": 3}}, config, trigger="csat.received", data={"score": 3})
    assert not holds({"csat.score": {"lt": 3}}, config, trigger="csat.received", data={})


def test_actor_role(config: Config) -> None:
    assert holds({"actor.role": "lead"}, config, actor="lena")
    assert holds({"actor.role": ["admin", "agent"]}, config, actor="ben")
    assert not holds({"actor.role": "lead"}, config, actor="ben")
    assert holds({"actor.role": "customer"}, config, actor="slack:U1")
    assert not holds({"actor.role": "customer"}, config, actor="ben")


def test_all_any_not_compose(config: Config) -> None:
    t = ticket(subject="invoice overdue", priority="P2")
    assert holds({"any": [{"priority": "P1"}, {"text.contains": "invoice"}]}, config, t=t)
    assert not holds({"all": [{"priority": "P1"}, {"text.contains": "invoice"}]}, config, t=t)
    assert holds({"not": {"priority": "P1"}}, config, t=t)
    assert holds(
        [{"priority": "P2"}, {"not": {"any": [{"tags": "x"}, {"team": "tier2"}]}}], config, t=t
    )
    assert holds(None, config)  # no `if:` always holds


def test_conditions_on_ticket_fields_are_false_without_a_ticket(config: Config) -> None:
    compiler = ConditionCompiler(installed_registry(), None, Document("t", None))
    predicate = compiler.compile({"priority": "P1"}, ())
    assert not predicate(Facts.build(Happening("schedule"), None, config, MONDAY_10))
    predicate = compiler.compile({"not": {"priority": "P1"}}, ())
    assert predicate(Facts.build(Happening("schedule"), None, config, MONDAY_10))


def test_csat_comments_are_the_text_of_csat_events(config: Config) -> None:
    data = {"score": 2, "comment": "返信が遅すぎます"}
    assert holds({"text.contains": "遅"}, config, trigger="csat.received", data=data)
    assert not holds({"text.contains": "Help"}, config, trigger="csat.received", data=data)
