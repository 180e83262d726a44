"""The answer to an `adaptiveCard/action` invoke tells the truth: success, refusal (with the
reason the desk gave), or error — never "Done" for a click the desk refused or failed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from supportbot.adapter import Outcome
from supportbot.events import AnyEvent, ChoiceSubmitted
from supportbot.intents import SendDirect, UpdateMessage
from supportbot.messages import Message

from .conftest import RecordingSink, TeamsApp, payload

MakeApp = Callable[..., Any]
MESSAGE = "application/vnd.microsoft.activity.message"
ERROR = "application/vnd.microsoft.error"


def click(verb: str = "escalation.approve", value: str = "7", **changes: Any) -> dict[str, Any]:
    data = {"action": verb, "value": value}
    action = {"type": "Action.Execute", "verb": verb, "data": data}
    return payload("invoke_adaptive_card_execute", value={"action": action}, **changes)


def refused(text: str) -> Callable[[AnyEvent], Outcome]:
    """What the desk answers when it says no: the message it told the person, in their chat."""

    def outcome(event: AnyEvent) -> Outcome:
        said = Message(text=text, kind="error")
        told = SendDirect("teams", event.actor.user_id, said)
        return Outcome(intents=(told,), refusal=said)

    return outcome


async def answer(app: TeamsApp, body: dict[str, Any]) -> dict[str, Any]:
    response = await app.post(body)
    assert response.status == 200, await response.text()
    answered: dict[str, Any] = await response.json()
    return answered


async def test_a_refused_click_shows_the_reason_not_done(
    make_app: MakeApp, sink: RecordingSink
) -> None:
    sink.outcome = refused("Only leads of tier1 can approve or deny this escalation.")
    app: TeamsApp = await make_app()
    body = await answer(app, click())
    assert body == {
        "statusCode": 200,
        "type": MESSAGE,
        "value": "Only leads of tier1 can approve or deny this escalation.",
    }


async def test_a_refusal_names_people_by_name(make_app: MakeApp, sink: RecordingSink) -> None:
    sink.outcome = refused("<@person:ken> must approve this, not you.")
    app: TeamsApp = await make_app()
    assert (await answer(app, click()))["value"] == "@Ken Suzuki must approve this, not you."


async def test_a_refusal_wins_over_a_card_update(make_app: MakeApp, sink: RecordingSink) -> None:
    def refused_and_refreshed(event: AnyEvent) -> Outcome:
        assert isinstance(event, ChoiceSubmitted) and event.message is not None
        said = Message(text="#42 is already resolved.", kind="error")
        return Outcome(intents=(UpdateMessage(event.message, Message("#42")),), refusal=said)

    sink.outcome = refused_and_refreshed
    app: TeamsApp = await make_app()
    assert await answer(app, click()) == {
        "statusCode": 200,
        "type": MESSAGE,
        "value": "#42 is already resolved.",
    }


async def test_a_failed_turn_is_an_error_in_the_clickers_language(
    make_app: MakeApp, sink: RecordingSink
) -> None:
    sink.outcome = lambda _event: Outcome(error="database is locked")
    app: TeamsApp = await make_app()
    assert await answer(app, click(id="f:ja")) == {  # the fixture's locale is ja-JP
        "statusCode": 500,
        "type": ERROR,
        "value": {
            "code": "InternalServerError",
            "message": "申し訳ありません。処理できませんでした。もう一度お試しください。",
        },
    }


async def test_a_desk_that_raises_is_an_error_answer_not_a_500(
    make_app: MakeApp, sink: RecordingSink
) -> None:
    def boom(_event: AnyEvent) -> Outcome:
        raise RuntimeError("the desk fell over")

    sink.outcome = boom
    app: TeamsApp = await make_app()
    body = await answer(app, click(locale="en-US"))
    assert (body["statusCode"], body["type"]) == (500, ERROR)
    assert body["value"]["message"] == "Sorry, that did not work. Please try again."


async def test_a_click_the_desk_cannot_read_is_a_bad_request_answer(
    make_app: MakeApp, sink: RecordingSink
) -> None:
    app: TeamsApp = await make_app()
    empty = {"type": "Action.Execute", "data": {}}  # no verb, no action: nothing to run
    body = await answer(app, payload("invoke_adaptive_card_execute", value={"action": empty}))
    assert (body["statusCode"], body["type"], body["value"]["code"]) == (400, ERROR, "BadRequest")
    assert sink.events == []


async def test_a_repeated_click_says_so(make_app: MakeApp, sink: RecordingSink) -> None:
    sink.outcome = lambda _event: Outcome(duplicate=True)
    app: TeamsApp = await make_app()
    body = await answer(app, click(locale="en-US"))
    assert body == {"statusCode": 200, "type": MESSAGE, "value": "That click was already received."}
