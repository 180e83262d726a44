"""The shapes of the Activities this adapter accepts, checked before the SDK sees a byte.

botbuilder 4.17 trusts its input: an activity without `conversation`, or an
`adaptiveCard/action` invoke whose `value` is a string, raises deep inside the SDK
(`'NoneType' object has no attribute 'tenant_id'`) and the request ends as a 500. So every
activity is validated here first, strictly (a number where Teams sends a string is wrong, not
coerced), and only the fields we validated reach the SDK: `checked(body)` returns the body
rebuilt from the model, or raises `ShapeError` with the reason, which the handler logs and
answers with 400.

Only the fields the adapter (or the SDK on its behalf) reads are modelled; anything else in the
body is dropped, so an unexpected field can surprise nobody downstream.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictStr,
    StringConstraints,
    ValidationError,
)

# Ids and names land in columns of 200 characters (inbox ids, channel, thread and message ids,
# identities, names); Teams' own (`19:…@thread.tacv2;messageid=…`, `29:1…`, `a:1…`) are shorter.
MAX_ID = 200
MAX_NAME = 200
MAX_TEXT = 40_000  # Teams caps a message at about 28 KB
MAX_ITEMS = 100  # entities, attachments, members of one activity
MAX_URL = 2048

Id = Annotated[StrictStr, StringConstraints(min_length=1, max_length=MAX_ID)]
Name = Annotated[StrictStr, StringConstraints(max_length=MAX_NAME)]
# A person's, channel's or file's name is no reason to refuse a message: a long one is cut.
DisplayName = Annotated[
    StrictStr, StringConstraints(max_length=4096), AfterValidator(lambda name: name[:MAX_NAME])
]
Text = Annotated[StrictStr, StringConstraints(max_length=MAX_TEXT)]
ServiceUrl = Annotated[
    StrictStr, StringConstraints(pattern=r"^https?://[^\s/]+(/\S*)?$", max_length=MAX_URL)
]
MAX_DEPTH = 16  # card data and inputs are flat; Teams nests them a level or two at most


def _shallow(value: dict[str, Any]) -> dict[str, Any]:
    """Refuse nesting deeper than `MAX_DEPTH` (walked without recursion)."""
    level = 0
    nodes: list[Any] = [value]
    while nodes:
        level += 1
        if level > MAX_DEPTH:
            raise ValueError(f"nested deeper than {MAX_DEPTH} levels")
        nodes = [
            child
            for node in nodes
            for child in (node.values() if isinstance(node, dict) else node)
            if isinstance(child, dict | list)
        ]
    return value


Json = Annotated[dict[str, Any], AfterValidator(_shallow)]


def _plausible(stamp: datetime) -> datetime:
    # Far-off years overflow later, when the time is converted to UTC.
    if not 2000 <= stamp.year <= 2999:
        raise ValueError("the timestamp is not in this millennium")
    return stamp


Timestamp = Annotated[AwareDatetime, AfterValidator(_plausible)]

# Activity types Teams may send that the desk ignores: accepted (so Teams does not retry), and
# passed on in the checked base shape.
IGNORED_TYPES = frozenset(
    {"typing", "messageReaction", "messageUpdate", "messageDelete", "event", "endOfConversation"}
)


class ShapeError(ValueError):
    """The body is not an activity this adapter accepts; the message says why."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)


class Account(_Model):
    id: Id
    name: DisplayName | None = None
    aad_object_id: Name | None = Field(None, alias="aadObjectId")
    role: Name | None = None


class Conversation(_Model):
    id: Id
    conversation_type: Name | None = Field(None, alias="conversationType")
    is_group: StrictBool | None = Field(None, alias="isGroup")
    tenant_id: Name | None = Field(None, alias="tenantId")
    name: DisplayName | None = None


class Entity(_Model):
    """A mention keeps who and how it was written; other entities keep only their type."""

    type: Name
    mentioned: Account | None = None
    text: Text | None = None


class Attachment(_Model):
    content_type: Name = Field(alias="contentType")
    content_url: Annotated[StrictStr, StringConstraints(max_length=MAX_URL)] | None = Field(
        None, alias="contentUrl"
    )
    name: DisplayName | None = None


class IdOnly(_Model):
    id: Id


class Team(IdOnly):
    name: DisplayName | None = None
    aad_group_id: Name | None = Field(None, alias="aadGroupId")


class Source(_Model):
    name: Name | None = None


class ChannelData(_Model):
    tenant: IdOnly | None = None
    channel: IdOnly | None = None
    team: Team | None = None
    event_type: Name | None = Field(None, alias="eventType")
    teams_channel_id: Name | None = Field(None, alias="teamsChannelId")
    teams_team_id: Name | None = Field(None, alias="teamsTeamId")
    source: Source | None = None


class BaseActivity(_Model):
    type: Name
    id: Id | None = None
    timestamp: Timestamp | None = None
    service_url: ServiceUrl = Field(alias="serviceUrl")
    channel_id: Name | None = Field(None, alias="channelId")
    from_: Account = Field(alias="from")
    conversation: Conversation
    recipient: Account
    locale: Annotated[StrictStr, StringConstraints(max_length=32)] | None = None
    reply_to_id: Id | None = Field(None, alias="replyToId")
    channel_data: ChannelData | None = Field(None, alias="channelData")


class MessageActivity(BaseActivity):
    type: Literal["message"]
    id: Id  # the inbox's de-duplication key: Teams and the Emulator always send one
    text: Text | None = None
    text_format: Name | None = Field(None, alias="textFormat")
    entities: Annotated[list[Entity], Field(max_length=MAX_ITEMS)] | None = None
    attachments: Annotated[list[Attachment], Field(max_length=MAX_ITEMS)] | None = None
    value: Json | None = None  # an Action.Submit's data and the card's inputs


class CardAction(_Model):
    type: Name
    verb: Name | None = None
    data: Json | None = None


class CardActionValue(_Model):
    action: CardAction
    trigger: Name | None = None


class CardActionInvoke(BaseActivity):
    type: Literal["invoke"]
    id: Id
    name: Literal["adaptiveCard/action"]
    value: CardActionValue


class ConversationUpdate(BaseActivity):
    type: Literal["conversationUpdate"]
    members_added: Annotated[list[Account], Field(max_length=MAX_ITEMS)] | None = Field(
        None, alias="membersAdded"
    )
    members_removed: Annotated[list[Account], Field(max_length=MAX_ITEMS)] | None = Field(
        None, alias="membersRemoved"
    )


class InstallationUpdate(BaseActivity):
    type: Literal["installationUpdate"]
    action: Name | None = None


_BY_TYPE: dict[str, type[BaseActivity]] = {
    "message": MessageActivity,
    "invoke": CardActionInvoke,
    "conversationUpdate": ConversationUpdate,
    "installationUpdate": InstallationUpdate,
    **dict.fromkeys(IGNORED_TYPES, BaseActivity),
}


def checked(body: object) -> Json:
    """The activity rebuilt from its validated fields (camelCase, as the SDK deserializes it)."""
    if not isinstance(body, dict):
        raise ShapeError("the body is not a JSON object")
    kind = body.get("type")
    if not isinstance(kind, str) or not kind:
        raise ShapeError("the body is not a Bot Framework Activity (no `type`)")
    model = _BY_TYPE.get(kind)
    if model is None:
        raise ShapeError(f"activities of type {kind[:64]!r} are not handled")
    if kind == "invoke" and body.get("name") != "adaptiveCard/action":
        raise ShapeError(f"invoke {str(body.get('name'))[:64]!r} is not handled")
    try:
        activity = model.model_validate(body)
    except ValidationError as exc:
        raise ShapeError(_reason(exc)) from None
    shaped: Json = activity.model_dump(mode="json", by_alias=True, exclude_none=True)
    return shaped


def _reason(exc: ValidationError) -> str:
    """The first few problems, by field path, without echoing the (maybe huge) input."""
    problems = [
        f"{'.'.join(str(p) for p in error['loc']) or 'body'}: {error['msg']}"
        for error in exc.errors(include_input=False, include_url=False)[:3]
    ]
    more = exc.error_count() - len(problems)
    return "; ".join(problems) + (f" (+{more} more)" if more > 0 else "")
