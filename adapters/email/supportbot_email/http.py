"""`POST /api/email/inbound`: a raw RFC 822 message from a gateway that forwards mail by HTTP.

    Authorization: Bearer <intake key>     (the intake API's keys: `supportbot intake add-key`)
    body: the message's bytes              (any Content-Type; message/rfc822 is the proper one)

    202 {"status": "accepted"} · 200 {"status": "duplicate"} · 202 {"status": "ignored", "reason"}
    401 no or unknown key · 413 too large · 422 not a mail we accept (with the reason)

The answer comes only once the desk has the event, so a gateway that sees no 2xx sends again.
"""

from __future__ import annotations

import hmac
import logging

from aiohttp import web
from sqlalchemy import select

from supportbot.intake import hash_key
from supportbot.store.db import SessionFactory
from supportbot.store.models import IntakeKeyRow
from supportbot_email.inbound import Envelope, Inbound, Receipt

log = logging.getLogger(__name__)
_CHUNK = 64 * 1024


class InboundRoute:
    def __init__(self, inbound: Inbound, sessions: SessionFactory, max_bytes: int) -> None:
        self.inbound = inbound
        self.sessions = sessions
        self.max_bytes = max_bytes

    async def __call__(self, request: web.Request) -> web.Response:
        if not await self._authorized(request):
            return _error(401, "a valid bearer key is required (supportbot intake add-key NAME)")
        raw = await self._body(request)
        if raw is None:
            return _error(413, f"the message is larger than {self.max_bytes} bytes")
        try:
            receipt = await self.inbound.receive(raw, Envelope())
        except Exception:  # the desk could not take it: the gateway must send it again
            log.exception("could not hand in a mail posted over HTTP")
            return _error(503, "the desk could not store the message; send it again later")
        return answer(receipt)

    async def _authorized(self, request: web.Request) -> bool:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return False
        digest = hash_key(header.removeprefix("Bearer ").strip())
        async with self.sessions() as session:
            stored = (await session.scalars(select(IntakeKeyRow.key_hash))).all()
        return any(hmac.compare_digest(s, digest) for s in stored)

    async def _body(self, request: web.Request) -> bytes | None:
        """The body, read in chunks so a huge one is refused without being held in memory."""
        if request.content_length is not None and request.content_length > self.max_bytes:
            return None
        data = bytearray()
        while chunk := await request.content.read(_CHUNK):
            data += chunk
            if len(data) > self.max_bytes:
                return None
        return bytes(data)


def answer(receipt: Receipt) -> web.Response:
    match receipt.status:
        case "accepted":
            return web.json_response({"status": "accepted"}, status=202)
        case "duplicate":
            return web.json_response({"status": "duplicate"}, status=200)
        case "ignored":
            return web.json_response({"status": "ignored", "reason": receipt.reason}, status=202)
    status = 413 if receipt.problem == "too_large" else 422
    return _error(status, receipt.reason)


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)
