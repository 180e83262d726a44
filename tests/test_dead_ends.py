"""Issue #12, dead end 1, in-process: several open hand-offs, and refusals before the handler
knew who asked (the wire tests are tests/slack/test_refusals_wire.py and the Teams one)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from supportbot.testing import DeskHarness

from .collab.conftest import chat_config, open_ticket


@pytest.fixture
async def h(tmp_path: Path) -> AsyncIterator[DeskHarness]:
    async with DeskHarness.start(chat_config(), tmp_path) as harness:
        yield harness


def answer(h: DeskHarness, user: str) -> str:
    return h.chat.ephemerals(user)[-1].message.text


async def _two_handoffs(h: DeskHarness) -> int:
    number = await open_ticket(h, "The invoice is wrong and I want a quote")
    await h.command("ben", f"claim {number}")
    await h.command("ben", f"handoff {number} engineering the invoice run")
    await h.command("ben", f"handoff {number} sales a quote")
    assert {x.department for x in await h.desk.tickets.open_handoffs(number)} == {
        "engineering",
        "sales",
    }
    return number


async def test_handoff_done_asks_which_when_several_are_open(h: DeskHarness) -> None:
    number = await _two_handoffs(h)
    await h.command("ben", f"handoff {number} done")
    assert answer(h, "ben") == (
        f"#{number} has open hand-offs to engineering, sales: say which one is done, "
        f"for example `handoff {number} done engineering`."
    )
    await h.command("aiko", f"handoff {number} done")
    assert answer(h, "aiko").startswith(f"#{number} には engineering, sales への依頼があります。")
    assert len(await h.desk.tickets.open_handoffs(number)) == 2  # nothing closed

    await h.command("ben", f"handoff {number} done sales")
    assert [x.department for x in await h.desk.tickets.open_handoffs(number)] == ["engineering"]
    await h.command("ben", f"handoff {number} done sales")
    assert answer(h, "ben") == f"#{number} has no open hand-off to sales."


async def test_close_handoff_and_resolve_closes_every_open_one(h: DeskHarness) -> None:
    number = await _two_handoffs(h)
    await h.command("ben", f"resolve {number}")
    warning = h.chat.ephemerals("ben")[-1].message
    assert "open hand-off to engineering, sales" in warning.text
    (close,) = [b for b in warning.buttons if b.action == "ticket.close_handoffs_and_resolve"]
    await h.click("ben", close.action, close.value)
    assert not (await h.desk.tickets.get(number)).is_open
    assert await h.desk.tickets.open_handoffs(number) == []
    kinds = [r.kind for r in await h.desk.tickets.history(number, ("handoff.closed", "resolved"))]
    assert kinds == ["handoff.closed", "handoff.closed", "resolved"]


async def test_a_refusal_before_anyone_asked_who_acted_is_in_their_language(
    h: DeskHarness,
) -> None:
    """`show 999` fails on the ticket before the handler resolves the person: still Japanese."""
    await h.command("aiko", "show 999")
    assert answer(h, "aiko") == "チケット #999 はありません。"
    await h.command("aiko", "handoff 999 done")
    assert answer(h, "aiko") == "チケット #999 はありません。"
