"""Durations and plurals read naturally in English and Japanese (Babel), in templates too."""

from __future__ import annotations

from datetime import timedelta

import pytest

from supportbot.formats import count, duration
from supportbot.templates import Templates


@pytest.mark.parametrize(
    ("value", "en", "ja"),
    [
        (timedelta(hours=4), "4 hours", "4 時間"),
        (timedelta(hours=1, minutes=30), "1 hour, 30 minutes", "1 時間 30 分"),
        (timedelta(minutes=1), "1 minute", "1 分"),
        (timedelta(days=3), "3 days", "3 日"),
        (90, "1 minute, 30 seconds", "1 分 30 秒"),
    ],
)
def test_durations_in_words(value: timedelta | int, en: str, ja: str) -> None:
    assert (duration(value, "en"), duration(value, "ja")) == (en, ja)


def test_counts_take_the_plural_the_language_needs() -> None:
    assert [count(n, "answer", "answers", "en") for n in (0, 1, 2)] == [
        "0 answers", "1 answer", "2 answers"
    ]  # fmt: skip
    assert count(1500, "ticket", "tickets", "en") == "1,500 tickets"


def test_templates_format_durations_and_plurals_in_their_own_language() -> None:
    templates = Templates.from_folders()
    ack = templates.render(
        "workflows.ack", "ja", requester={"name": "花子"}, ticket={"number": 7, "priority": "P3"},
        first_response=timedelta(hours=4), respond_by="2026-03-02 16:00 JST",
    )  # fmt: skip
    assert "4 時間以内" in ack and "4h" not in ack
    stats = templates.render("insights.stats.csat", "en", average="4.5", answered=1, rate="50%")
    assert stats == "4.5 from 1 answer (50% answered)"
