"""Turning tickets into knowledge: similar resolved tickets with their answers, the gaps no
article fills, and draft articles written from a ticket. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from supportbot.clock import FrozenClock
from supportbot.knowledge import KnowledgeBase
from supportbot.knowledge.analyzer import Analyzer
from supportbot.knowledge.article_draft import article_draft, write_draft
from supportbot.knowledge.cli import main
from supportbot.knowledge.gaps import group_gaps, unanswered
from supportbot.knowledge.loader import load_folder
from supportbot.knowledge.precedents import PrecedentIndex
from supportbot.knowledge.tickets import read_resolved, read_ticket
from supportbot.store.db import Database, open_database
from supportbot.templates import Templates
from supportbot.tickets import TicketService
from supportbot.tickets.service import NewTicket
from tests import conftest as shared
from tests.conftest import NOW, make_test_config, run_aside, ticket_service
from tests.knowledge.conftest import STARTER
from tests.tickets.support import add_customer

STORY = [  # (locale, question, public answer, resolved?)
    (
        "en",
        "Our payroll export to Gusto stopped syncing",
        "Reconnect Gusto under Integrations.",
        True,
    ),
    ("en", "Gusto payroll sync fails since Monday", "Reconnect Gusto: the token expired.", True),
    ("en", "I forgot my password", "Use Forgot password? on the sign-in page.", True),
    ("ja", "Gustoの給与データ連携が止まった", "連携画面からGustoに再接続してください。", True),
    ("en", "Gusto sync broken again", "", False),  # still open: not knowledge yet
]


async def tell_the_story(tickets: TicketService, database: Database) -> list[int]:
    customer = await add_customer(database, tickets)
    numbers = []
    for locale, question, answer, resolved in STORY:
        new = NewTicket(requester=customer, subject=question, body=question,
                        origin_platform="slack", locale=locale, tags=("integration",))  # fmt: skip
        number = (await tickets.create(new, source="slack")).ticket.number
        await tickets.claim(ticket_id=number, actor="ben", source="slack")
        await tickets.add_note(ticket_id=number, text="internal: token expired", actor="ben",
                               source="slack")  # fmt: skip
        if answer:
            await tickets.record_reply(ticket_id=number, text=answer, actor="ben", source="slack")
        if resolved:
            await tickets.resolve(ticket_id=number, actor="ben", source="slack")
        numbers.append(number)
    return numbers


async def test_similar_resolved_tickets_come_with_how_they_were_answered(
    tickets: TicketService, database: Database
) -> None:
    numbers = await tell_the_story(tickets, database)
    async with database.reads() as session:
        resolved = await read_resolved(session)
    assert sorted(t.number for t in resolved) == sorted(numbers[:4])  # the open one is not in
    gusto = next(t for t in resolved if t.number == numbers[1])
    assert gusto.answer == "Reconnect Gusto: the token expired." and gusto.locale == "en"
    assert "internal" not in " ".join(a for t in resolved for a in t.answers)  # notes stay out
    index = PrecedentIndex(resolved, Analyzer(KnowledgeBase(STARTER).segmenter))
    similar = index.similar("gusto payroll is not syncing", locale="en", exclude=numbers[0])
    assert [p.ticket.number for p in similar] == [numbers[1]]
    assert index.similar("Gusto連携のエラー", locale="ja")[0].ticket.number == numbers[3]
    assert index.similar("what's the weather in tokyo") == ()


async def test_gaps_are_resolved_tickets_no_article_answers_grouped_by_topic(
    tickets: TicketService, database: Database, starter: KnowledgeBase
) -> None:
    numbers = await tell_the_story(tickets, database)
    async with database.reads() as session:
        resolved = await read_resolved(session, since=NOW.replace(year=NOW.year - 1))
    missing = unanswered(starter, resolved)
    assert numbers[2] not in {t.number for t in missing}  # password-reset answers it
    gaps = group_gaps(missing, starter.index.analyzer)
    assert sorted(t.number for t in gaps[0].tickets) == sorted([numbers[0], numbers[1]])
    assert "gusto" in gaps[0].words


async def test_a_ticket_becomes_a_draft_article_that_validates(
    tickets: TicketService, database: Database, tmp_path: Path
) -> None:
    numbers = await tell_the_story(tickets, database)
    async with database.reads() as session:
        ticket = await read_ticket(session, numbers[3])
    assert ticket is not None
    templates = Templates.from_folders()
    first = write_draft(tmp_path, article_draft(ticket, templates))
    second = write_draft(tmp_path, article_draft(ticket, templates))
    assert first.name == f"ticket-{numbers[3]}.ja.md" and second.name.endswith("-2.md")
    loaded = load_folder(tmp_path)
    assert loaded.ok and loaded.articles == ()  # drafts are never searched
    draft = next(a for a in loaded.drafts if a.file == str(first))
    assert (draft.id, draft.locale, draft.audience) == (f"ticket-{numbers[3]}", "ja", "public")
    assert draft.title == "Gustoの給与データ連携が止まった" and draft.tags == ("integration",)
    assert "## ご質問" in draft.body and "連携画面からGustoに再接続してください。" in draft.body


# -- the command line ----------------------------------------------------------------------------
@pytest.fixture
def desk(db_url: str, tmp_path: Path) -> tuple[Path, list[int]]:
    """A config file (database + the starter articles) and the story told in its database."""
    config = tmp_path / "supportbot.yaml"
    data = {**shared.test_config_data(), "database_url": db_url, "knowledge_dir": str(STARTER)}
    config.write_text(json.dumps(data), encoding="utf-8")  # JSON is YAML
    numbers: list[int] = []

    async def setup() -> None:
        db = open_database(db_url)
        await db.create_all()
        try:
            service = await ticket_service(db, make_test_config(), FrozenClock(datetime.now(UTC)))
            numbers.extend(await tell_the_story(service, db))
        finally:
            await db.close()

    run_aside(setup())
    return config, numbers


def test_kb_gaps_lists_the_groups_to_write_articles_for(
    desk: tuple[Path, list[int]], capsys: pytest.CaptureFixture[str]
) -> None:
    config, numbers = desk
    assert main(["gaps", "--since", "30d", "--format", "json", "--config", str(config)]) == 0
    groups = json.loads(capsys.readouterr().out)
    assert sorted(groups[0]["tickets"]) == sorted(numbers[:2]) and "gusto" in groups[0]["words"]
    assert main(["gaps", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "have no article that answers them" in out and f"#{numbers[0]} " in out
    assert main(["gaps", "--since", "soon", "--config", str(config)]) == 2
    assert "is not a duration" in capsys.readouterr().err


def test_kb_draft_writes_a_draft_file_or_says_there_is_no_such_ticket(
    desk: tuple[Path, list[int]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config, numbers = desk
    out_dir = tmp_path / "kb"
    assert main(["draft", f"#{numbers[1]}", "--dir", str(out_dir), "--config", str(config)]) == 0
    assert "Draft written to" in capsys.readouterr().out
    assert [a.id for a in load_folder(out_dir).drafts] == [f"ticket-{numbers[1]}"]
    assert main(["draft", "999", "--dir", str(out_dir), "--config", str(config)]) == 1
    assert capsys.readouterr().err.strip() == "There is no ticket #999."
