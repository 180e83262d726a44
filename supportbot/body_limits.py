"""Request body limits: an oversized body gets 413 before it is read, never memory growth.

aiohttp's `client_max_size` (1 MiB by default) is applied only when a handler reads the body,
and only by `read()`/`json()`/`post()`; a handler that reads the stream, or that catches the
error, goes past it. So the server checks every request on the way in: a declared
`Content-Length` above the route's limit is refused at once, without reading a byte, and a
body sent without one (chunked) is cut off at the limit while it is read.
"""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

KIB = 1024
DEFAULT_LIMIT = 1024 * KIB  # Slack and Bot Framework payloads stay far below this
# The intake API's largest valid request: 20,000 characters of body, 6 bytes each when a
# client escapes every Japanese character as \\uXXXX, plus the subject and the requester.
INTAKE_LIMIT = 256 * KIB
LIMITS: Mapping[str, int] = {"/api/intake": INTAKE_LIMIT}
_WITH_BODY = frozenset({"POST", "PUT", "PATCH"})


def too_large(limit: int, size: int) -> web.HTTPRequestEntityTooLarge:
    return web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=size)


def refuse_declared(request: web.Request, limit: int) -> None:
    """Raise 413 when the request says its body is larger than `limit` (nothing is read)."""
    declared = request.content_length
    if declared is not None and declared > limit:
        raise too_large(limit, declared)


async def read_body(request: web.Request, limit: int) -> bytes:
    """The whole body, at most `limit` bytes: 413 as soon as it is larger."""
    refuse_declared(request, limit)
    body = bytearray()
    while chunk := await request.content.readany():
        body.extend(chunk)
        if len(body) > limit:
            raise too_large(limit, len(body))
    return bytes(body)


def limit_bodies(limits: Mapping[str, int] = LIMITS, default: int = DEFAULT_LIMIT) -> Middleware:
    """An aiohttp middleware applying `limits` (by path; `default` elsewhere) to every body."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.method not in _WITH_BODY:
            return await handler(request)
        limit = limits.get(request.path, default)
        refuse_declared(request, limit)
        # The clone reads the same stream, with `read()`/`json()` stopping at this limit.
        return await handler(request.clone(client_max_size=limit + 1))  # it refuses >= max

    return middleware
