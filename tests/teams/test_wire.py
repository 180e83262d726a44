"""Activities POSTed to `/api/messages` of a running aiohttp app, emulator mode (no app id):
what the desk receives, what Teams gets back, and which references are kept."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from supportbot.adapter import Outcome
from supportbot.events import (
    AnyEvent,
    BotInstalled,
    ChoiceSubmitted,
    ConversationRef,
    MessageReceived,
    MessageRef,
    ThreadReplyReceived,
)
from supportbot.intents import OpenForm, UpdateMessage
from supportbot.messages import Form, Message, TextInput

from .conftest import SUPPORT_CHANNEL, RecordingSink, TeamsApp, payload

MakeApp = Callable[..., Any]


async def test_personal_message_reaches_the_desk_and_its_reference_is_kept(
    make_app: MakeApp, sink: RecordingSink
) -> None:
    app: TeamsApp = await make_app()
    response = await app.post(payload("message_personal"))
    assert response.status == 201
    (event,) = sink.events
    assert isinstance(event, MessageReceived)
    assert event.conversation == ConversationRef("teams", "a:1PersonalConvId", is_direct=True)
    for key in ("a:1PersonalConvId", "29:1CustomerAbc", "0a1b2c3d-1111-2222-3333-444455556666"):
        stored = await app.adapter.refs.get(key)
        assert stored is not None
        assert stored["serviceUrl"] == app.service_url


async def test_mention_in_a_ticket_thread_is_a_thread_reply(
    make_app: MakeApp, sink: RecordingSink
) -> None:
    app: TeamsApp = await make_app()
    assert (await app.post(payload("message_channel_mention"))).status == 201
    (event,) = sink.events
    assert isinstance(event, ThreadReplyReceived)
    assert (event.text, event.conversation.thread_id) == ("claim 42", "1763800000000")
    assert await app.adapter.refs.get(SUPPORT_CHANNEL) is not None


async def test_installation_is_announced_and_the_channel_remembered(
    make_app: MakeApp, sink: RecordingSink
) -> None:
    app: TeamsApp = await make_app()
    assert (await app.post(payload("conversation_update_installed"))).status == 201
    assert [type(e) for e in sink.events] == [BotInstalled]
    stored = await app.adapter.refs.get(SUPPORT_CHANNEL)
    assert stored is not None
    assert stored["conversation"]["conversationType"] == "channel"


async def test_execute_is_answered_with_the_refreshed_card(
    make_app: MakeApp, sink: RecordingSink
) -> None:
    def approve(event: AnyEvent) -> Outcome:
        assert isinstance(event, ChoiceSubmitted) and event.message is not None
        return Outcome(intents=(UpdateMessage(event.message, Message("Approved by Ken")),))

    sink.outcome = approve
    app: TeamsApp = await make_app()
    response = await app.post(_execute("escalation.approve", "7"))
    assert response.status == 200
    body = await response.json()
    assert (body["statusCode"], body["type"]) == (200, "application/vnd.microsoft.card.adaptive")
    assert body["value"]["body"][0]["text"] == "Approved by Ken"


async def test_execute_without_a_card_update_is_answered_with_a_message(
    make_app: MakeApp, sink: RecordingSink
) -> None:
    app: TeamsApp = await make_app()
    response = await app.post(_execute("ticket.claim", "42", locale="en-US"))
    assert response.status == 200
    assert await response.json() == {
        "statusCode": 200,
        "type": "application/vnd.microsoft.activity.message",
        "value": "Done.",
    }


async def test_execute_that_opens_a_form_says_where_to_look(
    make_app: MakeApp, sink: RecordingSink
) -> None:
    form = Form("escalation.request", "Escalate #42", (TextInput("reason", "Why?"),))
    opened = OpenForm("teams", "29:1LeadKen", "f:1", form)
    sink.outcome = lambda _event: Outcome(intents=(opened,))
    app: TeamsApp = await make_app()
    body = await (await app.post(_execute("ticket.escalate", "42", locale="en-US"))).json()
    assert body["value"] == "Please fill in the form that was just posted."


async def test_an_update_of_another_message_does_not_refresh_the_card(
    make_app: MakeApp, sink: RecordingSink
) -> None:
    other = MessageRef("teams", SUPPORT_CHANNEL, "999", "1763800000000")
    sink.outcome = lambda _event: Outcome(intents=(UpdateMessage(other, Message("x")),))
    app: TeamsApp = await make_app()
    body = await (await app.post(_execute("ticket.claim", "42"))).json()
    assert body["type"] == "application/vnd.microsoft.activity.message"


async def test_requests_that_are_not_activities_are_refused(
    make_app: MakeApp, sink: RecordingSink
) -> None:
    app: TeamsApp = await make_app()
    plain = await app.client.post(
        "/api/messages", data="hello", headers={"Content-Type": "text/plain"}
    )
    assert plain.status == 415
    broken = await app.client.post(
        "/api/messages", data="{", headers={"Content-Type": "application/json"}
    )
    assert broken.status == 400
    assert (await app.client.post("/api/messages", json={"text": "no type"})).status == 400
    assert sink.events == []


def _execute(verb: str, value: str, **changes: Any) -> dict[str, Any]:
    data = {"action": verb, "value": value}
    action = {"type": "Action.Execute", "verb": verb, "data": data}
    return payload("invoke_adaptive_card_execute", value={"action": action}, **changes)
