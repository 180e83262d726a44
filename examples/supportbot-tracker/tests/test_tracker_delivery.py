"""The tracker from the outbox: retried while it is down, given up on when it refuses, and one
issue per request even when an answer is lost. Every failure is audited on the ticket."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from supportbot.markup import to_plain
from supportbot.store.models import OutboxMessage
from supportbot.testing import DeskHarness

from mock_tracker import MockTracker
from tracker_desk import StartDesk, retry_later

OUTAGE = "Checkout is down for everyone"


async def outage(h: DeskHarness) -> int:
    [number] = (await h.say("customers", "cust1", OUTAGE)).created
    return number


async def failures(h: DeskHarness, number: int) -> list[dict[str, Any]]:
    rows = await h.desk.tickets.history(number, ["service.failed"])
    return [dict(row.data) for row in rows]


async def outbox_rows(h: DeskHarness) -> list[tuple[str, int]]:
    async with h.desk.db.reads() as s:
        rows = (
            await s.scalars(select(OutboxMessage).where(OutboxMessage.platform.like("service:%")))
        ).all()
    return [(row.status, row.attempts) for row in rows]


async def tracker_answer(h: DeskHarness, number: int) -> str:
    await h.command("ben", f"tracker #{number}")
    return to_plain(h.chat.ephemerals("ben")[-1].message.text)


async def test_a_tracker_that_is_down_is_tried_again_by_the_outbox(
    desk: StartDesk, tracker: MockTracker
) -> None:
    tracker.down = 2
    h = await desk()
    number = await outage(h)
    assert [f["again"] for f in await failures(h, number)] == [True]
    assert await outbox_rows(h) == [("pending", 1)]
    assert "It will be tried again." in await tracker_answer(h, number)

    assert await retry_later(h) == 1
    assert [f["attempt"] for f in await failures(h, number)] == [1, 2]
    assert await retry_later(h) == 1
    assert await outbox_rows(h) == [("sent", 3)]
    assert len(tracker.created()) == 1 and len(tracker.issues["acme/app"]) == 1
    assert "HTTP 503" in (await failures(h, number))[-1]["error"]

    assert await h.run_timers() == 1
    assert "tracker:acme/app#1" in (await h.desk.tickets.get(number)).tags
    answer = await tracker_answer(h, number)
    assert "acme/app#1" in answer and "failed" not in answer


@pytest.mark.parametrize(
    ("setting", "status"),
    [({"project": "acme/missing"}, "HTTP 404 Not Found"), ({"token": "wrong"}, "HTTP 401")],
)
async def test_a_refusal_is_final_audited_and_shown_to_agents(
    desk: StartDesk, tracker: MockTracker, setting: dict[str, str], status: str
) -> None:
    env = {"SUPPORTBOT_TRACKER_TOKEN": setting["token"]} if "token" in setting else None
    h = await desk(project=setting.get("project", "acme/app"), env=env)
    number = await outage(h)
    [failed] = await failures(h, number)
    assert failed["service"] == "tracker" and failed["again"] is False
    assert status in failed["error"]
    assert await outbox_rows(h) == [("failed", 1)]
    assert await retry_later(h) == 0  # nothing is left to try
    assert await h.run_timers() == 0  # and nothing to link
    answer = await tracker_answer(h, number)
    assert f"No tracker issue is linked to #{number} yet." in answer
    assert status in answer and "It will not be tried again" in answer


async def test_a_lost_answer_is_not_a_second_issue(desk: StartDesk, tracker: MockTracker) -> None:
    """The tracker made the issue but answered after the client gave up: the retry finds the
    issue by the request's marker instead of opening another."""
    tracker.slow_creates, tracker.slow_seconds = 1, 1.5
    h = await desk(env={"SUPPORTBOT_TRACKER_TIMEOUT": "0.5"})
    number = await outage(h)
    [failed] = await failures(h, number)
    assert "TimeoutError" in failed["error"] and failed["again"] is True
    assert await retry_later(h) == 1
    assert len(tracker.created()) == 1 and len(tracker.issues["acme/app"]) == 1
    marker = tracker.calls[-1].query["q"]
    assert marker.startswith('"supportbot-request-') and "repo:acme/app" in marker
    assert await h.run_timers() == 1
    assert (await h.desk.tickets.get(number)).tags.count("tracker:acme/app#1") == 1


async def test_without_settings_the_desk_runs_and_says_what_is_missing(
    desk: StartDesk, tracker: MockTracker
) -> None:
    h = await desk(env={"SUPPORTBOT_TRACKER_URL": None})
    number = await outage(h)
    [failed] = await failures(h, number)
    assert "SUPPORTBOT_TRACKER_URL is not set" in failed["error"] and failed["again"] is False
    assert tracker.calls == []
