"""The answer to an `adaptiveCard/action` invoke: what Teams shows, under the card, to the person
who pressed the button. It tells the truth about the turn:

- success: the refreshed card (when the desk updated the card acted on), else a short notice
  ("Done.", or "fill in the form that was just posted");
- refusal: the desk said no — the very message it told the person (who may approve, why not);
- error: the turn failed or the click could not be read — an error response, not "Done".

Bodies follow the Universal Actions invoke response: `statusCode`, `type` and `value`.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from botbuilder.schema import AdaptiveCardInvokeResponse

from supportbot.adapter import Directory, Outcome
from supportbot.events import AnyEvent, ChoiceSubmitted
from supportbot.intents import OpenForm
from supportbot.messages import Message
from supportbot_teams.render import CONTENT_TYPE, render
from supportbot_teams.text import plain

MESSAGE_TYPE = "application/vnd.microsoft.activity.message"
ERROR_TYPE = "application/vnd.microsoft.error"
Body = dict[str, Any]
# (template name, locale) -> plain text; the adapter binds it to the desk's catalogs.
Texts = Callable[[str, str | None], str]


class InvokeAnswers:
    def __init__(self, *, directory: Directory, texts: Texts) -> None:
        self.directory = directory
        self.texts = texts

    def for_outcome(self, event: AnyEvent | None, outcome: Outcome, locale: str | None) -> Body:
        """What to answer once the desk has handled (or refused, or failed) the click."""
        if event is None:
            return self.error(HTTPStatus.BAD_REQUEST, "teams.action_unknown", locale)
        if outcome.duplicate:
            return self.message(self.texts("teams.action_repeated", locale))
        if outcome.refusal is not None:
            return self.message(self._said(outcome.refusal))
        if outcome.error is not None:
            return self.error(HTTPStatus.INTERNAL_SERVER_ERROR, "teams.action_failed", locale)
        if isinstance(event, ChoiceSubmitted) and event.message is not None:
            card = outcome.card_update_for(event.message)
            if card is not None:
                return self.card(card)
        if any(isinstance(intent, OpenForm) for intent in outcome.intents):
            return self.message(self.texts("teams.form_posted", locale))
        return self.message(self.texts("teams.action_done", locale))

    def failure(self, locale: str | None) -> Body:
        """The desk raised: nothing was done, and the person is told so."""
        return self.error(HTTPStatus.INTERNAL_SERVER_ERROR, "teams.action_failed", locale)

    def card(self, message: Message) -> Body:
        value = render(message, self.directory)
        answer = AdaptiveCardInvokeResponse(status_code=200, type=CONTENT_TYPE, value=value)
        body: Body = answer.serialize()
        return body

    @staticmethod
    def message(text: str) -> Body:
        # A message answer's value is a string, which the SDK's model cannot serialize (it
        # expects an object), so this body is written as plain JSON.
        return {"statusCode": int(HTTPStatus.OK), "type": MESSAGE_TYPE, "value": text}

    def error(self, status: HTTPStatus, template: str, locale: str | None) -> Body:
        value = {"code": status.phrase.replace(" ", ""), "message": self.texts(template, locale)}
        return {"statusCode": int(status), "type": ERROR_TYPE, "value": value}

    def _said(self, message: Message) -> str:
        """The refusal as the person read it in their chat, on one or two lines."""
        parts = [plain(part, self.directory) for part in (message.title, message.text) if part]
        return "\n".join(part.strip() for part in parts if part.strip())
