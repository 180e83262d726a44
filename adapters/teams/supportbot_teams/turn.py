"""One inbound turn: remember where the activity came from, hand its event to the desk, and
answer an Adaptive Card action with the refreshed card (or a short message)."""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.schema import Activity, ActivityTypes, AdaptiveCardInvokeResponse

from supportbot.adapter import Directory, EventSink, Outcome
from supportbot.events import AnyEvent, ChoiceSubmitted
from supportbot.intents import OpenForm
from supportbot_teams import ids
from supportbot_teams.inbound import is_card_action_invoke, is_direct, tenant_of, to_event
from supportbot_teams.refs import Reference, ReferenceStore
from supportbot_teams.render import CONTENT_TYPE, render

log = logging.getLogger(__name__)
MESSAGE_TYPE = "application/vnd.microsoft.activity.message"
# (template name, locale) -> plain text; the adapter binds it to the desk's catalogs.
Texts = Callable[[str, str | None], str]


class TeamsBot:
    """The `on_turn` callback the CloudAdapter runs for each authenticated activity."""

    def __init__(
        self, *, sink: EventSink, refs: ReferenceStore, directory: Directory, texts: Texts
    ) -> None:
        self.sink = sink
        self.refs = refs
        self.directory = directory
        self.texts = texts

    async def on_turn(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        await self._remember(activity)
        event = to_event(activity)
        if not is_card_action_invoke(activity):
            if event is not None:  # stored before Teams hears 201; it runs right after
                await self.sink.accept(event)
            return
        # A card action is answered with its outcome: stored, run, then answered.
        outcome = await self.sink(event) if event is not None else Outcome()
        body = self.invoke_body(event, outcome)
        response = InvokeResponse(status=int(HTTPStatus.OK), body=body)
        await turn_context.send_activity(
            Activity(type=ActivityTypes.invoke_response, value=response)
        )

    def invoke_body(self, event: AnyEvent | None, outcome: Outcome) -> dict[str, Any]:
        """The refreshed card when the desk updated the card acted on, else a message."""
        if isinstance(event, ChoiceSubmitted) and event.message is not None:
            card = outcome.card_update_for(event.message)
            if card is not None:
                value = render(card, self.directory)
                answer = AdaptiveCardInvokeResponse(status_code=200, type=CONTENT_TYPE, value=value)
                body: dict[str, Any] = answer.serialize()
                return body
        locale = event.actor.locale if event is not None else None
        return self._notice(_notice_name(event, outcome), locale)

    def _notice(self, name: str, locale: str | None) -> dict[str, Any]:
        # A message answer's value is a string, which the SDK's model cannot serialize (it
        # expects an object), so this body is written as plain JSON.
        return {"statusCode": 200, "type": MESSAGE_TYPE, "value": self.texts(name, locale)}

    async def _remember(self, activity: Activity) -> None:
        reference, keys = reference_of(activity)
        try:
            await self.refs.save(reference, keys)
        except Exception:  # a lost reference must not lose the message itself
            log.exception("could not store the Teams conversation reference for %s", keys)


def _notice_name(event: AnyEvent | None, outcome: Outcome) -> str:
    if event is None or outcome.error:
        return "teams.action_failed"
    if any(isinstance(intent, OpenForm) for intent in outcome.intents):
        return "teams.form_posted"  # the click asked for a form: say where to look
    return "teams.action_done"


def reference_of(activity: Activity) -> tuple[Reference, list[str]]:
    """The serialized reference to store, and the keys to store it under."""
    reference = TurnContext.get_conversation_reference(activity)
    reference.activity_id = None  # we post new messages, never replies to this one
    conversation = copy.copy(activity.conversation)
    conversation.tenant_id = tenant_of(activity)
    reference.conversation = conversation
    conversation_id = str(conversation.id or "")
    keys = [conversation_id, ids.split_thread(conversation_id)[0]]
    if is_direct(activity) and activity.from_property is not None:
        keys += [activity.from_property.id or "", activity.from_property.aad_object_id or ""]
    serialized: Reference = reference.serialize()
    return serialized, keys
