"""One inbound turn: remember where the activity came from, hand its event to the desk, and
answer an Adaptive Card action with what happened (see `answer.py`)."""

from __future__ import annotations

import copy
import logging
from http import HTTPStatus

from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.schema import Activity, ActivityTypes

from supportbot.adapter import Directory, EventSink, Outcome
from supportbot_teams import ids
from supportbot_teams.answer import InvokeAnswers, Texts
from supportbot_teams.inbound import (
    is_card_action_invoke,
    is_direct,
    language_of,
    tenant_of,
    to_event,
)
from supportbot_teams.refs import Reference, ReferenceStore

log = logging.getLogger(__name__)


class TeamsBot:
    """The `on_turn` callback the CloudAdapter runs for each authenticated activity."""

    def __init__(
        self, *, sink: EventSink, refs: ReferenceStore, directory: Directory, texts: Texts
    ) -> None:
        self.sink = sink
        self.refs = refs
        self.directory = directory
        self.answers = InvokeAnswers(directory=directory, texts=texts)

    async def on_turn(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        await self._remember(activity)
        if is_card_action_invoke(activity):
            await self._answer_card_action(turn_context)
            return
        event = to_event(activity)
        if event is not None:  # stored before Teams hears 201; it runs right after
            await self.sink.accept(event)

    async def _answer_card_action(self, turn_context: TurnContext) -> None:
        """Run the click through the desk and answer with what really happened."""
        activity = turn_context.activity
        locale = language_of(activity)
        event = to_event(activity)
        try:
            outcome = await self.sink(event) if event is not None else Outcome()
        except Exception:  # the person must hear that it failed, not wait for a time-out
            log.exception("the desk failed on a Teams card action %s", activity.id)
            body = self.answers.failure(locale)
        else:
            body = self.answers.for_outcome(event, outcome, locale)
        response = InvokeResponse(status=int(HTTPStatus.OK), body=body)
        await turn_context.send_activity(
            Activity(type=ActivityTypes.invoke_response, value=response)
        )

    async def _remember(self, activity: Activity) -> None:
        reference, keys = reference_of(activity)
        try:
            await self.refs.save(reference, keys)
        except Exception:  # a lost reference must not lose the message itself
            log.exception("could not store the Teams conversation reference for %s", keys)


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
