"""The report's self-service figures on SQLite and PostgreSQL: the rate split into confirmed and
assumed, each article's helpfulness, searches with no good article, and what became of drafts.
The history is written through the ticket service, as the knowledge feature writes it."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from supportbot.clock import FrozenClock
from supportbot.config import Config
from supportbot.errors import NotAllowedError
from supportbot.insights import render_text
from supportbot.insights.build import compute_metrics
from supportbot.insights.labels import Labels
from supportbot.insights.period import Period
from supportbot.insights.self_service import self_service
from supportbot.store.db import Database
from supportbot.tickets import TicketService
from tests.conftest import NOW, ticket_service
from tests.tickets.support import CUSTOMER, add_customer, open_ticket

PERIOD = Period(NOW - timedelta(days=7), NOW + timedelta(days=1))


def shown(*ids: str) -> dict[str, object]:
    return {"articles": [{"id": i, "locale": "en", "score": 0.5} for i in ids], "locale": "en"}


async def history(tickets: TicketService, customer: str) -> None:
    """5 tickets shown articles: 2 solved by the button, 1 assumed, 2 declined (one reason
    each); 1 ticket and 2 searches (the same words, written differently) without an article;
    3 drafts: sent, edited, dismissed."""
    numbers = [await open_ticket(tickets, customer, text=f"question {n}") for n in range(6)]
    cards = [shown("export-csv", "password-reset"), shown("export-csv"), shown("export-csv"),
             shown("password-reset"), shown("export-csv")]  # fmt: skip
    for number, data in zip(numbers, cards, strict=False):
        await tickets.record_event(ticket_id=number, kind="kb.suggested", data=data, source="t")
    for number, ids in (
        (numbers[0], ["export-csv", "password-reset"]),
        (numbers[1], ["export-csv"]),
    ):
        await tickets.resolve_self_served(
            ticket_id=number, actor=customer, articles=ids, source="slack"
        )
    await tickets.record_event(
        ticket_id=numbers[2], kind="kb.assumed", data={"articles": ["export-csv"]}, source="t"
    )
    for number, ids, reason in (
        (numbers[3], ["password-reset"], "not_related"),
        (numbers[4], ["export-csv"], "not_answered"),
    ):
        await tickets.record_event(
            ticket_id=number, kind="kb.declined", data={"articles": ids}, source="t"
        )
        await tickets.record_event(
            ticket_id=number, kind="kb.feedback", data={"reason": reason, "articles": ids},
            source="t",
        )  # fmt: skip
    for query in ("Fax the invoice", "fax  the INVOICE"):
        await tickets.record_event(
            ticket_id=None, kind="kb.unanswered", data={"query": query}, source="t"
        )
    await tickets.record_event(
        ticket_id=numbers[5], kind="kb.unanswered", data={"query": "question 5"}, source="t"
    )
    for number, outcome in zip(numbers, ("sent", "edited", "dismissed"), strict=False):
        await tickets.record_event(ticket_id=number, kind="kb.drafted", data={}, source="t")
        await tickets.record_event(
            ticket_id=number, kind="kb.draft", data={"outcome": outcome}, source="t"
        )


async def test_self_service_figures(db: Database, config: Config, clock: FrozenClock) -> None:
    tickets = await ticket_service(db, config, clock)
    await history(tickets, await add_customer(db, tickets, CUSTOMER))
    async with db.sessions() as session:
        s = await self_service(session, PERIOD)
    assert (s.suggested, s.confirmed, s.assumed, s.declined) == (5, 2, 1, 2)
    assert s.rate == pytest.approx(3 / 5)
    assert (s.confirmed_rate, s.assumed_rate) == (pytest.approx(2 / 5), pytest.approx(1 / 5))
    assert (s.not_related, s.not_answered) == (1, 1)
    by_id = {a.article: a for a in s.articles}
    export, password = by_id["export-csv"], by_id["password-reset"]
    assert (export.shown, export.solved, export.assumed, export.declined) == (4, 2, 1, 1)
    assert export.helpfulness == pytest.approx(3 / 4)
    assert (password.shown, password.solved, password.not_related) == (2, 1, 1)
    assert password.helpfulness == pytest.approx(1 / 2)
    assert [(u.query, u.count) for u in s.unanswered] == [("Fax the invoice", 2), ("question 5", 1)]
    assert (s.drafted, s.drafts_sent, s.drafts_edited, s.drafts_dismissed) == (3, 1, 1, 1)
    assert s.draft_share("sent") == pytest.approx(1 / 3)


async def test_only_the_requester_confirms(
    db: Database, config: Config, clock: FrozenClock
) -> None:
    tickets = await ticket_service(db, config, clock)
    number = await open_ticket(tickets, await add_customer(db, tickets, CUSTOMER))
    with pytest.raises(NotAllowedError):
        await tickets.resolve_self_served(
            ticket_id=number, actor="ben", articles=["export-csv"], source="slack"
        )
    assert (await tickets.get(number)).is_open


async def test_the_report_shows_them(db: Database, config: Config, clock: FrozenClock) -> None:
    tickets = await ticket_service(db, config, clock)
    await history(tickets, await add_customer(db, tickets, CUSTOMER))
    async with db.sessions() as session:
        metrics = await compute_metrics(session, config, PERIOD, now=NOW)
    for locale, words in (("en", ("Self-service rate", "60.0%", "export-csv", "Fax the invoice")),
                          ("ja", ("セルフサービス解決率", "役立ち度", "export-csv"))):  # fmt: skip
        table = render_text.render_table(metrics, Labels.default(locale), "Desk")
        assert all(w in table for w in words), table
    data = json.loads(render_text.render_json(metrics))["self_service"]
    assert data["rate"] == pytest.approx(0.6) and data["confirmed"] == 2
    assert {a["article"]: a["helpfulness"] for a in data["articles"]}["export-csv"] == 0.75


async def test_a_desk_without_knowledge_shows_no_section(
    db: Database, config: Config, clock: FrozenClock
) -> None:
    tickets = await ticket_service(db, config, clock)
    await open_ticket(tickets, await add_customer(db, tickets, CUSTOMER))
    async with db.sessions() as session:
        metrics = await compute_metrics(session, config, PERIOD, now=NOW)
    assert "Self-service" not in render_text.render_table(metrics, Labels.default("en"), "Desk")
