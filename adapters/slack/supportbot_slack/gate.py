"""The door of `POST /slack/events`: size, then signature, then shape, then Bolt.

    413  the body is larger than `MAX_BODY` (refused before it is read when it says so)
    401  the signature is missing, wrong or older than five minutes (slack-sdk's verifier)
    400  signed, but not a payload this adapter handles, or one with a field of the wrong
         type (`shapes.py`); the reason goes to the log, nothing is stored
    →    Bolt gets the checked payload

Bolt is handed the payload the gate parsed and checked (re-encoded as JSON), not the raw
body: Bolt decides "form or interactive" by looking for the substring `payload` anywhere in
the body, so `/support note 42 the payload is empty` reached it as `{}` (a 404), and a
non-JSON `payload` field was a 500. Bolt's own signature check is therefore off (`app.py`);
this gate does it, on the bytes Slack signed.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web
from pydantic import TypeAdapter, ValidationError
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier

from supportbot.body_limits import read_body
from supportbot_slack import shapes

log = logging.getLogger(__name__)
MAX_BODY = 1024 * 1024
MAX_DEPTH = 64  # Slack's deepest payloads (rich text in a modal's state) stay under 20
MAX_FORM_FIELDS = 100
_DELIVERED: TypeAdapter[Any] = TypeAdapter(shapes.Delivered)
_INTERACTIVE: TypeAdapter[Any] = TypeAdapter(shapes.Interactive)
_FORMS: dict[str, TypeAdapter[Any]] = {
    "command": TypeAdapter(shapes.SlashCommand),
    "ssl_check": TypeAdapter(shapes.SslCheck),
}


class ShapeError(ValueError):
    """A signed request that is not a payload the adapter handles; the message says why."""


class RequestGate:
    def __init__(self, signing_secret: str, *, max_body: int = MAX_BODY) -> None:
        # No secret (Socket Mode only): nothing arriving over HTTP can be verified.
        self._verifier = SignatureVerifier(signing_secret) if signing_secret.strip() else None
        self._max_body = max_body

    async def admit(self, request: web.Request) -> AsyncBoltRequest:
        """The request for Bolt, or an `HTTPException` (413, 401, 400) saying why not."""
        raw = await read_body(request, self._max_body)
        text = self._verified(raw, request)
        try:
            payload = check(text, request.content_type)
        except ShapeError as exc:
            log.warning("refused a signed Slack request: %s", exc)
            raise _refusal(web.HTTPBadRequest, "invalid_payload") from None
        return to_bolt_request(payload, request)

    def _verified(self, raw: bytes, request: web.Request) -> str:
        try:
            text = raw.decode("utf-8")  # Slack sends UTF-8; anything else cannot be its
            valid = self._verifier is not None and self._verifier.is_valid_request(
                text, dict(request.headers)
            )
        except ValueError:  # not UTF-8, or a timestamp that is not a number
            valid = False
        if not valid:
            log.info("refused a Slack request with a missing, stale or wrong signature")
            raise _refusal(web.HTTPUnauthorized, "invalid_signature")
        return text


def check(text: str, content_type: str | None) -> dict[str, Any]:
    """The payload in `text` if it is one the adapter handles, else `ShapeError`."""
    payload, arrived_as = parse(text, content_type)
    _sound(payload)
    try:
        if arrived_as == "form":
            _form_kind(payload).validate_python(payload)
        else:
            (_INTERACTIVE if arrived_as == "payload" else _DELIVERED).validate_python(payload)
    except ValidationError as exc:
        raise ShapeError(describe(exc)) from None
    return payload


def parse(text: str, content_type: str | None) -> tuple[dict[str, Any], str]:
    """JSON (Events API), a form (slash command) or a form whose `payload` is JSON."""
    if content_type == "application/json" or text.startswith("{"):
        return _object(text), "json"
    try:
        form = dict(parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_FORM_FIELDS))
    except ValueError as exc:
        raise ShapeError(f"form: {exc}") from None
    if "payload" in form:  # interactivity puts its JSON in the `payload` field
        return _object(form["payload"]), "payload"
    return form, "form"


def describe(exc: ValidationError, limit: int = 3) -> str:
    """The first problems as `where: what`, without the values (they may be a customer's)."""
    problems = [
        f"{'.'.join(str(p) for p in e['loc']) or '(body)'}: {e['msg']}"
        for e in exc.errors(include_url=False, include_input=False, include_context=False)
    ]
    more = f" (and {len(problems) - limit} more)" if len(problems) > limit else ""
    return "; ".join(problems[:limit]) + more


def to_bolt_request(payload: dict[str, Any], request: web.Request) -> AsyncBoltRequest:
    headers: dict[str, str | Sequence[str]] = {k.lower(): v for k, v in request.headers.items()}
    headers.pop("content-length", None)
    headers["content-type"] = "application/json"
    return AsyncBoltRequest(body=json.dumps(payload), query=request.query_string, headers=headers)


def _object(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:  # RecursionError: nested past Python's stack
        raise ShapeError(f"not JSON ({type(exc).__name__})") from None
    if not isinstance(data, dict):
        raise ShapeError(f"a JSON {type(data).__name__}, not an object")
    return data


def _form_kind(form: dict[str, Any]) -> TypeAdapter[Any]:
    for key, adapter in _FORMS.items():
        if key in form:
            return adapter
    raise ShapeError("a form that is neither a slash command nor Slack's ssl_check")


def _sound(payload: object) -> None:
    """Refuse nesting deeper than `MAX_DEPTH` (walked without recursion: Bolt recurses), and
    text no UTF-8 can hold: JSON may escape a lone surrogate (`"\\ud800"`), Slack never does,
    and the database could not store it."""
    stack: list[tuple[object, int]] = [(payload, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ShapeError(f"nested deeper than {MAX_DEPTH} levels")
        if isinstance(node, str) and not _encodable(node):
            raise ShapeError("a lone surrogate in a string")
        if isinstance(node, dict):
            stack.extend((child, depth + 1) for pair in node.items() for child in pair)
        elif isinstance(node, list):
            stack.extend((child, depth + 1) for child in node)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")  # C speed; a regex over every character is 100 times slower
    except UnicodeEncodeError:
        return False
    return True


def _refusal(kind: type[web.HTTPClientError], code: str) -> web.HTTPClientError:
    return kind(text=json.dumps({"error": code}), content_type="application/json")
