"""Nothing acknowledged is lost: `kill -9` of `supportbot serve`, then a restart on the same
database, on SQLite and on PostgreSQL.

Slack re-sends (with `X-Slack-Retry-Num`) only what got no 200; what got a 200 it never sends
again. So after the restart every message must still become exactly one ticket with exactly
one card: whatever was acknowledged must have been stored before the 200, whatever was stored
must be worked, and a retry of something already stored must not make a second ticket.
"""

from __future__ import annotations

import asyncio

from bench.servers import ServerProcess
from bench.slackload import Ack, CustomerMessage, SlackSender, message, messages

from .conftest import MakeApi
from .rig import (
    Launcher,
    eventually,
    problems,
    summary,
    tagged_cards,
    tickets_by_message,
    wait_until,
)

RATE = 30.0  # messages per second, steadily
COUNT = 60
KILL_AFTER = 25  # the kill comes right after the first 200 from this message on
SETTLE = 2.0  # seconds to wait for late duplicates once everything arrived
CARD_LIMIT = 15.0  # seconds to wait for the cards after the restart


async def resend_unacknowledged(
    sender: SlackSender, server: ServerProcess, batch: list[CustomerMessage], acks: dict[int, Ack]
) -> None:
    """As Slack does: up to three retries of each message that got no 200."""
    for attempt in (1, 2, 3):
        for m in [m for m in batch if acks[m.n].status != 200]:
            acks[m.n] = await sender.event(server.events_url, m, retry=attempt)


async def stream_and_kill(
    sender: SlackSender, server: ServerProcess, batch: list[CustomerMessage]
) -> dict[int, Ack]:
    """Send `batch` at RATE; SIGKILL the server right after a 200 once KILL_AFTER is reached
    (so at least one acknowledged message is as fresh as it gets); the rest meet a dead port."""
    acks: dict[int, Ack] = {}

    async def one(i: int, m: CustomerMessage) -> None:
        await asyncio.sleep(i / RATE)
        acks[m.n] = ack = await sender.event(server.events_url, m)
        if i >= KILL_AFTER and ack.status == 200:
            server.kill()

    await asyncio.gather(*(one(i, m) for i, m in enumerate(batch)))
    await server.wait()
    return acks


async def test_kill_mid_stream_then_restart_loses_no_acknowledged_message(
    launcher: Launcher, make_api: MakeApi
) -> None:
    api = await make_api()
    server = launcher.server(api.url)
    await server.start()
    await server.wait_healthy()
    batch = messages(COUNT, customers=20)
    async with launcher.sender() as sender:
        acks = await stream_and_kill(sender, server, batch)
        first = {n: a.status for n, a in acks.items()}
        acknowledged = sum(status == 200 for status in first.values())
        assert 0 < acknowledged < COUNT, "the kill did not land mid-stream"
        restarted = await launcher.restart(server, api.url)
        await resend_unacknowledged(sender, restarted, batch, acks)
    assert all(a.status == 200 for a in acks.values())

    await eventually(lambda: all(tagged_cards(api.mock, batch).values()), limit=CARD_LIMIT)
    await asyncio.sleep(SETTLE)
    tickets = await tickets_by_message(launcher.database_url)
    found = problems(batch, tickets, tagged_cards(api.mock, batch))
    lost = [m.n for m in batch if first[m.n] == 200 and not tickets.get(m.ts)]
    assert found == [], (
        f"{summary(found, batch, tickets)}\n"
        f"{len(lost)} of {acknowledged} messages acknowledged before the kill have no ticket"
    )


async def test_kill_between_commit_and_delivery_delivers_the_card_after_restart(
    launcher: Launcher, make_api: MakeApi
) -> None:
    stuck = await make_api(stalled=frozenset({"chat.postMessage"}))
    server = launcher.server(stuck.url)
    await server.start()
    await server.wait_healthy()
    m = message(0)
    async with launcher.sender() as sender:
        acks = {m.n: await sender.event(server.events_url, m)}
        await wait_until(
            lambda: stuck.mock.named("chat.postMessage"),
            limit=10,
            what="nothing left for the Web API: the server is not delivering",
        )
        committed = await tickets_by_message(launcher.database_url)
        assert len(committed.get(m.ts, [])) == 1, "the ticket was not committed before delivery"
        server.kill()
        await server.wait()

        healthy = await make_api()
        restarted = await launcher.restart(server, healthy.url)
        await resend_unacknowledged(sender, restarted, [m], acks)

    await eventually(lambda: healthy.mock.cards(), limit=CARD_LIMIT)
    await asyncio.sleep(SETTLE)
    delivered = [c.number for c in healthy.mock.cards()]
    assert delivered == committed[m.ts], (
        f"cards of tickets {delivered} reached the healthy Web API after the restart; "
        f"expected exactly one, of ticket {committed[m.ts]}"
    )
