"""Translators: recorded Teams activities → neutral events."""

from __future__ import annotations

from datetime import UTC, datetime

from botbuilder.schema import Activity
from supportbot_teams.inbound import to_event

from supportbot.events import (
    Actor,
    BotInstalled,
    ChoiceSubmitted,
    ConversationRef,
    FormSubmitted,
    MessageReceived,
    MessageRef,
    ThreadReplyReceived,
)

from .conftest import SUPPORT_CHANNEL, TENANT, activity, payload


def test_personal_message_is_a_direct_message_from_the_customer_tenant() -> None:
    event = to_event(activity("message_personal"))
    assert event == MessageReceived(
        event_id="1763800400456",
        actor=Actor("teams", "29:1CustomerAbc", "Sato Customer", TENANT, "ja"),
        conversation=ConversationRef("teams", "a:1PersonalConvId", None, is_direct=True),
        occurred_at=datetime(2026, 11, 22, 8, 46, 40, 456000, tzinfo=UTC),
        text="請求書ページでエラーが出ます。至急確認お願いします。",
        message_id="1763800400456",
    )


def test_top_level_channel_post_mentioning_the_bot_has_the_mention_stripped() -> None:
    # A new channel post names itself as the thread root: `;messageid=<its own id>`.
    body = payload(
        "message_channel_mention", id="1763800000000", text="<at>SupportBot</at> help me"
    )
    event = to_event(Activity().deserialize(body))
    assert isinstance(event, MessageReceived)
    assert event.mentions_bot is True
    assert event.text == "help me"
    assert event.conversation == ConversationRef("teams", SUPPORT_CHANNEL)
    assert event.message_id == "1763800000000"


def test_reply_in_a_channel_thread_names_the_thread_root_and_the_bare_channel() -> None:
    event = to_event(activity("message_channel_mention"))
    assert isinstance(event, ThreadReplyReceived)
    assert event.conversation == ConversationRef("teams", SUPPORT_CHANNEL, "1763800000000")
    assert event.text == "claim 42"
    assert event.mentions_bot is True
    assert event.actor.organization == TENANT


def test_thread_reply_without_the_bot_mentioned() -> None:
    event = to_event(activity("message_channel_mention", text="looking at it now", entities=[]))
    assert isinstance(event, ThreadReplyReceived)
    assert (event.mentions_bot, event.text) == (False, "looking at it now")


def test_other_people_mentioned_become_id_mentions_the_command_grammar_reads() -> None:
    yui = {"id": "29:1AgentYuiXyZ", "name": "Yui Tanaka"}
    body = payload(
        "message_channel_mention",
        text="<at>SupportBot</at> assign 42 <at>Yui Tanaka</at>",
        entities=[
            *payload("message_channel_mention")["entities"],
            {"type": "mention", "mentioned": yui, "text": "<at>Yui Tanaka</at>"},
        ],
    )
    event = to_event(Activity().deserialize(body))
    assert isinstance(event, ThreadReplyReceived)
    assert event.text == "assign 42 <@29:1AgentYuiXyZ>"


def test_adaptive_card_execute_is_a_choice_on_the_card_that_carried_it() -> None:
    value = {
        "action": {
            "type": "Action.Execute",
            "verb": "escalation.approve",
            "data": {"action": "escalation.approve", "value": "7"},
        },
        "trigger": "manual",
    }
    event = to_event(activity("invoke_adaptive_card_execute", value=value))
    assert isinstance(event, ChoiceSubmitted)
    assert (event.action, event.value, event.values) == ("escalation.approve", "7", {})
    assert event.message == MessageRef("teams", SUPPORT_CHANNEL, "1763800100000", "1763800000000")
    assert event.conversation == ConversationRef("teams", SUPPORT_CHANNEL, "1763800000000")
    assert event.event_id == "f:1763800600111"
    assert event.actor.user_id == "29:1LeadKen"


def test_execute_without_our_data_keeps_the_verb_and_the_data_as_values() -> None:
    event = to_event(activity("invoke_adaptive_card_execute"))  # the fixture's foreign shape
    assert isinstance(event, ChoiceSubmitted)
    assert event.action == "escalation_approve"
    assert event.values == {"ticket": "42", "escalation": "7"}


def test_action_submit_with_a_choice_option_carries_its_context() -> None:
    value = {"action": "csat.score", "value": "5", "context": "poll-9"}
    event = to_event(activity("message_card_submit", value=value))
    assert isinstance(event, ChoiceSubmitted)
    assert (event.action, event.value, event.values) == ("csat.score", "5", {"context": "poll-9"})
    assert event.message == MessageRef("teams", "a:1PersonalConvId", "1763800450000")
    assert event.conversation.is_direct


def test_action_submit_of_a_form_is_a_form_with_its_inputs() -> None:
    value = {"form": "csat.comment", "context": "42", "comment": "Fast, thanks", "extra": 3}
    event = to_event(activity("message_card_submit", value=value))
    assert isinstance(event, FormSubmitted)
    assert (event.form, event.context) == ("csat.comment", "42")
    assert event.values == {"comment": "Fast, thanks", "extra": "3"}


def test_menu_choice_reads_the_chosen_value_from_its_input() -> None:
    value = {"action": "handoff.department", "context": "42", "choice_input": "choice_0",
             "choice_0": "sales"}  # fmt: skip
    event = to_event(activity("message_card_submit", value=value))
    assert isinstance(event, ChoiceSubmitted)
    assert (event.action, event.value, event.values) == (
        "handoff.department",
        "sales",
        {"context": "42"},
    )


def test_bot_added_to_a_team_is_an_installation() -> None:
    event = to_event(activity("conversation_update_installed"))
    assert isinstance(event, BotInstalled)
    assert event.conversation == ConversationRef("teams", SUPPORT_CHANNEL)
    assert event.actor.organization == TENANT


def test_someone_else_joining_is_not_an_installation() -> None:
    joined = [{"id": "29:1SomeoneElse"}]
    assert to_event(activity("conversation_update_installed", membersAdded=joined)) is None


def test_noise_is_ignored() -> None:
    assert to_event(activity("message_personal", type="typing")) is None
    assert to_event(activity("invoke_adaptive_card_execute", name="task/fetch")) is None
    assert to_event(activity("message_card_submit", value={"no": "action"})) is None
