"""Three replicas of `supportbot serve` on one fresh PostgreSQL database, as behind a load
balancer: all start, a retried event makes one ticket whichever replica each delivery hits,
and a resolved ticket gets one CSAT poll whichever replica's timer loop claims it."""

from __future__ import annotations

import asyncio

import pytest

from bench.mockslack import Call, MockSlack
from bench.servers import ServerProcess
from bench.slackload import CustomerMessage, SlackSender, messages, slash_command

from .conftest import MakeApi
from .rig import (
    STAFF,
    SUPPORT,
    Launcher,
    eventually,
    problems,
    starting_gate,
    summary,
    tagged_cards,
    tickets_by_message,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.parametrize("db_url", ["postgresql"], indirect=True),
]
COUNT = 30
RESOLVED = 3  # tickets of three different customers (one poll per customer per cool-down)
SETTLE = 3.0  # seconds for a second replica's timer loop to send a second poll, if it would


async def start_replicas(launcher: Launcher, api: str) -> list[ServerProcess]:
    """Three replicas started at the same moment; the starting gate makes them run their
    start-up against the database in the same instant, as a deploy of three pods does."""
    replicas = [launcher.server(api, f"replica {i}") for i in range(3)]
    async with starting_gate(launcher.database_url) as blocked:
        await asyncio.gather(*(r.start() for r in replicas))
        await blocked(len(replicas))
    await asyncio.gather(*(r.wait_healthy(60) for r in replicas))
    return replicas


async def deliver_twice(
    sender: SlackSender, replicas: list[ServerProcess], batch: list[CustomerMessage]
) -> None:
    """Message i goes to replica i % 3 and, while that delivery may still be running, its
    retry (`X-Slack-Retry-Num: 1`, same event id) to the next replica."""

    async def both(i: int, m: CustomerMessage) -> None:
        first = sender.event(replicas[i % 3].events_url, m)
        retry = sender.event(replicas[(i + 1) % 3].events_url, m, retry=1)
        acks = await asyncio.gather(first, retry)
        assert [a.status for a in acks] == [200, 200], f"message {m.n}: {acks}"

    await asyncio.gather(*(both(i, m) for i, m in enumerate(batch)))


def polls(mock: MockSlack, thread: str) -> list[Call]:
    """CSAT polls posted into the customer's thread (a message carrying the score choice)."""
    return [
        c
        for c in mock.named("chat.postMessage")
        if c.answered and c.thread_ts == thread and "csat.score" in c.wire
    ]


async def test_three_replicas_start_share_events_and_send_one_poll(
    launcher: Launcher, make_api: MakeApi
) -> None:
    api = await make_api()
    replicas = await start_replicas(launcher, api.url)
    batch = messages(COUNT, customers=10)
    async with launcher.sender(timeout=10) as sender:
        await deliver_twice(sender, replicas, batch)
        await eventually(lambda: all(tagged_cards(api.mock, batch).values()), limit=20)
        await asyncio.sleep(1.0)
        tickets = await tickets_by_message(launcher.database_url)
        found = problems(batch, tickets, tagged_cards(api.mock, batch))
        assert found == [], summary(found, batch, tickets)

        resolved = batch[:RESOLVED]
        for i, m in enumerate(resolved):
            body = slash_command(
                f"resolve {tickets[m.ts][0]}",
                user=STAFF,
                channel=SUPPORT,
                response_url=f"{api.url}/response/{i}",
            )
            ack = await sender.command(replicas[i % 3].events_url, body)
            assert ack.status == 200

    await eventually(lambda: all(polls(api.mock, m.ts) for m in resolved), limit=15)
    await asyncio.sleep(SETTLE)
    sent = {tickets[m.ts][0]: len(polls(api.mock, m.ts)) for m in resolved}
    assert sent == {tickets[m.ts][0]: 1 for m in resolved}, f"CSAT polls per ticket: {sent}"
