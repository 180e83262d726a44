"""`POST /api/messages`: authenticate the activity, run the turn, answer like Bot Framework.

Our own handler rather than `CloudAdapter.process()`, which answers 500 to every invoke that
returns a body (upstream teams-sdk#2547). Authentication runs in a worker thread with a time
limit: validating a token may fetch OpenID metadata with blocking `requests` and no timeout.
Any failure to authenticate, whatever the SDK raises (PermissionError, PyJWT's DecodeError,
a network error), is a 401 and the desk never sees the activity.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aiohttp import web
from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity
from botframework.connector.auth import AuthenticateRequestResult, BotFrameworkAuthentication

log = logging.getLogger(__name__)
Turn = Callable[[TurnContext], Awaitable[None]]
AUTH_TIMEOUT_SECONDS = 20.0


class MessagesHandler:
    def __init__(
        self,
        *,
        cloud: CloudAdapter,
        on_turn: Turn,
        auth_timeout: float = AUTH_TIMEOUT_SECONDS,
    ) -> None:
        self.cloud = cloud
        self.on_turn = on_turn
        self.auth_timeout = auth_timeout
        # Our own small pool: a hung metadata fetch must not starve the loop's default executor.
        self._auth_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="teams-auth")

    async def __call__(self, request: web.Request) -> web.StreamResponse:
        activity = await _read_activity(request)
        header = request.headers.get("Authorization", "")
        try:
            authenticated = await self._authenticate(activity, header)
        except Exception as exc:  # any failure to authenticate is a 401, see the module doc
            log.info("Teams request refused: %s: %s", type(exc).__name__, exc)
            raise web.HTTPUnauthorized() from None
        invoke = await self.cloud.process_activity(authenticated, activity, self.on_turn)
        if invoke is None:
            return web.Response(status=201)
        return web.json_response(_body(invoke.body), status=int(invoke.status or 200))

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


async def _read_activity(request: web.Request) -> Activity:
    if "application/json" not in request.headers.get("Content-Type", ""):
        raise web.HTTPUnsupportedMediaType(text="send the Activity as application/json")
    try:
        body = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(text="the body is not JSON") from None
    activity: Activity = Activity().deserialize(body) if isinstance(body, dict) else Activity()
    if not activity.type:
        raise web.HTTPBadRequest(text="the body is not a Bot Framework Activity")
    return activity


def _body(body: Any) -> Any:
    """Invoke bodies are plain JSON or SDK models (which serialize themselves)."""
    serialize = getattr(body, "serialize", None)
    return serialize() if callable(serialize) else body
