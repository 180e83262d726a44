"""Refusals through the real Slack wire: in the agent's language, and never a dead end.

Signed slash commands and `block_actions` go to the whole server (`create_app` + the Slack
plug-in); the answers are read from the mock Web API's recorded calls. Aiko works in Japanese,
Ben in English (issue #13 "Japanese users see English", issue #12 dead end 1).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from supportbot_slack import SlackAdapter

from supportbot.store.models import Handoff

from .e2e import SHARED, SUPPORT, desk_config, start_desk
from .kit import MockSlackApi, Recorder, SlackHarness, fixture_json, wait_for

pytest.importorskip("supportbot.server")

AIKO, BEN = "U0AGENT1", "U0AGENT2"


@pytest.fixture
async def desk(slack_api: MockSlackApi, aiohttp_client: Any, tmp_path: Path) -> SlackHarness:
    (tmp_path / "workflows").mkdir()
    config = desk_config(tmp_path)
    people = [p.model_copy(update={"locale": "ja"}) if p.id == "aiko" else p for p in config.people]
    config = config.model_copy(update={"people": people})
    recorder = Recorder()
    client = await start_desk(aiohttp_client, slack_api, config, recorder)
    from supportbot.server import DESK

    adapter = client.app[DESK].adapters["slack"]
    assert isinstance(adapter, SlackAdapter)
    return SlackHarness(client, adapter, slack_api, recorder)


def command(text: str, user: str) -> str:
    return urlencode(
        {
            "command": "/support",
            "text": text,
            "user_id": user,
            "user_name": user.lower(),
            "channel_id": SUPPORT,
            "team_id": "T0001",
            "trigger_id": f"t-{user}-{text}",
            "response_url": "https://hooks.slack.com/commands/T0001/1/x",
        }
    )


async def run(desk: SlackHarness, text: str, user: str) -> Any:
    """Type `/support text` as `user`; the answer only they see (chat.postEphemeral)."""
    before = len(desk.api.named("chat.postEphemeral"))
    assert (await desk.post(command(text, user), form=True)).status == 200
    calls = await wait_for(lambda: desk.api.named("chat.postEphemeral")[before:])
    assert calls[0].args["user"] == user
    return calls[0]


def shown(call: Any) -> str:
    return json.dumps(call.args, ensure_ascii=False)


def buttons(call: Any) -> dict[str, dict[str, Any]]:
    """The call's buttons by action name (`ticket.resolve_anyway~…` → `ticket.resolve_anyway`)."""
    return {
        element["action_id"].split("~")[0]: element
        for block in call.args.get("blocks", ())
        for element in block.get("elements", ())
        if element.get("type") == "button"
    }


def click_ephemeral(call: Any, element: dict[str, Any], user: str) -> dict[str, Any]:
    """What Slack sends when `user` clicks a button on an ephemeral message."""
    body = fixture_json("block_actions_approve.json")
    body["user"] = {"id": user, "username": user.lower(), "team_id": "T0001"}
    body["trigger_id"] = f"trig-{element['action_id']}"
    body["container"] = {
        "type": "message",
        "message_ts": call.answer["message_ts"],
        "channel_id": call.args["channel"],
        "is_ephemeral": True,
    }
    body["channel"] = {"id": call.args["channel"]}
    body.pop("message", None)
    body["actions"] = [
        {
            "action_id": element["action_id"],
            "block_id": "buttons",
            "value": element["value"],
            "type": "button",
            "action_ts": "1763800300.000001",
        }
    ]
    return body


async def open_handed_off_ticket(desk: SlackHarness) -> int:
    """A customer's ticket, claimed by Ben and handed off to engineering."""
    await desk.post_json(fixture_json("event_message_shared_channel.json"))
    await wait_for(lambda: [c for c in desk.api.named("chat.postMessage")
                            if c.args["channel"] == SUPPORT])  # fmt: skip
    await run(desk, "claim 1", BEN)
    await run(desk, "handoff 1 engineering please check the invoice run", BEN)
    assert len(await tickets(desk).open_handoffs(1)) == 1
    return 1


def tickets(desk: SlackHarness) -> Any:
    from supportbot.server import DESK

    return desk.client.app[DESK].tickets


async def audit(desk: SlackHarness, number: int, *kinds: str) -> list[Any]:
    return list(await tickets(desk).history(number, kinds))


async def resolved_eventually(desk: SlackHarness, number: int) -> None:
    """A click is acked before its turn runs: wait (without a timed assertion) for the row."""
    deadline = asyncio.get_running_loop().time() + 10
    while not await audit(desk, number, "resolved"):
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("gave up waiting")
        await asyncio.sleep(0.01)


async def test_a_japanese_agent_reads_the_refusal_in_japanese(desk: SlackHarness) -> None:
    answer = await run(desk, "claim 999", AIKO)
    assert "チケット #999 はありません。" in shown(answer)
    assert "there is no" not in shown(answer).lower()
    english = await run(desk, "claim 999", BEN)
    assert "There is no ticket #999." in shown(english)


async def test_a_japanese_agent_reads_command_mistakes_and_usage_in_japanese(
    desk: SlackHarness,
) -> None:
    unknown = await run(desk, "calim 4", AIKO)
    assert "`calim` というコマンドはありません。`claim` のことですか？" in shown(unknown)
    usage = await run(desk, "priority 4 urgent", AIKO)
    assert "使い方: `priority #番号 P1|P2|P3|P4`" in shown(usage)
    which = await run(desk, "claim", AIKO)  # no number, and not in a ticket's thread
    assert "どのチケットですか？ 使い方: `claim [#番号]`" in shown(which)
    assert "Usage: `priority #number P1|P2|P3|P4`" in shown(await run(desk, "priority 4 x", BEN))


async def test_resolving_with_an_open_handoff_names_what_works(desk: SlackHarness) -> None:
    number = await open_handed_off_ticket(desk)
    warning = await run(desk, f"resolve {number}", BEN)
    text = shown(warning)
    assert "open hand-off to engineering" in text
    assert f"resolve {number} anyway" in text and f"handoff {number} done" in text
    assert set(buttons(warning)) == {"ticket.resolve_anyway", "ticket.close_handoffs_and_resolve"}
    assert (await tickets(desk).get(number)).is_open
    japanese = await run(desk, f"resolve {number}", AIKO)
    assert "engineering への依頼がまだ残っています" in shown(japanese)
    assert f"`resolve {number} anyway`" in shown(japanese)
    assert "このまま解決" in json.dumps(buttons(japanese), ensure_ascii=False)


async def test_resolve_anyway_by_command_resolves_and_audits_it(desk: SlackHarness) -> None:
    number = await open_handed_off_ticket(desk)
    done = await run(desk, f"resolve {number} anyway", BEN)
    assert "Done: resolve" in shown(done)
    assert not (await tickets(desk).get(number)).is_open
    (resolved,) = await audit(desk, number, "resolved")
    assert resolved.data == {"forced": True}
    assert len(await tickets(desk).open_handoffs(number)) == 1  # the department still has it


async def test_the_resolve_anyway_button_resolves(desk: SlackHarness) -> None:
    number = await open_handed_off_ticket(desk)
    warning = await run(desk, f"resolve {number}", BEN)
    anyway = buttons(warning)["ticket.resolve_anyway"]
    assert (await desk.post_interaction(click_ephemeral(warning, anyway, BEN))).status == 200
    await resolved_eventually(desk, number)
    assert not (await tickets(desk).get(number)).is_open
    assert [r.data for r in await audit(desk, number, "resolved")] == [{"forced": True}]


async def test_close_handoff_and_resolve_button_does_both(desk: SlackHarness) -> None:
    number = await open_handed_off_ticket(desk)
    warning = await run(desk, f"resolve {number}", AIKO)
    close = buttons(warning)["ticket.close_handoffs_and_resolve"]
    assert (await desk.post_interaction(click_ephemeral(warning, close, AIKO))).status == 200
    await resolved_eventually(desk, number)
    assert not (await tickets(desk).get(number)).is_open
    assert await tickets(desk).open_handoffs(number) == []
    (closed,) = await audit(desk, number, "handoff.closed")
    (resolved,) = await audit(desk, number, "resolved")
    assert closed.data["department"] == "engineering" and resolved.data == {}  # nothing forced
    assert closed.actor_id == resolved.actor_id is not None  # Aiko did both, in one turn


async def test_handoff_done_closes_the_handoff_by_command(desk: SlackHarness) -> None:
    number = await open_handed_off_ticket(desk)
    done = await run(desk, f"handoff {number} done engineering", BEN)
    assert f"Done: handoff #{number} done (engineering)" in shown(done)
    assert await tickets(desk).open_handoffs(number) == []
    (closed,) = await audit(desk, number, "handoff.closed")
    handoff: Handoff = await tickets(desk).handoff(closed.data["handoff_id"])
    assert handoff.status == "done" and handoff.closed_by_id is not None
    again = await run(desk, f"handoff {number} done", AIKO)
    assert f"#{number} には未完了の依頼はありません。" in shown(again)
    resolved = await run(desk, f"resolve {number}", BEN)  # nothing open: no warning
    assert "Done: resolve" in shown(resolved) and not buttons(resolved)
    assert not (await tickets(desk).get(number)).is_open


async def test_shared_channel_customer_never_sees_the_staff_buttons(desk: SlackHarness) -> None:
    """The refusal is only for whoever typed the command: nothing is posted to the customer."""
    number = await open_handed_off_ticket(desk)
    before = [c for c in desk.api.named("chat.postMessage") if c.args["channel"] == SHARED]
    await run(desk, f"resolve {number}", BEN)
    after = [c for c in desk.api.named("chat.postMessage") if c.args["channel"] == SHARED]
    assert after == before
