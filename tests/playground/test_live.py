"""Outbound intents are stored and pushed live to the pages allowed to see them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientWebSocketResponse

from supportbot import markup
from supportbot.adapter import DeliveryError
from supportbot.events import MessageRef
from supportbot.intents import OpenForm, PostEphemeral, PostMessage, SendDirect, UpdateMessage
from supportbot.messages import Button, Form, Message, TextInput
from supportbot.playground.inbound import conversation

from .helpers import WITH_TOKEN, FakeDesk, Playground, build_app, database


async def page(playground: Playground, persona: str) -> ClientWebSocketResponse:
    socket = await playground.client.ws_connect(f"/playground/ws?persona={persona}")
    hello = await socket.receive_json()
    assert hello == {"type": "hello", "persona": persona}
    return socket


async def next_push(socket: ClientWebSocketResponse) -> dict[str, Any]:
    data: dict[str, Any] = await socket.receive_json(timeout=5)
    return data


async def test_a_posted_card_reaches_every_page_and_its_update_follows(
    playground: Playground,
) -> None:
    aiko, yuki = await page(playground, "aiko"), await page(playground, "yuki")
    card = Message(text="new", title="**#1**", buttons=(Button("ticket.claim", "Claim", "1"),))
    ref = await playground.adapter.send(PostMessage(conversation("support"), card))
    assert ref == MessageRef("playground", "support", "1", None)
    for socket in (aiko, yuki):
        pushed = await next_push(socket)
        assert pushed["type"] == "message"
        assert (
            pushed["message"]["id"] == "1"
            and pushed["message"]["title_html"] == "<strong>#1</strong>"
        )
        assert pushed["message"]["author"] == {"id": "bot", "name": "Acme Support", "role": "bot"}
    assert await playground.adapter.send(UpdateMessage(ref, Message(text="claimed"))) == ref
    update = await next_push(aiko)
    assert update["message"]["id"] == "1" and update["message"]["text_html"] == "claimed"
    assert update["message"]["buttons"] == []


async def test_a_thread_reply_names_its_root(playground: Playground) -> None:
    aiko = await page(playground, "aiko")
    ref = await playground.adapter.send(
        PostMessage(conversation("support", "7"), Message(text=markup.escape("<i>")))
    )
    assert ref is not None and ref.thread_id == "7" and ref.as_thread.thread_id == "7"
    pushed = await next_push(aiko)
    assert pushed["message"]["thread"] == "7" and pushed["message"]["text_html"] == "&lt;i&gt;"


async def test_ephemerals_and_direct_messages_reach_only_their_person(
    playground: Playground,
) -> None:
    aiko, ken = await page(playground, "aiko"), await page(playground, "ken")
    await playground.adapter.send(
        PostEphemeral(conversation("support"), "aiko", Message(text="psst"))
    )
    await playground.adapter.send(SendDirect("playground", "aiko", Message(text="dm")))
    await playground.adapter.send(PostMessage(conversation("support"), Message(text="all")))
    seen = [(await next_push(aiko))["message"] for _ in range(3)]
    assert [(m["text_html"], m["channel"], m["private"]) for m in seen] == [
        ("psst", "support", True),
        ("dm", "dm:aiko", False),
        ("all", "support", False),
    ]
    only = await next_push(ken)
    assert only["message"]["text_html"] == "all"
    history = await playground.client.get("/playground/api/state?persona=ken")
    assert [m["text_html"] for m in (await history.json())["messages"]] == ["all"]


async def test_a_form_opens_only_for_its_person(playground: Playground) -> None:
    aiko, ken = await page(playground, "aiko"), await page(playground, "ken")
    form = Form("ticket.new", "New ticket", (TextInput("subject", "Subject"),), submit_label="Open")
    assert await playground.adapter.send(OpenForm("playground", "aiko", "t", form)) is None
    pushed = await next_push(aiko)
    assert pushed["type"] == "form" and pushed["form"]["form"] == "ticket.new"
    assert pushed["form"]["submit_html"] == "Open"
    await playground.adapter.send(PostMessage(conversation("support"), Message(text="later")))
    assert (await next_push(ken))["message"]["text_html"] == "later"


async def test_what_a_person_types_is_shown_live_too(playground: Playground) -> None:
    ken = await page(playground, "ken")
    await playground.act(persona="yuki", type="post", channel="customers", text="<b>hi</b>")
    pushed = await next_push(ken)
    assert pushed["message"]["author"]["name"] == "Yuki Tanaka"
    assert pushed["message"]["text_html"] == "&lt;b&gt;hi&lt;/b&gt;"


async def test_updating_an_unknown_message_is_not_retryable(playground: Playground) -> None:
    for message_id in ("404", "not-a-number"):
        with pytest.raises(DeliveryError) as caught:
            await playground.adapter.send(
                UpdateMessage(MessageRef("playground", "support", message_id), Message(text="x"))
            )
        assert not caught.value.retryable


async def test_the_page_and_its_state_are_served(playground: Playground) -> None:
    page_response = await playground.client.get("/playground")
    assert page_response.status == 200 and "supportbot" in await page_response.text()
    script = await playground.client.get("/playground/static/app.js")
    assert script.status == 200
    state = await (await playground.client.get("/playground/api/state?persona=aiko")).json()
    assert state["channels"][:6] == [
        "customers",
        "support",
        "engineering",
        "sales",
        "marketing",
        "kudos",
    ]
    assert {p["id"]: p["role"] for p in state["personas"]} == {
        "yuki": "customer",
        "aiko": "agent",
        "ken": "lead",
        "mei": "engineer",
    }
    assert (await playground.client.get("/playground/api/state?persona=zed")).status == 400


async def test_history_survives_a_restart(aiohttp_client: Any, tmp_path: Path) -> None:
    async with database(tmp_path) as db:
        _, first = build_app(FakeDesk(), db)
        ref = await first.send(PostMessage(conversation("support"), Message(text="kept")))
        assert ref is not None
        app, _ = build_app(FakeDesk(), db)
        client = await aiohttp_client(app, headers=WITH_TOKEN)
        state = await (await client.get("/playground/api/state?persona=aiko")).json()
        assert [(m["id"], m["text_html"]) for m in state["messages"]] == [(ref.message_id, "kept")]
