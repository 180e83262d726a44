"""Browser actions POSTed to the playground become the same events the other adapters produce."""

from __future__ import annotations

from supportbot.events import (
    ChoiceSubmitted,
    CommandInvoked,
    FormSubmitted,
    MessageReceived,
    ReactionAdded,
    ThreadReplyReceived,
)
from supportbot.intents import OpenForm, PostMessage
from supportbot.messages import Button, Choice, Form, Message, Option, TextInput
from supportbot.playground.inbound import command_text, conversation, strip_bot_mention

from .helpers import Playground


def test_command_and_mention_parsing() -> None:
    assert command_text("/support claim 42") == "claim 42"
    assert command_text("  /support ") == ""
    assert command_text("/supportive words") is None
    assert strip_bot_mention("@SupportBot claim 42") == (True, "claim 42")
    assert strip_bot_mention("hello @bot") == (False, "hello @bot")


async def test_a_customer_message_is_stored_and_becomes_message_received(
    playground: Playground,
) -> None:
    answer = await playground.act(
        persona="yuki", type="post", channel="customers", text="ログインできません"
    )
    assert answer == {"ok": True, "error": None, "status": 200}
    (event,) = playground.desk.events
    assert isinstance(event, MessageReceived)
    assert event.text == "ログインできません"
    assert event.conversation == conversation("customers")
    assert event.actor.user_id == "yuki" and event.actor.organization == "acme"
    assert event.actor.locale == "ja" and event.actor.display_name == "Yuki Tanaka"
    stored = await playground.adapter.store.get(int(event.message_id))
    assert stored is not None and stored.author == "yuki"


async def test_a_reply_in_a_thread_becomes_thread_reply_received(playground: Playground) -> None:
    await playground.act(persona="aiko", type="post", channel="support", text="root")
    root = playground.desk.events[0]
    assert isinstance(root, MessageReceived)
    await playground.act(
        persona="mei", type="post", channel="support", thread=root.message_id, text="@bot on it"
    )
    reply = playground.desk.events[1]
    assert isinstance(reply, ThreadReplyReceived)
    assert reply.conversation.thread_id == root.message_id
    assert reply.mentions_bot and reply.text == "on it"


async def test_a_reply_to_a_missing_thread_is_refused(playground: Playground) -> None:
    answer = await playground.act(
        persona="aiko", type="post", channel="support", thread="999", text="x"
    )
    assert answer["status"] == 400 and "no thread" in answer["error"]
    assert playground.desk.events == []


async def test_slash_support_becomes_a_command(playground: Playground) -> None:
    await playground.act(persona="aiko", type="post", channel="support", text="/support queue")
    (event,) = playground.desk.events
    assert isinstance(event, CommandInvoked)
    assert event.text == "queue" and event.trigger_id
    history = await playground.adapter.store.history("ken", 10)
    assert history == []  # the typed command is private to whoever typed it


async def test_every_action_gets_its_own_event_id_unless_the_page_retries(
    playground: Playground,
) -> None:
    for _ in range(2):
        await playground.act(persona="aiko", type="post", channel="support", text="hi")
    await playground.act(
        id="page-action-0001", persona="aiko", type="post", channel="support", text="x"
    )
    ids = [e.event_id for e in playground.desk.events]
    assert len(set(ids)) == 3 and ids[2] == "pg-page-action-0001"


async def test_buttons_and_choices_become_choice_submitted(playground: Playground) -> None:
    card = Message(
        text="card",
        buttons=(Button("ticket.claim", "Claim", "42"),),
        choices=(Choice("csat.answer", "Score", (Option("5", "5"),), context="poll-7"),),
    )
    ref = await playground.adapter.send(PostMessage(conversation("support"), card))
    assert ref is not None
    await playground.act(
        persona="aiko", type="button", message=ref.message_id, action="ticket.claim", value="42"
    )
    await playground.act(
        persona="yuki", type="choice", message=ref.message_id, action="csat.answer", value="5"
    )
    click, choice = playground.desk.events
    assert isinstance(click, ChoiceSubmitted) and isinstance(choice, ChoiceSubmitted)
    assert (click.action, click.value, click.message) == ("ticket.claim", "42", ref)
    assert click.trigger_id
    assert (choice.action, choice.value, choice.values) == (
        "csat.answer",
        "5",
        {"context": "poll-7"},
    )


async def test_a_button_that_is_not_on_the_message_is_refused(playground: Playground) -> None:
    ref = await playground.adapter.send(PostMessage(conversation("support"), Message(text="x")))
    assert ref is not None
    answer = await playground.act(
        persona="aiko", type="button", message=ref.message_id, action="ticket.claim", value="1"
    )
    assert answer["status"] == 400 and playground.desk.events == []


async def test_a_ticket_reaction_carries_the_message_and_its_author(playground: Playground) -> None:
    await playground.act(persona="yuki", type="post", channel="customers", text="<b>help</b>")
    posted = playground.desk.events[0]
    assert isinstance(posted, MessageReceived)
    await playground.act(persona="aiko", type="react", message=posted.message_id)
    reaction = playground.desk.events[1]
    assert isinstance(reaction, ReactionAdded)
    assert reaction.reaction == "ticket" and reaction.text == "<b>help</b>"
    assert reaction.author is not None and reaction.author.user_id == "yuki"
    assert reaction.actor.user_id == "aiko" and reaction.message_id == posted.message_id


async def test_a_submitted_form_becomes_form_submitted_once(playground: Playground) -> None:
    form = Form("escalation.request", "Escalate", (TextInput("reason", "Why?"),), context="42")
    where = conversation("support", "1")
    await playground.adapter.send(OpenForm("playground", "aiko", "t", form, where))
    state = await playground.adapter.store.get(1)
    assert state is not None and state.kind == "form"
    empty = await playground.act(persona="aiko", type="form", form="1", values={"reason": " "})
    assert empty["status"] == 400 and "Why?" in empty["error"]  # the label the user saw
    other = await playground.act(persona="ken", type="form", form="1", values={"reason": "x"})
    assert other["status"] == 400
    await playground.act(persona="aiko", type="form", form="1", values={"reason": "P1 outage"})
    again = await playground.act(persona="aiko", type="form", form="1", values={"reason": "x"})
    assert again["status"] == 400
    (event,) = playground.desk.events
    assert isinstance(event, FormSubmitted)
    assert (event.form, event.values, event.context) == (
        "escalation.request",
        {"reason": "P1 outage"},
        "42",
    )
    assert event.conversation == where


async def test_direct_messages_to_the_bot(playground: Playground) -> None:
    await playground.act(persona="yuki", type="post", channel="dm:yuki", text="hello")
    (event,) = playground.desk.events
    assert isinstance(event, MessageReceived) and event.conversation.is_direct
    answer = await playground.act(persona="yuki", type="post", channel="dm:aiko", text="hello")
    assert answer["status"] == 400


async def test_malformed_actions_are_refused_with_a_reason(playground: Playground) -> None:
    assert (await playground.act(persona="nobody", type="post", channel="x", text="y"))[
        "status"
    ] == 400
    assert (await playground.act(persona="aiko", type="dance"))[
        "error"
    ] == "unknown action type 'dance'"
    assert (await playground.act(persona="aiko", type="post", channel="support", text=" "))[
        "status"
    ] == 400
    response = await playground.client.post("/playground/api/actions", data=b"not json")
    assert response.status == 400
