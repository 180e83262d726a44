"""Intents delivered to the mock Bot Framework service at `serviceUrl`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from msrest.exceptions import ClientRequestError
from supportbot_teams.outbound import _delivering

from supportbot.adapter import DeliveryError
from supportbot.events import ConversationRef, MessageRef
from supportbot.intents import OpenForm, PostEphemeral, PostMessage, SendDirect, UpdateMessage
from supportbot.messages import Button, Form, Message, TextInput

from .botservice import card_of, card_texts
from .conftest import SUPPORT_CHANNEL, TENANT, TeamsApp, payload

MakeApp = Callable[..., Any]
CARD = Message("New ticket #42", title="#42", buttons=(Button("ticket.claim", "Claim", "42"),))
SUPPORT = ConversationRef("teams", SUPPORT_CHANNEL)


@pytest.fixture
async def app(make_app: MakeApp) -> TeamsApp:
    """An app that has been installed in the support channel and written to by a customer."""
    teams: TeamsApp = await make_app()
    for fixture in ("conversation_update_installed", "message_personal"):
        assert (await teams.post(payload(fixture))).status == 201
    return teams


async def test_channel_post_starts_a_new_thread(app: TeamsApp) -> None:
    ref = await app.adapter.send(PostMessage(SUPPORT, CARD))
    (call,) = app.service.created()
    assert call.body["isGroup"] is True
    assert call.body["channelData"] == {
        "channel": {"id": SUPPORT_CHANNEL},
        "tenant": {"id": TENANT},
    }
    assert call.body["bot"]["id"] == "28:00000000-aaaa-bbbb-cccc-000000000001"
    assert card_texts(card_of(call)) == ["#42", "New ticket #42"]
    assert call.authorization is None  # emulator mode: no token
    assert ref is not None
    assert ref == MessageRef("teams", SUPPORT_CHANNEL, ref.message_id, ref.message_id)


async def test_thread_reply_card_update_and_chat_message(app: TeamsApp) -> None:
    root = await app.adapter.send(PostMessage(SUPPORT, CARD))
    assert root is not None
    reply = await app.adapter.send(PostMessage(root.as_thread, Message("Claimed by Yui")))
    updated = await app.adapter.send(UpdateMessage(root, Message("Claimed", title="#42")))
    chat = ConversationRef("teams", "a:1PersonalConvId", is_direct=True)
    ack = await app.adapter.send(PostMessage(chat, Message("We got it: ticket #42")))

    thread = f"{SUPPORT_CHANNEL};messageid={root.message_id}"
    post_in_thread, post_in_chat = app.service.posts()
    assert (post_in_thread.conversation, post_in_thread.activity_id) == (thread, None)
    assert reply == MessageRef(
        "teams", SUPPORT_CHANNEL, reply.message_id if reply else "", root.message_id
    )
    (put,) = app.service.updates()
    assert (put.conversation, put.activity_id) == (thread, root.message_id)
    assert card_texts(card_of(put)) == ["#42", "Claimed"]
    assert updated == root
    assert post_in_chat.conversation == "a:1PersonalConvId"
    assert ack is not None and (ack.channel_id, ack.thread_id) == ("a:1PersonalConvId", None)


async def test_a_thread_named_in_a_chat_is_dropped(app: TeamsApp) -> None:
    # The core names the customer's first message as the thread to answer in; chats have none.
    chat = ConversationRef("teams", "a:1PersonalConvId", "1763800400456")
    ref = await app.adapter.send(PostMessage(chat, Message("Thanks")))
    (post,) = app.service.posts()
    assert (post.conversation, post.activity_id) == ("a:1PersonalConvId", None)
    assert ref is not None and ref.thread_id is None


async def test_update_of_a_channel_root_names_its_thread(app: TeamsApp) -> None:
    root = MessageRef("teams", SUPPORT_CHANNEL, "1763800000000")  # as the core stores a root
    await app.adapter.send(UpdateMessage(root, Message("Claimed")))
    (put,) = app.service.updates()
    assert put.conversation == f"{SUPPORT_CHANNEL};messageid=1763800000000"
    assert put.activity_id == "1763800000000"


async def test_direct_message_uses_the_stored_personal_chat(app: TeamsApp) -> None:
    for user in ("29:1CustomerAbc", "0a1b2c3d-1111-2222-3333-444455556666"):
        ref = await app.adapter.send(SendDirect("teams", user, Message("How did we do?")))
        assert ref is not None and ref.channel_id == "a:1PersonalConvId"
    assert [c.conversation for c in app.service.posts()] == ["a:1PersonalConvId"] * 2


async def test_direct_message_to_a_stranger_opens_a_chat_first(app: TeamsApp) -> None:
    ref = await app.adapter.send(SendDirect("teams", "29:1NewPerson", Message("Hello")))
    (created,) = app.service.created()
    assert created.body["isGroup"] is False
    assert created.body["members"] == [{"id": "29:1NewPerson"}]
    (post,) = app.service.posts()
    assert post.conversation == "a:chat-with-29:1NewPerson"
    assert ref is not None and ref.channel_id == "a:chat-with-29:1NewPerson"
    await app.adapter.send(SendDirect("teams", "29:1NewPerson", Message("Again")))
    assert len(app.service.created()) == 1  # the chat was remembered
    assert app.service.posts()[-1].conversation == "a:chat-with-29:1NewPerson"


async def test_ephemeral_goes_to_the_personal_chat_or_else_the_conversation(app: TeamsApp) -> None:
    thread = SUPPORT.in_thread("1763800000000")
    await app.adapter.send(PostEphemeral(thread, "29:1CustomerAbc", Message("Only you")))
    await app.adapter.send(PostEphemeral(thread, "29:1NoChatYet", Message("Only you")))
    to_chat, to_thread = app.service.posts()
    assert to_chat.conversation == "a:1PersonalConvId"
    assert to_thread.conversation == f"{SUPPORT_CHANNEL};messageid=1763800000000"


async def test_form_is_posted_as_a_card_with_inputs(app: TeamsApp) -> None:
    form = Form("ticket.new", "New ticket", (TextInput("subject", "Subject"),))
    thread = SUPPORT.in_thread("1763800000000")
    await app.adapter.send(OpenForm("teams", "29:1CustomerAbc", None, form))
    await app.adapter.send(OpenForm("teams", "29:1LeadKen", "trigger", form, thread))
    in_chat, in_thread = app.service.posts()
    assert in_chat.conversation == "a:1PersonalConvId"
    assert in_thread.conversation == f"{SUPPORT_CHANNEL};messageid=1763800000000"
    card = card_of(in_chat)
    assert card["body"][1]["type"] == "Input.Text"
    assert card["actions"][0]["data"] == {"form": "ticket.new", "context": ""}


async def test_customer_text_is_escaped_on_the_wire(app: TeamsApp) -> None:
    from supportbot import markup

    await app.adapter.send(
        PostMessage(SUPPORT.in_thread("1"), Message(markup.escape("<at>Ken</at> **hi**")))
    )
    (post,) = app.service.posts()
    card = card_of(post)
    assert card_texts(card) == ["\\<at\\>Ken\\</at\\> \\*\\*hi\\*\\*"]
    assert "entities" not in card["msteams"]


@pytest.mark.parametrize(
    ("status", "retryable", "calls"),
    [(500, True, 3), (429, True, 3), (403, False, 1), (404, False, 1)],
)
async def test_service_failures_become_delivery_errors(
    app: TeamsApp, status: int, retryable: bool, calls: int
) -> None:
    before = len(app.service.calls)
    app.service.fail_with = status
    with pytest.raises(DeliveryError) as caught:
        await app.adapter.send(PostMessage(SUPPORT, CARD))
    assert caught.value.retryable is retryable
    assert str(status) in str(caught.value)
    assert len(app.service.calls) - before == calls  # 429 and 5xx are retried quickly first


async def test_a_throttled_call_succeeds_on_a_quick_retry(app: TeamsApp) -> None:
    app.service.fail_with, app.service.fail_times = 429, 1
    ref = await app.adapter.send(PostMessage(SUPPORT.in_thread("1"), CARD))
    assert ref is not None
    assert [c.conversation for c in app.service.posts()] == [f"{SUPPORT_CHANNEL};messageid=1"] * 2


async def test_a_long_retry_after_is_left_to_the_outbox(app: TeamsApp) -> None:
    app.service.fail_with, app.service.retry_after = 503, "120"
    with pytest.raises(DeliveryError) as caught:
        await app.adapter.send(PostMessage(SUPPORT.in_thread("1"), CARD))
    assert caught.value.retryable is True
    assert len(app.service.posts()) == 1


async def test_without_any_reference_delivery_waits_for_an_installation(make_app: MakeApp) -> None:
    app: TeamsApp = await make_app()
    with pytest.raises(DeliveryError, match="no conversation reference") as caught:
        await app.adapter.send(PostMessage(SUPPORT, CARD))
    assert caught.value.retryable is True
    assert app.service.calls == []


NETWORK_ERRORS = [ClientRequestError("refused"), ConnectionResetError(), TimeoutError()]


@pytest.mark.parametrize("error", NETWORK_ERRORS)
async def test_network_failures_are_retryable(error: Exception) -> None:
    # (An unreachable service is only reported after msrest's own retries with back-off.)
    with pytest.raises(DeliveryError) as caught:
        async with _delivering("post to x"):
            raise error
    assert caught.value.retryable is True


async def test_tokens_are_fetched_off_the_event_loop() -> None:
    import threading

    from supportbot_teams.connectors import _warm_token

    class Credentials:
        microsoft_app_id = "00000000-1111-2222-3333-444444444444"
        fetched_on: threading.Thread | None = None

        def get_access_token(self) -> str:  # msal blocks here, on a real network
            self.fetched_on = threading.current_thread()
            return "token"

    credentials = Credentials()
    await _warm_token(credentials)
    assert credentials.fetched_on not in (None, threading.main_thread())
