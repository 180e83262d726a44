"""Pure translators: a Slack request body (as Bolt parsed it) → a platform-neutral Event.

They decide nothing about meaning (is this channel an intake channel? is this text a command?):
the core does. They only pick the right Event type, pass Slack's delivery id through as
`event_id` (so the core's inbox drops Slack's retries) and drop what is noise: our own
messages, edits, joins and other message subtypes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from supportbot.events import (
    Actor,
    AnyEvent,
    BotInstalled,
    ChoiceSubmitted,
    CommandInvoked,
    ConversationRef,
    FormSubmitted,
    MessageReceived,
    MessageRef,
    ReactionAdded,
    ThreadReplyReceived,
)
from supportbot_slack import ids
from supportbot_slack.slacktext import mentions, to_plain

PLATFORM = "slack"
# Slack names 🎫 `ticket` and 🎟 `admission_tickets`; both mean "make this a ticket".
TICKET_REACTIONS = frozenset({"ticket", "admission_tickets"})
# Subtypes that are still a person writing something; the rest (edits, deletions, joins,
# bot_message, channel topic changes, …) are not messages to a support desk.
_WRITTEN_SUBTYPES = frozenset({None, "file_share", "thread_broadcast", "me_message"})

Body = Mapping[str, Any]


def bot_user_of(body: Body) -> str | None:
    """The bot's own user id, as Slack states it in every Events API callback."""
    for authorization in body.get("authorizations") or ():
        if authorization.get("is_bot"):
            return str(authorization.get("user_id") or "") or None
    return None


def event_to_event(body: Body, *, bot_user_id: str | None = None) -> AnyEvent | None:
    """An Events API callback → MessageReceived / ThreadReplyReceived / BotInstalled (or None).

    `reaction_added` needs the reacted-to message, so it has its own `reaction_to_event`.
    """
    event = body.get("event") or {}
    bot = bot_user_id or bot_user_of(body)
    match event.get("type"):
        case "message":
            return _message(body, event, bot)
        case "app_mention":
            return _written(body, event, bot, mentioned=True)
        case "member_joined_channel" if bot and event.get("user") == bot:
            return _installed(body, event)
    return None


def reaction_to_event(body: Body, target: Mapping[str, Any] | None) -> ReactionAdded | None:
    """A `:ticket:` reaction; `target` is the reacted-to message fetched from the Web API."""
    event = body.get("event") or {}
    item = event.get("item") or {}
    if event.get("reaction") not in TICKET_REACTIONS or item.get("type") != "message":
        return None
    target = target or {}
    ts = str(item.get("ts", ""))
    thread = target.get("thread_ts")
    author_id = target.get("user") or event.get("item_user")
    return ReactionAdded(
        event_id=str(body["event_id"]),
        actor=Actor(PLATFORM, str(event.get("user", "")), organization=_org(body, event)),
        conversation=_conversation(str(item.get("channel", "")), thread if thread != ts else None),
        occurred_at=_when(event.get("event_ts")),
        reaction=str(event["reaction"]),
        message_id=ts,
        text=to_plain(str(target.get("text", ""))),
        author=Actor(PLATFORM, str(author_id), organization=_org(body, target))
        if author_id
        else None,
    )


def with_reacted_message(event: ReactionAdded, target: Mapping[str, Any]) -> ReactionAdded:
    """The reaction with the message it is on, as the Web API returned it (`target`)."""
    ts = event.message_id
    thread = target.get("thread_ts")
    author_id = target.get("user") or (event.author.user_id if event.author else None)
    conversation = _conversation(
        event.conversation.channel_id, str(thread) if thread and thread != ts else None
    )
    author = event.author
    if author_id:
        org = (
            target.get("user_team")
            or target.get("team")
            or (author.organization if author else None)
        )
        author = Actor(PLATFORM, str(author_id), organization=str(org) if org else None)
    return dataclasses.replace(
        event,
        conversation=conversation,
        text=to_plain(str(target.get("text", ""))),
        author=author,
    )


def command_to_event(body: Body) -> CommandInvoked:
    """`/support claim 42` (a form-encoded slash command) → CommandInvoked(text="claim 42")."""
    trigger = str(body.get("trigger_id") or "")
    return CommandInvoked(
        event_id=f"command:{trigger}",
        actor=Actor(
            PLATFORM,
            str(body.get("user_id", "")),
            display_name=str(body.get("user_name") or ""),
            organization=str(body.get("team_id") or "") or None,
        ),
        conversation=_conversation(str(body.get("channel_id", ""))),
        text=to_plain(str(body.get("text") or "")).strip(),
        trigger_id=trigger or None,
    )


def action_to_event(body: Body) -> ChoiceSubmitted | None:
    """A button click or menu choice on one of our messages → ChoiceSubmitted."""
    actions = body.get("actions") or ()
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    if not actions or not channel:
        return None  # a button inside a modal: our forms have none
    action = actions[0]
    thread = container.get("thread_ts")
    choice_context = ids.choice_context(str(action.get("block_id", "")))
    message = None
    if container.get("message_ts") and not container.get("is_ephemeral"):
        message = MessageRef(PLATFORM, channel, str(container["message_ts"]), thread)
    return ChoiceSubmitted(
        event_id=f"action:{body.get('trigger_id') or action.get('action_ts')}",
        actor=_interaction_actor(body),
        conversation=_conversation(channel, thread),
        occurred_at=_when(action.get("action_ts")),
        action=ids.action_name(str(action.get("action_id", ""))),
        value=_action_value(action),
        message=message,
        trigger_id=body.get("trigger_id"),
        values={} if choice_context is None else {"context": choice_context},
    )


def view_to_event(body: Body) -> FormSubmitted:
    """A submitted modal → FormSubmitted(form=callback_id, values={input name: value})."""
    view = body.get("view") or {}
    meta = ids.FormMeta.decode(str(view.get("private_metadata") or ""))
    actor = _interaction_actor(body)
    conversation = (
        _conversation(meta.channel, meta.thread)
        if meta.channel
        # No conversation to answer in: the user's own messages tab with the app.
        else ConversationRef(PLATFORM, actor.user_id, is_direct=True)
    )
    return FormSubmitted(
        event_id=f"view:{view.get('id', '')}:{view.get('hash', '')}",
        actor=actor,
        conversation=conversation,
        form=str(view.get("callback_id", "")),
        values=_form_values(view.get("state") or {}),
        context=meta.context,
    )


def _message(body: Body, event: Mapping[str, Any], bot: str | None) -> AnyEvent | None:
    if event.get("subtype") not in _WRITTEN_SUBTYPES or not event.get("user"):
        return None
    mentioned = bot is not None and _mentions(event, bot)
    if mentioned and event.get("channel_type") != "im":
        return None  # Slack also sends `app_mention` for it: that one becomes the event
    return _written(body, event, bot, mentioned=mentioned)


def _written(
    body: Body, event: Mapping[str, Any], bot: str | None, *, mentioned: bool
) -> AnyEvent | None:
    user = str(event.get("user") or "")
    if not user or user == bot:
        return None
    ts = str(event.get("ts", ""))
    thread = event.get("thread_ts")
    text = to_plain(str(event.get("text", "")), strip_user=bot if mentioned else None)
    common: dict[str, Any] = {
        "event_id": str(body["event_id"]),
        "actor": _event_actor(body, event),
        "occurred_at": _when(ts),
        "text": text,
        "message_id": ts,
        "mentions_bot": mentioned,
    }
    direct = event.get("channel_type") == "im"
    channel = str(event.get("channel", ""))
    if thread and thread != ts:
        return ThreadReplyReceived(conversation=_conversation(channel, thread, direct), **common)
    files = tuple(str(f.get("permalink") or f.get("name") or "") for f in event.get("files") or ())
    return MessageReceived(conversation=_conversation(channel, None, direct), files=files, **common)


def _installed(body: Body, event: Mapping[str, Any]) -> BotInstalled:
    inviter = str(event.get("inviter") or event.get("user") or "")
    return BotInstalled(
        event_id=str(body["event_id"]),
        actor=Actor(PLATFORM, inviter, organization=_org(body, event)),
        conversation=_conversation(str(event.get("channel", ""))),
        occurred_at=_when(event.get("event_ts")),
    )


def _mentions(event: Mapping[str, Any], bot: str) -> bool:
    return mentions(str(event.get("text", "")), bot)


def _event_actor(body: Body, event: Mapping[str, Any]) -> Actor:
    profile = event.get("user_profile") or {}
    name = profile.get("display_name") or profile.get("real_name") or ""
    return Actor(PLATFORM, str(event["user"]), display_name=name, organization=_org(body, event))


def _interaction_actor(body: Body) -> Actor:
    user = body.get("user") or {}
    org = user.get("team_id") or (body.get("team") or {}).get("id")
    name = str(user.get("name") or user.get("username") or "")
    return Actor(PLATFORM, str(user.get("id", "")), display_name=name, organization=org)


def _org(body: Body, event: Mapping[str, Any]) -> str | None:
    # `user_team` (or `team`) is the author's own workspace: another org in Slack Connect.
    found = event.get("user_team") or event.get("team") or body.get("team_id")
    return str(found) if found else None


def _conversation(channel: str, thread: str | None = None, direct: bool = False) -> ConversationRef:
    # DM channel ids start with "D"; slash commands and clicks do not say `channel_type`.
    return ConversationRef(PLATFORM, channel, thread, direct or channel.startswith("D"))


def _when(ts: object) -> datetime | None:
    try:
        return datetime.fromtimestamp(float(str(ts)), UTC)
    except ValueError:
        return None


def _action_value(action: Mapping[str, Any]) -> str:
    selected = action.get("selected_option")
    if selected:
        return str(selected.get("value", ""))
    return str(action.get("value") or "")


def _form_values(state: Mapping[str, Any]) -> dict[str, str]:
    values: dict[str, str] = {}
    for block_id, inputs in (state.get("values") or {}).items():
        for element in inputs.values():
            values[block_id] = _element_value(element)
    return values


def _element_value(element: Mapping[str, Any]) -> str:
    selected = element.get("selected_option")
    if selected:
        return str(selected.get("value", ""))
    for key in ("value", "selected_date", "selected_time", "selected_user", "selected_channel"):
        if element.get(key) is not None:
            return str(element[key])
    return ""
