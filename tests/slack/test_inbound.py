"""The pure translators on recorded Slack payloads."""

from __future__ import annotations

import copy
from urllib.parse import parse_qsl

from supportbot_slack import ids, inbound
from supportbot_slack.render import render_form
from supportbot_slack.slacktext import to_plain

from supportbot.events import (
    Actor,
    BotInstalled,
    ChoiceSubmitted,
    CommandInvoked,
    ConversationRef,
    FormSubmitted,
    MessageReceived,
    MessageRef,
    ThreadReplyReceived,
)
from supportbot.messages import Form, SelectInput, TextInput

from .kit import fixture_json, fixture_text


def test_shared_channel_message_is_a_message_from_the_customers_org() -> None:
    event = inbound.event_to_event(fixture_json("event_message_shared_channel.json"))
    assert isinstance(event, MessageReceived)
    assert event.event_id == "Ev0MESSAGE001"
    assert event.actor == Actor("slack", "U0CUSTOMER1", organization="T0CUSTOMERORG")
    assert event.conversation == ConversationRef("slack", "C0ACMESHARED")
    assert event.message_id == "1763800000.000100"
    assert event.text.startswith("Our invoices page returns a 500")
    assert event.text.endswith("@channel")  # Slack's <!channel> read as a person would
    assert not event.mentions_bot


def test_thread_reply_names_the_thread_root() -> None:
    event = inbound.event_to_event(fixture_json("event_message_thread_reply.json"))
    assert isinstance(event, ThreadReplyReceived)
    assert event.conversation == ConversationRef("slack", "C0ACMESHARED", "1763800000.000100")
    assert event.text == "Thanks, it works again!"
    assert event.message_id == "1763803600.000200"


def test_app_mention_strips_the_bot_and_marks_it() -> None:
    event = inbound.event_to_event(fixture_json("event_app_mention.json"))
    assert isinstance(event, MessageReceived)
    assert event.mentions_bot
    assert event.text == "laptop won't join VPN, urgent"
    assert event.conversation == ConversationRef("slack", "C0ITHELP")


def test_app_mention_inside_a_thread_is_a_mentioning_reply() -> None:
    body = fixture_json("event_app_mention.json")
    body["event"].update(text="<@U0BOT> claim 42", thread_ts="1763800000.000100")
    event = inbound.event_to_event(body)
    assert isinstance(event, ThreadReplyReceived)
    assert event.mentions_bot and event.text == "claim 42"


def test_channel_message_mentioning_the_bot_is_left_to_app_mention() -> None:
    # Slack sends both `message` and `app_mention` for it; only one may become a ticket.
    body = fixture_json("event_message_shared_channel.json")
    body["event"]["text"] = "<@U0BOT> help please"
    assert inbound.event_to_event(body) is None


def test_direct_message_is_direct_and_may_mention_the_bot() -> None:
    body = fixture_json("event_message_shared_channel.json")
    body["event"].update(channel="D0CUSTOMER", channel_type="im", text="<@U0BOT> my login fails")
    event = inbound.event_to_event(body)
    assert isinstance(event, MessageReceived)
    assert event.conversation.is_direct
    assert event.mentions_bot and event.text == "my login fails"


def test_own_edits_and_joins_are_not_messages() -> None:
    base = fixture_json("event_message_shared_channel.json")
    own = copy.deepcopy(base)
    own["event"].update(user="U0BOT", bot_id="B0BOT")
    edited = copy.deepcopy(base)
    edited["event"]["subtype"] = "message_changed"
    joined = copy.deepcopy(base)
    joined["event"]["subtype"] = "channel_join"
    assert [inbound.event_to_event(b) for b in (own, edited, joined)] == [None, None, None]


def test_file_share_keeps_the_files() -> None:
    body = fixture_json("event_message_shared_channel.json")
    body["event"].update(subtype="file_share", files=[{"permalink": "https://x/f1"}])
    event = inbound.event_to_event(body)
    assert isinstance(event, MessageReceived)
    assert event.files == ("https://x/f1",)


def test_bot_joining_a_channel_is_an_install() -> None:
    body = fixture_json("event_app_mention.json")
    body["event"] = {
        "type": "member_joined_channel",
        "user": "U0BOT",
        "channel": "C0NEW",
        "inviter": "U0AGENT1",
        "event_ts": "1763801000.1",
    }
    event = inbound.event_to_event(body)
    assert isinstance(event, BotInstalled)
    assert event.conversation.channel_id == "C0NEW" and event.actor.user_id == "U0AGENT1"


def test_ticket_reaction_carries_the_fetched_message() -> None:
    target = {
        "user": "U0EMPLOYEE9",
        "text": "printer on 3F &lt;jammed&gt;",
        "ts": "1763802000.000400",
    }
    event = inbound.reaction_to_event(fixture_json("event_reaction_added.json"), target)
    assert event is not None
    assert event.event_id == "Ev0REACTION001"
    assert event.reaction == "ticket"
    assert event.message_id == "1763802000.000400"
    assert event.text == "printer on 3F <jammed>"
    assert event.actor.user_id == "U0AGENT1"
    assert event.author is not None and event.author.user_id == "U0EMPLOYEE9"
    assert event.conversation == ConversationRef("slack", "C0GENERAL")


def test_admission_tickets_reaction_counts_too() -> None:
    body = fixture_json("event_reaction_added.json")
    body["event"]["reaction"] = "admission_tickets"
    event = inbound.reaction_to_event(body, None)
    assert event is not None and event.reaction == "admission_tickets"


def test_other_reactions_are_ignored() -> None:
    body = fixture_json("event_reaction_added.json")
    body["event"]["reaction"] = "eyes"
    assert inbound.reaction_to_event(body, None) is None


def test_slash_command_text_and_trigger() -> None:
    body = dict(parse_qsl(fixture_text("slash_command.form.txt"), keep_blank_values=True))
    event = inbound.command_to_event(body)
    assert isinstance(event, CommandInvoked)
    assert event.text == "claim 42"
    assert event.trigger_id == "13345224609.738474920.8088930838d88f008e0"
    assert event.actor.user_id == "U0AGENT1" and event.actor.display_name == "aiko"
    assert event.conversation == ConversationRef("slack", "C0SUPPORT")


def test_button_click_names_action_value_and_the_message() -> None:
    event = inbound.action_to_event(fixture_json("block_actions_approve.json"))
    assert isinstance(event, ChoiceSubmitted)
    assert event.action == "escalation_approve"
    assert event.value == '{"ticket": 42, "escalation": 7}'
    assert event.message == MessageRef(
        "slack", "C0SUPPORT", "1763800100.000600", "1763800050.000550"
    )
    assert event.trigger_id and event.event_id.startswith("action:")
    assert event.values == {}


def test_choice_click_carries_the_choice_context() -> None:
    body = fixture_json("block_actions_approve.json")
    body["actions"] = [
        {
            "type": "button",
            "action_id": ids.action_id("csat.score", 4),
            "block_id": ids.choice_block_id(0, "poll-17"),
            "value": "5",
            "action_ts": "1763800300.1",
        }
    ]
    event = inbound.action_to_event(body)
    assert event is not None
    assert (event.action, event.value, event.values) == ("csat.score", "5", {"context": "poll-17"})


def test_menu_choice_reads_the_selected_option() -> None:
    body = fixture_json("block_actions_approve.json")
    body["actions"] = [
        {
            "type": "static_select",
            "action_id": ids.action_id("handoff.department", 0),
            "block_id": ids.choice_block_id(1, "ticket-42"),
            "selected_option": {"value": "sales", "text": {"type": "plain_text", "text": "Sales"}},
            "action_ts": "1763800300.1",
        }
    ]
    event = inbound.action_to_event(body)
    assert event is not None and (event.action, event.value) == ("handoff.department", "sales")


def test_form_submission_values_by_input_name() -> None:
    event = inbound.view_to_event(fixture_json("view_submission.json"))
    assert isinstance(event, FormSubmitted)
    assert event.form == "escalate_modal"
    assert event.values == {
        "reason": "Customer is on the enterprise plan; outage affects billing",
        "department": "engineering",
    }
    assert event.context == '{"ticket": 42}'  # not ours: the metadata is passed whole
    assert event.conversation == ConversationRef("slack", "U0AGENT1", is_direct=True)


def test_form_round_trip_keeps_context_and_conversation() -> None:
    form = Form(
        "escalation.request",
        "Escalate ticket 42",
        (TextInput("reason", "Why?", multiline=True), SelectInput("department", "To", ())),
        context="42",
    )
    view = render_form(form, ids.FormMeta("42", "C0SUPPORT", "1763800000.000100"))
    body = fixture_json("view_submission.json")
    body["view"].update(callback_id=view["callback_id"], private_metadata=view["private_metadata"])
    event = inbound.view_to_event(body)
    assert (event.form, event.context) == ("escalation.request", "42")
    assert event.conversation == ConversationRef("slack", "C0SUPPORT", "1763800000.000100")


def test_slack_text_reads_as_plain_text() -> None:
    text = (
        "hi <@U0AGENT1|aiko> and <@U0LEAD1> in <#C0SUPPORT|support> <!here> <!subteam^S1|@eng> "
        "see <https://example.com/a?b=1&amp;c=2|the docs> or <https://example.com> "
        "<mailto:a@example.com|a@example.com> 1 &lt; 2 &amp;&amp; 3 &gt; 2"
    )
    assert to_plain(text) == (
        "hi @U0AGENT1 and @U0LEAD1 in #support @here @eng "
        "see the docs (https://example.com/a?b=1&c=2) or https://example.com "
        "a@example.com 1 < 2 && 3 > 2"
    )
