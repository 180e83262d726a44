"""`/support stats`, its message, and the digest a workflow posts."""

from __future__ import annotations

from pathlib import Path

from supportbot import markup
from supportbot.config import Config
from supportbot.insights.build import compute_metrics
from supportbot.insights.feature import InsightsFeature
from supportbot.insights.stats import digest_message, stats_message
from supportbot.messages import Message
from supportbot.store.db import Database
from supportbot.testing import DeskHarness

from . import dataset


def plain_fields(message: Message) -> dict[str, str]:
    return {markup.to_plain(f.label): markup.to_plain(f.value) for f in message.fields}


async def test_stats_message_summarises_the_week(db: Database) -> None:
    async with db.sessions() as session:
        await dataset.seed(session)
        m = await compute_metrics(session, dataset.config(), dataset.PERIOD, now=dataset.NOW)
    message = stats_message(m, "en")
    assert markup.to_plain(message.title) == "📊 Support stats: the last 7 days"
    fields = plain_fields(message)
    assert fields["Tickets created"] == "10"
    assert fields["Resolved"] == "8 (80.0%)"
    # Median 420 s = 7m, p90 46500 s = 12h 55m; within 5 min: 4 of 9 = 44.4%.
    assert fields["First response"] == "7m median · 12h 55m p90 · 44.4% within 5 min"
    assert fields["SLA compliance"] == "88.9% first response · 77.8% resolution"
    assert fields["Satisfaction (CSAT)"] == "3.8 from 5 answers (83.3% answered)"
    assert fields["Escalations"] == "4 (66.7% Approved)"
    assert markup.to_plain(message.context[0]) == (
        "3 SLA breaches · busiest: Mon 09:00, Fri 17:00, Mon 10:00"
    )
    # Every value went through the markup: parentheses arrive escaped, not as link syntax.
    assert any("\\(" in f.value for f in message.fields)
    ja = stats_message(m, "ja")
    assert markup.to_plain(ja.title) == "📊 サポート統計: 直近 7 日間"
    assert plain_fields(ja)["新規チケット"] == "10"


async def test_digest_message_for_a_workflow(db: Database) -> None:
    async with db.sessions() as session:
        await dataset.seed(session)
    config = dataset.config().model_copy(update={"desk_name": "Acme"})
    message = await digest_message(
        db.sessions, config, dataset.PERIOD.since, dataset.PERIOD.until, "en"
    )
    assert markup.to_plain(message.title) == "🗓 Acme digest: 2026-11-16 → 2026-11-22"
    assert message.kind == "digest"
    assert plain_fields(message)["Tickets created"] == "10"


async def test_stats_command_answers_leads_only(tmp_path: Path) -> None:
    config = Config.model_validate(
        {
            "people": [
                {"id": "lena", "name": "Lena", "roles": ["lead"], "teams": ["support"]},
                {"id": "al", "name": "Al", "roles": ["agent"], "teams": ["support"]},
            ]
        }
    )
    async with DeskHarness.start(config, tmp_path, features=[InsightsFeature()]) as h:
        assert h.desk.metrics is not None  # attach() gave the desk its Prometheus registry
        await h.command("lena", "stats month")
        answer = h.chat.ephemerals("lena")[-1].message
        assert answer.kind == "stats"
        assert markup.to_plain(answer.title) == "📊 Support stats: the last 30 days"
        await h.command("al", "stats")
        refusal = h.chat.ephemerals("al")[-1].message
        assert markup.to_plain(refusal.text) == "Stats are for team leads and admins."
