"""Pure translators: a Bot Framework Activity (as the SDK deserialized it) → a neutral Event.

They decide nothing about meaning (is this channel an intake channel? is this text a command?):
the core does. They pick the Event type, pass the activity id through as `event_id` (so the
inbox drops Teams' retries) and ignore what is noise (typing, reactions, our own updates).

Where things are in Teams: a personal chat is a direct conversation; a channel post arrives with
the conversation id `<channel>;messageid=<root>`, where the root is the post itself for a new
top-level message and the thread's first message for a reply.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from botbuilder.schema import Activity

from supportbot.events import (
    Actor,
    AnyEvent,
    BotInstalled,
    ChoiceSubmitted,
    ConversationRef,
    FormSubmitted,
    MessageReceived,
    MessageRef,
    ThreadReplyReceived,
)
from supportbot_teams import ids
from supportbot_teams.ids import PLATFORM

CARD_ACTION_INVOKE = "adaptiveCard/action"
MAX_EVENT_ID = 200  # the inbox's column
_INSTALL_ACTIONS = frozenset({"add", "add-upgrade"})
_FILE_INFO = "application/vnd.microsoft.teams.file.download.info"


def to_event(activity: Activity) -> AnyEvent | None:
    """Translate one inbound activity; None for activities the desk does not care about."""
    match activity.type:
        case "message" if isinstance(activity.value, dict) and not (activity.text or "").strip():
            return _card_action(activity, activity.value, verb="")
        case "message":
            return _message(activity)
        case "invoke" if activity.name == CARD_ACTION_INVOKE:
            action = (activity.value or {}).get("action") or {}
            return _card_action(activity, action.get("data") or {}, verb=action.get("verb") or "")
        case "conversationUpdate" if _bot_added(activity):
            return _installed(activity)
        case "installationUpdate" if (activity.action or "") in _INSTALL_ACTIONS:
            return _installed(activity)
    return None


def is_card_action_invoke(activity: Activity) -> bool:
    return bool(activity.type == "invoke" and activity.name == CARD_ACTION_INVOKE)


def tenant_of(activity: Activity) -> str | None:
    """The tenant id. `channelData.tenant.id` is the reliable place: the SDK's schema maps
    `conversation.tenantId` to a key spelled `tenantID` and drops the incoming one."""
    data = activity.channel_data if isinstance(activity.channel_data, Mapping) else {}
    tenant = data.get("tenant") or {}
    found = tenant.get("id") if isinstance(tenant, Mapping) else None
    if found:
        return str(found)
    return activity.conversation.tenant_id if activity.conversation else None


def is_direct(activity: Activity) -> bool:
    conversation = activity.conversation
    if conversation is None:
        return False
    if conversation.conversation_type:
        return bool(conversation.conversation_type == "personal")
    return not conversation.is_group  # the Bot Framework Emulator names no type: a 1:1 chat


def locate(activity: Activity) -> ConversationRef:
    """Where the activity happened: a chat, a channel, or a thread inside a channel."""
    channel_id, root = ids.split_thread(activity.conversation.id or "")
    thread = root if root and root != activity.id else None
    return ConversationRef(PLATFORM, channel_id, thread, is_direct(activity))


def actor_of(activity: Activity) -> Actor:
    who = activity.from_property
    return Actor(
        PLATFORM,
        str(who.id or "") if who else "",
        display_name=str(who.name or "") if who else "",
        organization=tenant_of(activity),
        locale=language_of(activity),
    )


def _message(activity: Activity) -> AnyEvent:
    mentioned = _mentions_bot(activity)
    text = _strip_bot_mention(activity) if mentioned else activity.text or ""
    text = _people_mentions(activity, text)
    where = locate(activity)
    common: dict[str, Any] = {
        "event_id": _event_id(activity),
        "actor": actor_of(activity),
        "conversation": where,
        "occurred_at": _when(activity.timestamp),
        "text": text.strip(),
        "message_id": str(activity.id or ""),
        "mentions_bot": mentioned,
    }
    if where.thread_id is not None:
        return ThreadReplyReceived(**common)
    return MessageReceived(**common, files=_files(activity))


def _card_action(
    activity: Activity, data: Mapping[str, Any], *, verb: str
) -> ChoiceSubmitted | FormSubmitted | None:
    if not isinstance(data, Mapping):
        return None
    decoded = ids.decode(data, verb=verb)
    common: dict[str, Any] = {
        "event_id": _event_id(activity),
        "actor": actor_of(activity),
        "conversation": _card_location(activity),
        "occurred_at": _when(activity.timestamp),
    }
    if decoded.form is not None:
        return FormSubmitted(
            **common, form=decoded.form, values=decoded.values, context=decoded.context
        )
    if not decoded.action:
        return None
    return ChoiceSubmitted(
        **common,
        action=decoded.action,
        value=decoded.value,
        message=card_ref(activity),
        trigger_id=str(activity.id or "") or None,
        values=decoded.values,
    )


def _card_location(activity: Activity) -> ConversationRef:
    """The card lives in the thread the action came from (the thread root for a root card)."""
    channel_id, root = ids.split_thread(activity.conversation.id or "")
    return ConversationRef(PLATFORM, channel_id, root, is_direct(activity))


def card_ref(activity: Activity) -> MessageRef | None:
    """The message carrying the card that was acted on: Teams names it in `replyToId`."""
    if not activity.reply_to_id:
        return None
    channel_id, root = ids.split_thread(activity.conversation.id or "")
    return MessageRef(PLATFORM, channel_id, str(activity.reply_to_id), root)


def _installed(activity: Activity) -> BotInstalled:
    return BotInstalled(
        event_id=_event_id(activity),
        actor=actor_of(activity),
        conversation=_card_location(activity),
        occurred_at=_when(activity.timestamp),
    )


def _bot_added(activity: Activity) -> bool:
    bot = activity.recipient.id if activity.recipient else None
    return any(member.id == bot for member in activity.members_added or ())


def _mentions(activity: Activity) -> list[tuple[str, str]]:
    """(user id, the tag as written, e.g. `<at>Yui Tanaka</at>`) of each mention entity."""
    found = []
    for entity in activity.entities or ():
        props = entity.additional_properties or {}
        mentioned = props.get("mentioned")
        if entity.type == "mention" and isinstance(mentioned, Mapping):
            user_id, tag = mentioned.get("id"), props.get("text")
            if isinstance(user_id, str) and user_id:
                found.append((user_id, tag if isinstance(tag, str) else ""))
    return found


def _mentions_bot(activity: Activity) -> bool:
    bot = activity.recipient.id if activity.recipient else None
    return bot is not None and any(user_id == bot for user_id, _tag in _mentions(activity))


def _strip_bot_mention(activity: Activity) -> str:
    # Our own, not TurnContext.remove_recipient_mention: that one uses the mentioned name as a
    # regular expression (a name with "(" or "[" breaks it) and fails on a message without text.
    text = activity.text or ""
    bot = activity.recipient.id if activity.recipient else None
    for user_id, tag in _mentions(activity):
        if user_id == bot and tag:
            text = text.replace(tag, "")
    return text


def _people_mentions(activity: Activity, text: str) -> str:
    """`<at>Yui Tanaka</at>` → `<@29:1Yui…>`: the mention form the command grammar reads
    (`assign 42 @person`, `kudos @person`), naming the user by id, not by display name."""
    bot = activity.recipient.id if activity.recipient else None
    for user_id, tag in _mentions(activity):
        if tag and user_id != bot:
            text = text.replace(tag, f"<@{user_id}>")
    return text


def _files(activity: Activity) -> tuple[str, ...]:
    return tuple(
        str(a.name or a.content_url or "")
        for a in activity.attachments or ()
        if a.content_type == _FILE_INFO
    )


def _event_id(activity: Activity) -> str:
    # Messages and invokes always carry an id (the edge insists); other activities from the
    # Emulator or hand-written requests may not, and the made-up key must fit the inbox.
    if activity.id:
        return str(activity.id)
    made = f"{activity.type}:{activity.conversation.id}:{activity.timestamp}"
    return (
        made if len(made) <= MAX_EVENT_ID else f"sha256:{hashlib.sha256(made.encode()).hexdigest()}"
    )


def _when(stamp: datetime | None) -> datetime | None:
    return stamp.astimezone(UTC) if stamp is not None else None


def language_of(activity: Activity) -> str | None:
    """`ja-JP` → `ja`: the desk's catalogs are per language."""
    locale = activity.locale
    return locale.split("-", 1)[0].lower() if locale else None
