"""Signed Slack requests into the running aiohttp app; the sink records what the core would get."""

from __future__ import annotations

import json
import time
from typing import Any

from supportbot.events import (
    ChoiceSubmitted,
    CommandInvoked,
    FormSubmitted,
    MessageReceived,
    ReactionAdded,
)

from .kit import SlackHarness, fixture_json, fixture_text, signed_headers, wait_for


async def test_url_verification_is_answered(slack: SlackHarness) -> None:
    response = await slack.post_json(fixture_json("url_verification.json"))
    assert response.status == 200
    assert (await response.json())["challenge"].startswith("3eZbrw1aBm2r")


async def test_bad_signature_is_refused_and_nothing_reaches_the_core(slack: SlackHarness) -> None:
    body = json.dumps(fixture_json("event_message_shared_channel.json"))
    headers = {"Content-Type": "application/json", **signed_headers(body, secret="wrong")}
    response = await slack.client.post("/slack/events", data=body, headers=headers)
    assert response.status == 401
    unsigned = await slack.client.post("/slack/events", data=body)
    assert unsigned.status == 401
    await _sentinel_arrives(slack)
    assert [e.event_id for e in slack.sink.events] == ["EvSENTINEL"]


async def test_stale_timestamp_is_refused(slack: SlackHarness) -> None:
    body = json.dumps(fixture_json("event_message_shared_channel.json"))
    stale = signed_headers(body, timestamp=int(time.time()) - 10 * 60)
    headers = {"Content-Type": "application/json", **stale}
    response = await slack.client.post("/slack/events", data=body, headers=headers)
    assert response.status == 401
    await _sentinel_arrives(slack)
    assert [e.event_id for e in slack.sink.events] == ["EvSENTINEL"]


async def test_intake_message_reaches_the_core_with_slacks_event_id(slack: SlackHarness) -> None:
    slack.api.users["U0CUSTOMER1"] = {
        "id": "U0CUSTOMER1",
        "name": "dana",
        "locale": "ja-JP",
        "profile": {"display_name": "Dana (Acme)"},
    }
    response = await slack.post_json(fixture_json("event_message_shared_channel.json"))
    assert response.status == 200
    (event,) = await wait_for(lambda: slack.sink.events)
    assert isinstance(event, MessageReceived)
    assert event.event_id == "Ev0MESSAGE001"
    assert event.actor.organization == "T0CUSTOMERORG"
    assert (event.actor.display_name, event.actor.locale) == ("Dana (Acme)", "ja")


async def test_a_retried_event_keeps_its_event_id(slack: SlackHarness) -> None:
    payload = fixture_json("event_message_shared_channel.json")
    first = await slack.post_json(payload)
    retry = await slack.post_json(
        payload, **{"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    )
    assert (first.status, retry.status) == (200, 200)
    events = await wait_for(lambda: len(slack.sink.events) == 2 and slack.sink.events)
    # The core's inbox drops the second one by this id.
    assert {e.event_id for e in events} == {"Ev0MESSAGE001"}


async def test_the_bots_own_messages_are_ignored(slack: SlackHarness) -> None:
    payload = fixture_json("event_message_shared_channel.json")
    payload["event"].update(user="U0BOT", bot_id="B0BOT", team="T0001")
    payload["event_id"] = "Ev0OWN"
    assert (await slack.post_json(payload)).status == 200
    await _sentinel_arrives(slack)
    assert [e.event_id for e in slack.sink.events] == ["EvSENTINEL"]


async def test_ticket_reaction_fetches_the_message_text(slack: SlackHarness) -> None:
    slack.api.messages[("C0GENERAL", "1763802000.000400")] = {
        "type": "message",
        "user": "U0EMPLOYEE9",
        "text": "VPN drops every 10 minutes",
        "ts": "1763802000.000400",
    }
    await slack.post_json(fixture_json("event_reaction_added.json"))
    (event,) = await wait_for(lambda: slack.sink.events)
    assert isinstance(event, ReactionAdded)
    assert event.text == "VPN drops every 10 minutes"
    assert event.author is not None and event.author.user_id == "U0EMPLOYEE9"
    (history,) = slack.api.named("conversations.history")
    assert history.args["channel"] == "C0GENERAL"


async def test_ticket_reaction_on_a_thread_reply_reads_the_replies(slack: SlackHarness) -> None:
    slack.api.messages[("C0GENERAL", "1763802000.000400")] = {
        "type": "message",
        "user": "U0EMPLOYEE9",
        "text": "still broken",
        "ts": "1763802000.000400",
        "thread_ts": "1763801000.000100",
    }
    original = slack.api._answer

    def history_without_replies(method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method == "conversations.history":  # history lists only top-level messages
            return {"ok": True, "messages": []}
        return original(method, args)

    slack.api._answer = history_without_replies  # type: ignore[method-assign]
    await slack.post_json(fixture_json("event_reaction_added.json"))
    (event,) = await wait_for(lambda: slack.sink.events)
    assert isinstance(event, ReactionAdded) and event.text == "still broken"
    assert event.conversation.thread_id == "1763801000.000100"


async def test_slash_command_is_acked_and_becomes_a_command(slack: SlackHarness) -> None:
    response = await slack.post(fixture_text("slash_command.form.txt"), form=True)
    assert response.status == 200
    (event,) = await wait_for(lambda: slack.sink.events)
    assert isinstance(event, CommandInvoked)
    assert event.text == "claim 42" and event.trigger_id


async def test_button_click_becomes_a_choice(slack: SlackHarness) -> None:
    response = await slack.post_interaction(fixture_json("block_actions_approve.json"))
    assert response.status == 200
    (event,) = await wait_for(lambda: slack.sink.events)
    assert isinstance(event, ChoiceSubmitted)
    assert event.action == "escalation_approve"
    assert event.message is not None and event.message.message_id == "1763800100.000600"


async def test_modal_submission_closes_the_modal_and_becomes_a_form(slack: SlackHarness) -> None:
    response = await slack.post_interaction(fixture_json("view_submission.json"))
    assert response.status == 200
    assert await response.text() == ""  # an empty answer closes the modal
    (event,) = await wait_for(lambda: slack.sink.events)
    assert isinstance(event, FormSubmitted)
    assert event.values["department"] == "engineering"


async def _sentinel_arrives(slack: SlackHarness) -> None:
    """A valid event sent last: once it has arrived, an earlier one would have too."""
    payload = fixture_json("event_message_thread_reply.json")
    payload["event_id"] = "EvSENTINEL"
    assert (await slack.post_json(payload)).status == 200
    await wait_for(lambda: any(e.event_id == "EvSENTINEL" for e in slack.sink.events))


async def test_profiles_are_looked_up_once_per_user(slack: SlackHarness) -> None:
    first = fixture_json("event_message_shared_channel.json")
    second = fixture_json("event_message_thread_reply.json")
    await slack.post_json(first)
    await wait_for(lambda: slack.sink.events)
    await slack.post_json(second)
    await wait_for(lambda: len(slack.sink.events) == 2)
    # Unknown to Slack (user_not_found) is remembered too: asking again would not help.
    assert len(slack.api.named("users.info")) == 1
