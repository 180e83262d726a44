"""The gate of `/slack/events`: 413, then 401, then 400, and only then Bolt.

Signed requests whose fields have the wrong type used to be 500s inside slack-bolt; they are
400s now, with the reason in the log, and nothing reaches the desk.
"""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from supportbot_slack.gate import MAX_BODY, ShapeError, check

from supportbot.events import CommandInvoked

from .kit import SlackHarness, fixture_json, fixture_text, signed_headers, wait_for

FIXTURES = sorted(Path(__file__).parent.joinpath("fixtures").iterdir())


def _as_sent(path: Path) -> tuple[str, str]:
    """The body and content type Slack would send for a fixture file."""
    text = path.read_text(encoding="utf-8").strip()
    if path.name.endswith(".form.txt"):
        return text, "application/x-www-form-urlencoded"
    data = json.loads(text)
    if data.get("type") in ("block_actions", "view_submission"):
        return urlencode({"payload": text}), "application/x-www-form-urlencoded"
    return text, "application/json"


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_every_recorded_payload_passes(path: Path) -> None:
    body, content_type = _as_sent(path)
    assert check(body, content_type)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("type", 7),
        ("event_id", ["Ev1"]),
        ("team_id", {"id": "T1"}),
        ("event", "message"),
        ("response_urls", None),  # found by the fuzz test: Bolt takes its len()
    ],
)
def test_a_field_of_the_wrong_type_is_named(field: str, value: Any) -> None:
    payload = fixture_json("event_message_shared_channel.json")
    payload[field] = value
    with pytest.raises(ShapeError, match=field):
        check(json.dumps(payload), "application/json")


def test_a_lone_surrogate_is_refused() -> None:
    payload = fixture_json("event_message_shared_channel.json")
    payload["event"]["text"] = "broken \ud83d text"  # half an emoji: no UTF-8 can hold it
    with pytest.raises(ShapeError, match="surrogate"):
        check(json.dumps(payload), "application/json")


def test_nesting_past_the_limit_is_refused_without_recursing() -> None:
    payload = fixture_json("event_message_shared_channel.json")
    deep: Any = "x"
    for _ in range(100):
        deep = {"k": deep}
    payload["event"]["blocks"] = [deep]
    with pytest.raises(ShapeError, match="deeper"):
        check(json.dumps(payload), "application/json")
    with pytest.raises(ShapeError, match="not JSON"):
        check("{" + '"a":[' * 100_000, "application/json")  # past Python's own stack


async def test_a_non_json_interactive_payload_is_400_not_500(
    slack: SlackHarness, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="supportbot_slack.gate"):
        response = await slack.post("payload=%7Bnot+json", form=True)
    assert response.status == 400
    assert await response.json() == {"error": "invalid_payload"}
    assert "not JSON" in caplog.text
    await _only_the_sentinel_arrives(slack)


@pytest.mark.parametrize(
    ("where", "value"),
    [
        ("type", 1),
        ("event_id", {"a": 1}),
        ("team_id", [1]),
        ("authorizations", ["U0BOT"]),
        ("event.type", None),
        ("event.user", {"id": 5}),
        ("event.item", "C0GENERAL"),
    ],
)
async def test_a_signed_event_with_a_wrong_type_is_400(
    slack: SlackHarness, where: str, value: Any
) -> None:
    payload = fixture_json("event_reaction_added.json")
    *path, last = where.split(".")
    node = payload
    for key in path:
        node = node[key]
    node[last] = value
    assert (await slack.post_json(payload)).status == 400
    await _only_the_sentinel_arrives(slack)


async def test_payload_kinds_the_adapter_does_not_handle_are_400(slack: SlackHarness) -> None:
    shortcut = {"type": "shortcut", "callback_id": "x", "trigger_id": "t", "user": {"id": "U1"}}
    assert (await slack.post_interaction(shortcut)).status == 400
    assert (await slack.post_json({"type": "app_rate_limited", "team_id": "T1"})).status == 400
    assert (await slack.post("hello=world", form=True)).status == 400
    assert (await slack.post("[1, 2]")).status == 400
    await _only_the_sentinel_arrives(slack)


async def test_the_signature_is_checked_before_the_shape(slack: SlackHarness) -> None:
    body = "payload=%7Bnot+json"
    bad = {"Content-Type": "application/x-www-form-urlencoded", **signed_headers(body, secret="x")}
    assert (await slack.client.post("/slack/events", data=body, headers=bad)).status == 401
    odd = {**signed_headers(body), "X-Slack-Request-Timestamp": "soon"}
    assert (await slack.client.post("/slack/events", data=body, headers=odd)).status == 401
    latin = "text=caf\xe9".encode("latin-1")  # not UTF-8: cannot be Slack's
    headers = {"X-Slack-Request-Timestamp": "1", "X-Slack-Signature": "v0=00"}
    assert (await slack.client.post("/slack/events", data=latin, headers=headers)).status == 401


async def test_a_command_mentioning_payload_reaches_the_desk(slack: SlackHarness) -> None:
    # Bolt looks for the substring "payload" to spot interactivity and parsed this as {}.
    body = fixture_text("slash_command.form.txt").replace(
        "text=claim+42", "text=note+42+the+webhook+payload+is+empty"
    )
    assert (await slack.post(body, form=True)).status == 200
    (event,) = await wait_for(lambda: slack.sink.events)
    assert isinstance(event, CommandInvoked)
    assert event.text == "note 42 the webhook payload is empty"


async def test_slacks_ssl_check_is_answered(slack: SlackHarness) -> None:
    response = await slack.post("ssl_check=1&token=XXYYZZ", form=True)
    assert response.status == 200
    await _only_the_sentinel_arrives(slack)


async def test_an_oversized_body_is_413_before_it_is_read(slack: SlackHarness) -> None:
    payload = fixture_json("event_message_shared_channel.json")
    payload["event"]["text"] = "x" * MAX_BODY
    body = json.dumps(payload).encode()
    declared = {"Content-Type": "application/json", **signed_headers(body.decode())}
    response = await slack.client.post("/slack/events", data=io.BytesIO(body), headers=declared)
    assert response.status == 413

    async def chunked() -> Any:  # no Content-Length: cut off while it is read
        for start in range(0, len(body), 64 * 1024):
            yield body[start : start + 64 * 1024]

    response = await slack.client.post("/slack/events", data=chunked(), headers=declared)
    assert response.status == 413
    await _only_the_sentinel_arrives(slack)


async def _only_the_sentinel_arrives(slack: SlackHarness) -> None:
    """A valid event sent last: once it has arrived, an earlier one would have too."""
    payload = fixture_json("event_message_thread_reply.json")
    payload["event_id"] = "EvSENTINEL"
    assert (await slack.post_json(payload)).status == 200
    await wait_for(lambda: any(e.event_id == "EvSENTINEL" for e in slack.sink.events))
    assert [e.event_id for e in slack.sink.events] == ["EvSENTINEL"]
