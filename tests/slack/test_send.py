"""Outbound intents against the mock Web API: what Slack receives, retries, and failures."""

from __future__ import annotations

import json

import pytest
from supportbot_slack import SlackAdapter, SlackSettings

from supportbot.adapter import Delivery, DeliveryError
from supportbot.events import AnyEvent, ConversationRef, MessageRef
from supportbot.intents import OpenForm, PostEphemeral, PostMessage, SendDirect, UpdateMessage
from supportbot.markup import escape
from supportbot.messages import Form, Message, TextInput

from .kit import BOT_TOKEN, MockSlackApi, SlackHarness, StubDirectory, fixture_json, wait_for

SUPPORT = ConversationRef("slack", "C0SUPPORT")


def adapter_for(api: MockSlackApi, base_url: str | None = None) -> SlackAdapter:
    settings = SlackSettings(BOT_TOKEN, "secret", api_url=base_url or api.base_url)

    async def no_sink(event: AnyEvent) -> None:  # pragma: no cover - nothing inbound here
        raise AssertionError(event)

    return SlackAdapter(settings, sink=no_sink, directory=StubDirectory())  # type: ignore[arg-type]


async def test_post_message_returns_where_it_landed(slack_api: MockSlackApi) -> None:
    adapter = adapter_for(slack_api)
    ref = await adapter.send(PostMessage(SUPPORT.in_thread("1.1"), Message(text="On it")))
    (call,) = slack_api.named("chat.postMessage")
    assert (call.args["channel"], call.args["thread_ts"]) == ("C0SUPPORT", "1.1")
    assert call.args["blocks"][0]["text"]["text"] == "On it"
    assert ref == MessageRef("slack", "C0SUPPORT", ref.message_id if ref else "", "1.1")


async def test_a_retried_delivery_finds_the_post_an_earlier_attempt_made(
    slack_api: MockSlackApi,
) -> None:
    """A crash between Slack's answer and the outbox's record: the retry posts nothing new."""
    adapter = adapter_for(slack_api)
    card = PostMessage(SUPPORT, Message(text="#7 VPN drops"))
    first = await adapter.send(card, Delivery("d1:41"))
    other = await adapter.send(PostMessage(SUPPORT, Message(text="#8")), Delivery("d1:42"))
    again = await adapter.send(card, Delivery("d1:41", retry=True))
    assert again == first and again != other
    assert len(slack_api.named("chat.postMessage")) == 2  # the retry looked, and found it
    (look,) = slack_api.named("conversations.history")
    assert look.args["include_all_metadata"] in (True, "true", "1")
    fresh = await adapter.send(card, Delivery("d1:43", retry=True))  # never posted: posts now
    assert fresh != first and len(slack_api.named("chat.postMessage")) == 3


async def test_a_retry_in_a_thread_looks_among_the_replies(slack_api: MockSlackApi) -> None:
    adapter = adapter_for(slack_api)
    note = PostMessage(SUPPORT.in_thread("1.1"), Message(text="relay"))
    first = await adapter.send(note, Delivery("d1:50"))
    assert await adapter.send(note, Delivery("d1:50", retry=True)) == first
    assert len(slack_api.named("chat.postMessage")) == 1
    assert slack_api.named("conversations.replies")[0].args["ts"] == "1.1"


async def test_customer_channel_ping_arrives_escaped(slack: SlackHarness) -> None:
    """Customer text goes in through Slack and out to the support channel: no ping, no link."""

    async def echo(event: AnyEvent) -> None:
        text = getattr(event, "text", "")
        await slack.adapter.send(PostMessage(SUPPORT, Message(text=escape(text))))

    slack.sink.react = echo
    typed = fixture_json("event_message_shared_channel.json")
    # Typed literally, Slack sends entities; used as a real mention, it sends <!channel>.
    typed["event"]["text"] = "&lt;!channel&gt; &lt;https://evil.example|invoice&gt; <!here>"
    await slack.post_json(typed)
    (call,) = await wait_for(lambda: slack.api.named("chat.postMessage"))
    posted = json.dumps(call.args)
    assert "<!channel>" not in posted and "<!here>" not in posted and "<https" not in posted
    text = call.args["blocks"][0]["text"]
    assert text["text"] == "&lt;!channel&gt; &lt;https://evil.example|invoice&gt; @here"
    assert text["verbatim"] is True  # Slack does not turn "@here" into a mention either
    assert call.args["text"] == text["text"]


async def test_update_message_edits_in_place(slack_api: MockSlackApi) -> None:
    ref = MessageRef("slack", "C0SUPPORT", "1763800100.000600")
    result = await adapter_for(slack_api).send(UpdateMessage(ref, Message(text="Claimed by aiko")))
    (call,) = slack_api.named("chat.update")
    assert (call.args["channel"], call.args["ts"]) == ("C0SUPPORT", "1763800100.000600")
    assert result == ref


async def test_ephemeral_goes_to_one_user(slack_api: MockSlackApi) -> None:
    intent = PostEphemeral(SUPPORT, "U0AGENT1", Message(text="Ticket #42 is already claimed"))
    assert await adapter_for(slack_api).send(intent) is None
    (call,) = slack_api.named("chat.postEphemeral")
    assert (call.args["channel"], call.args["user"]) == ("C0SUPPORT", "U0AGENT1")


async def test_direct_message_opens_the_dm_first(slack_api: MockSlackApi) -> None:
    ref = await adapter_for(slack_api).send(SendDirect("slack", "U0CUSTOMER1", Message(text="Hi")))
    assert [c.method for c in slack_api.calls] == ["conversations.open", "chat.postMessage"]
    assert slack_api.calls[0].args["users"] == "U0CUSTOMER1"
    assert slack_api.calls[1].args["channel"] == "D0U0CUSTOMER1"
    assert ref is not None and ref.channel_id == "D0U0CUSTOMER1"


async def test_open_form_opens_a_modal(slack_api: MockSlackApi) -> None:
    form = Form("ticket.new", "New ticket", (TextInput("summary", "Summary"),), context="x")
    intent = OpenForm("slack", "U0AGENT1", "trigger-1", form, SUPPORT)
    assert await adapter_for(slack_api).send(intent) is None
    (call,) = slack_api.named("views.open")
    assert call.args["trigger_id"] == "trigger-1"
    assert call.args["view"]["callback_id"] == "ticket.new"


async def test_open_form_without_trigger_cannot_be_retried(slack_api: MockSlackApi) -> None:
    form = Form("ticket.new", "New ticket", ())
    with pytest.raises(DeliveryError) as caught:
        await adapter_for(slack_api).send(OpenForm("slack", "U0AGENT1", None, form))
    assert not caught.value.retryable


async def test_rate_limited_post_is_retried_after_retry_after(slack_api: MockSlackApi) -> None:
    slack_api.fail("chat.postMessage", 429, {"ok": False, "error": "ratelimited"}, Retry_After="0")
    ref = await adapter_for(slack_api).send(PostMessage(SUPPORT, Message(text="hello")))
    calls = slack_api.named("chat.postMessage")
    assert len(calls) == 2 and calls[1].args["text"] == "hello"
    assert ref is not None and ref.channel_id == "C0SUPPORT"


async def test_server_errors_are_retried_with_back_off(slack_api: MockSlackApi) -> None:
    slack_api.fail("chat.postMessage", 500)
    slack_api.fail("chat.postMessage", 503)
    ref = await adapter_for(slack_api).send(PostMessage(SUPPORT, Message(text="hello")))
    assert len(slack_api.named("chat.postMessage")) == 3 and ref is not None


async def test_a_message_that_cannot_be_sent_stays_retryable(slack_api: MockSlackApi) -> None:
    for _ in range(3):
        slack_api.fail("chat.postMessage", 503)
    with pytest.raises(DeliveryError) as caught:
        await adapter_for(slack_api).send(PostMessage(SUPPORT, Message(text="hello")))
    assert caught.value.retryable  # the core's outbox keeps it


async def test_unreachable_slack_is_retryable(slack_api: MockSlackApi) -> None:
    adapter = adapter_for(slack_api, base_url="http://127.0.0.1:9/api/")
    with pytest.raises(DeliveryError) as caught:
        await adapter.send(PostMessage(SUPPORT, Message(text="hello")))
    assert caught.value.retryable


async def test_a_wrong_channel_is_not_retried_forever(slack_api: MockSlackApi) -> None:
    slack_api.fail("chat.postMessage", 200, {"ok": False, "error": "channel_not_found"})
    with pytest.raises(DeliveryError) as caught:
        await adapter_for(slack_api).send(PostMessage(SUPPORT, Message(text="hello")))
    assert not caught.value.retryable
    assert "channel_not_found" in str(caught.value)


async def test_ephemeral_without_a_channel_becomes_a_dm(slack_api: MockSlackApi) -> None:
    # A form submitted from a modal opened nowhere in particular answers in the app's DM.
    to = ConversationRef("slack", "U0AGENT1", is_direct=True)
    await adapter_for(slack_api).send(PostEphemeral(to, "U0AGENT1", Message(text="Done")))
    assert [c.method for c in slack_api.calls] == ["chat.postMessage"]
    assert slack_api.calls[0].args["channel"] == "U0AGENT1"
