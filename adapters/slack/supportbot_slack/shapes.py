"""Typed models of the Slack payloads the adapter handles, checked before Bolt sees them.

Slack signs what it sends, but a signed payload can still carry a number, list or object where
Slack documents a string; slack-bolt's context builder and listener matchers then raise
`TypeError` (a 500) while walking it. So every field Bolt or our translators read is typed
here, at every level Bolt walks (`request/internals.py`: the body, `event`, `authorizations[0]`,
`message`, `previous_message`, `item`, `view`, …). Everything else Slack sends is kept as it
came (`extra="allow"`): Slack adds fields, and a new one must not turn real traffic away.

Ids are bounded well under the database's columns (200 characters), free text at Slack's own
message limit (40,000 characters).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Id = Annotated[str, StringConstraints(max_length=80)]  # U…, C…, T…, E…, B…, V…
Token = Annotated[str, StringConstraints(max_length=150)]  # event ids, trigger ids, ts, hashes
Text = Annotated[str, StringConstraints(max_length=40_000)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=255)]


class Shape(BaseModel):
    """Strict types (no "1" for 1, no 1 for "1"), unknown keys kept."""

    model_config = ConfigDict(extra="allow", strict=True, frozen=True)


class Ref(Shape):
    """`{"id": …}`: how Slack names a team, an enterprise, a user or a channel in an object."""

    id: Id | None = None


class Walked(Shape):
    """The keys slack-bolt looks for at each level it walks to build its context."""

    enterprise: Id | Ref | None = None
    enterprise_id: Id | None = None
    team: Id | Ref | None = None
    team_id: Id | None = None
    user: Id | Ref | None = None
    user_id: Id | None = None
    channel: Id | Ref | None = None
    channel_id: Id | None = None
    thread_ts: Token | None = None
    authorizations: list[Authorization] | None = None
    event: Walked | None = None
    message: Walked | None = None
    previous_message: Walked | None = None
    item: Item | None = None
    assistant_thread: Walked | None = None
    view: View | None = None
    function_execution_id: Token | None = None
    function_data: Walked | None = None
    bot_access_token: Text | None = None
    response_url: Text | None = None
    response_urls: list[ResponseUrl] = Field(default_factory=list)  # Bolt takes its len()


class Authorization(Walked):
    is_bot: bool | None = None
    is_enterprise_install: bool | None = None


class Item(Walked):
    """What a reaction was added to."""

    type: Name | None = None
    channel: Id | None = None
    ts: Token | None = None


class ResponseUrl(Shape):
    response_url: Text | None = None


class Option(Shape):
    value: Text


class Element(Shape):
    """One input of a submitted modal (`view.state.values[block][action]`)."""

    type: Name | None = None
    value: Text | None = None
    selected_option: Option | None = None
    selected_date: Token | None = None
    selected_time: Token | None = None
    selected_user: Id | None = None
    selected_channel: Id | None = None


class ViewState(Shape):
    values: dict[Name, dict[Name, Element]] = Field(default_factory=dict)


class View(Walked):
    id: Id | None = None
    hash: Token | None = None
    type: Name | None = None
    callback_id: Name | None = None
    private_metadata: Text | None = None
    app_installed_team_id: Id | None = None
    state: ViewState | None = None


class File(Shape):
    name: Text | None = None
    permalink: Text | None = None


class Profile(Shape):
    display_name: Text | None = None
    real_name: Text | None = None


class InnerEvent(Walked):
    """`event` of an Events API callback: a message, a mention, a reaction, a join…"""

    type: Name
    user: Id | None = None  # a string in every event this app subscribes to
    team: Id | None = None
    subtype: Name | None = None
    text: Text | None = None
    ts: Token | None = None
    event_ts: Token | None = None
    channel: Id | None = None
    channel_type: Name | None = None
    bot_id: Id | None = None
    user_team: Id | None = None
    user_profile: Profile | None = None
    files: list[File] | None = None
    reaction: Name | None = None
    item_user: Id | None = None
    inviter: Id | None = None
    tab: Name | None = None


class EventCallback(Walked):
    type: Literal["event_callback"]
    event_id: Annotated[str, StringConstraints(min_length=1, max_length=150)]
    event: InnerEvent
    event_time: int | None = None
    api_app_id: Id | None = None
    is_ext_shared_channel: bool | None = None
    context_team_id: Id | None = None
    context_enterprise_id: Id | None = None


class UrlVerification(Shape):
    type: Literal["url_verification"]
    challenge: Annotated[str, StringConstraints(min_length=1, max_length=500)]


class InteractionUser(Ref):
    """Who clicked or submitted (Bolt reads its `id` and `team_id`)."""

    id: Id
    team_id: Id | None = None
    name: Text | None = None
    username: Text | None = None


class Container(Shape):
    type: Name | None = None
    channel_id: Id | None = None
    message_ts: Token | None = None
    thread_ts: Token | None = None
    is_ephemeral: bool | None = None


class Action(Shape):
    action_id: Name
    block_id: Name | None = None
    type: Name | None = None
    value: Text | None = None
    selected_option: Option | None = None
    action_ts: Token | None = None


class BlockActions(Walked):
    type: Literal["block_actions"]
    user: InteractionUser
    actions: Annotated[list[Action], Field(min_length=1, max_length=25)]
    trigger_id: Token | None = None
    container: Container | None = None


class ViewSubmission(Walked):
    type: Literal["view_submission"]
    user: InteractionUser
    view: SubmittedView
    trigger_id: Token | None = None


class SubmittedView(View):
    id: Id
    type: Name  # Bolt reads `view.type` of every submission
    callback_id: Name


class SlashCommand(Shape):
    """A slash command, form-encoded: every value is a string, so only presence is checked."""

    command: Annotated[str, StringConstraints(pattern=r"^/", max_length=80)]
    user_id: Id
    channel_id: Id
    trigger_id: Token
    team_id: Id | None = None
    user_name: Text | None = None
    text: Text = ""
    response_url: Text | None = None


class SslCheck(Shape):
    """Slack's periodic check of a slash command's https URL (`ssl_check=1`); Bolt answers it."""

    ssl_check: Literal["1"]


for _model in (Walked, Authorization, Item, View, InnerEvent, SubmittedView, ViewSubmission):
    _model.model_rebuild()  # the forward references above, resolved once every class exists

Interactive = Annotated[BlockActions | ViewSubmission, Field(discriminator="type")]
Delivered = Annotated[EventCallback | UrlVerification, Field(discriminator="type")]
Form = SlashCommand | SslCheck
