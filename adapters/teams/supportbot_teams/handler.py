"""`POST /api/messages`: authenticate the activity, run the turn, answer like Bot Framework.

Our own handler rather than `CloudAdapter.process()`, which answers 500 to every invoke that
returns a body (upstream teams-sdk#2547). The body is checked first, before the SDK sees it:
at most `MAX_BODY_BYTES` (413 otherwise, judged by Content-Length before reading), JSON, and
the shape of an activity we handle (`wire.py`; 400 with the reason in the log otherwise), so
a malformed request stores nothing and reaches nobody. Authentication runs in a worker thread
with a time limit: validating a token may fetch OpenID metadata with blocking `requests` and no
timeout.
Any failure to authenticate, whatever the SDK raises (PermissionError, PyJWT's DecodeError,
a network error), is a 401 and the desk never sees the activity.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from http import HTTPStatus
from typing import Any, NoReturn

from aiohttp import web
from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity, ActivityTypes
from botframework.connector.auth import AuthenticateRequestResult, BotFrameworkAuthentication

from supportbot_teams import wire

log = logging.getLogger(__name__)
Turn = Callable[[TurnContext], Awaitable[None]]
AUTH_TIMEOUT_SECONDS = 20.0
# Teams caps a message at about 28 KB of text; with its HTML copy, entities and card data an
# activity stays far below this.
MAX_BODY_BYTES = 256 * 1024


class MessagesHandler:
    def __init__(
        self,
        *,
        cloud: CloudAdapter,
        on_turn: Turn,
        auth_timeout: float = AUTH_TIMEOUT_SECONDS,
        max_body: int = MAX_BODY_BYTES,
    ) -> None:
        self.cloud = cloud
        self.on_turn = on_turn
        self.auth_timeout = auth_timeout
        self.max_body = max_body
        # Our own small pool: a hung metadata fetch must not starve the loop's default executor.
        self._auth_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="teams-auth")

    async def __call__(self, request: web.Request) -> web.StreamResponse:
        activity = await _read_activity(request, self.max_body)
        header = request.headers.get("Authorization", "")
        try:
            authenticated = await self._authenticate(activity, header)
        except Exception as exc:  # any failure to authenticate is a 401, see the module doc
            log.info("Teams request refused: %s: %s", type(exc).__name__, exc)
            raise web.HTTPUnauthorized() from None
        invoke = await self._run_turn(authenticated, activity)
        if invoke is None:
            return web.Response(status=201)
        return web.json_response(_body(invoke.body), status=int(invoke.status or 200))

    async def _run_turn(
        self, authenticated: AuthenticateRequestResult, activity: Activity
    ) -> InvokeResponse | None:
        """Run `on_turn` on the authenticated activity; an invoke's answer, if any.

        Not `CloudAdapter.process_activity`: it builds a connector client and a user-token
        client for every activity, and msrest's retry policy alone costs about 12 ms of CPU
        each (an O(n²) list of status codes), although our turns never reply inline: they hand
        the event to the desk, and answer an invoke through the turn state, as the SDK does.
        """
        activity.caller_id = authenticated.caller_id
        context = TurnContext(self.cloud, activity)
        context.turn_state[self.cloud.BOT_IDENTITY_KEY] = authenticated.claims_identity
        await self.on_turn(context)
        if activity.type != ActivityTypes.invoke:
            return None
        answer = context.turn_state.get(self.cloud._INVOKE_RESPONSE_KEY)  # where the SDK keeps it
        if answer is None:
            return InvokeResponse(status=int(HTTPStatus.NOT_IMPLEMENTED))
        response: InvokeResponse = answer.value
        return response

    def close(self) -> None:
        self._auth_pool.shutdown(wait=False, cancel_futures=True)

    async def _authenticate(self, activity: Activity, header: str) -> AuthenticateRequestResult:
        auth: BotFrameworkAuthentication = self.cloud.bot_framework_authentication
        loop = asyncio.get_running_loop()
        work = loop.run_in_executor(self._auth_pool, _authenticate_blocking, auth, activity, header)
        async with asyncio.timeout(self.auth_timeout):
            result: AuthenticateRequestResult = await work
        return result


def _authenticate_blocking(
    auth: BotFrameworkAuthentication, activity: Activity, header: str
) -> AuthenticateRequestResult:
    # The SDK's validation is a coroutine that blocks inside; give it a loop of its own here.
    result: AuthenticateRequestResult = asyncio.run(auth.authenticate_request(activity, header))
    return result


async def _read_activity(request: web.Request, limit: int) -> Activity:
    """The request's activity, checked: 415, 413 or 400 (with the reason logged) otherwise."""
    if "application/json" not in request.headers.get("Content-Type", ""):
        raise web.HTTPUnsupportedMediaType(text="send the Activity as application/json")
    raw = await _read_body(request, limit)
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: nesting deeper than json can parse
        _refuse("the body is not JSON")
    try:
        shaped = wire.checked(body)
    except wire.ShapeError as exc:
        _refuse(str(exc))
    activity: Activity = Activity().deserialize(shaped)
    return activity


async def _read_body(request: web.Request, limit: int) -> bytes:
    """At most `limit` bytes: a larger Content-Length is refused before anything is read, and
    a chunked body that grows past the limit while it is read."""
    if request.content_length is not None and request.content_length > limit:
        _too_large(limit, request.content_length)
    raw = bytearray()
    while chunk := await request.content.read(limit + 1 - len(raw)):
        raw += chunk
        if len(raw) > limit:
            _too_large(limit, len(raw))
    return bytes(raw)


def _too_large(limit: int, size: int) -> NoReturn:
    log.info("Teams request refused (413): %d bytes or more, the limit is %d", size, limit)
    raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=size)


def _refuse(reason: str) -> NoReturn:
    log.info("Teams request refused (400): %s", reason)
    raise web.HTTPBadRequest(text=reason)


def _body(body: Any) -> Any:
    """Invoke bodies are plain JSON or SDK models (which serialize themselves)."""
    serialize = getattr(body, "serialize", None)
    return serialize() if callable(serialize) else body
