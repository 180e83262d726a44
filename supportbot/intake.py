"""The intake API, for channels beyond chat (web forms, a mail gateway).

    POST /api/intake            Authorization: Bearer <key>   → 201 {"ticket": 42, "status": "new"}
    GET  /api/tickets/{number}  Authorization: Bearer <key>   → the ticket, if that key opened it

Keys are stored as SHA-256 hashes (`supportbot intake add-key NAME` prints a new key once).
Public replies to an intake ticket are POSTed to its `callback_url`, retried through the outbox.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import TYPE_CHECKING, Annotated, Literal

import aiohttp
from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, UrlConstraints, ValidationError
from sqlalchemy import select

from supportbot import markup
from supportbot.adapter import Capabilities, Delivery, DeliveryError
from supportbot.callbacks import (
    CallbackPolicy,
    CallbackRefusedError,
    Resolve,
    post_json,
    system_resolve,
)
from supportbot.events import Actor, AnyEvent, ConversationRef, MessageRef, TicketRequested
from supportbot.intents import Intent, PostMessage
from supportbot.store.models import IntakeKeyRow, Ticket
from supportbot.store.sql import insert_ignoring

if TYPE_CHECKING:
    from supportbot.desk import Desk

PLATFORM = "intake"


class Requester(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(min_length=3, max_length=320, pattern=r"^[^@\s]+@[^@\s]+$")


class IntakeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    requester: Requester
    subject: str = Field(min_length=1, max_length=300)
    body: str = Field(min_length=1, max_length=20000)
    locale: Literal["en", "ja"] = "en"
    # Where replies go; `callbacks.py` decides which targets are allowed (tickets.callback_url
    # holds 2,000 characters).
    callback_url: Annotated[HttpUrl, UrlConstraints(max_length=2000)] | None = None


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> tuple[str, str]:
    """A fresh bearer key and its hash (store the hash, hand out the key)."""
    key = "sbk_" + secrets.token_urlsafe(32)
    return key, hash_key(key)


async def sync_keys(desk: Desk) -> None:
    """Store the config's keys (replicas starting together each try; the first one wins)."""
    async with desk.db.sessions.begin() as s:
        for key in desk.config.intake_keys:
            await s.execute(
                insert_ignoring(s, IntakeKeyRow, ["name"]),
                {"name": key.name, "key_hash": key.sha256.lower(), "created_at": desk.clock.now()},
            )


async def add_key(desk: Desk, name: str) -> str:
    key, digest = new_key()
    async with desk.db.sessions.begin() as s:
        s.add(IntakeKeyRow(name=name, key_hash=digest))
    return key


def mount(app: web.Application, desk: Desk) -> None:
    async def create(request: web.Request) -> web.Response:
        return await _create(request, desk)

    async def show(request: web.Request) -> web.Response:
        return await _show(request, desk)

    app.router.add_post("/api/intake", create)
    app.router.add_get("/api/tickets/{number}", show)


async def _key_id(request: web.Request, desk: Desk) -> int:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        raise web.HTTPUnauthorized(
            text='{"error": "missing bearer key"}', content_type="application/json"
        )
    digest = hash_key(header.removeprefix("Bearer ").strip())
    async with desk.db.reads() as s:
        rows = (await s.execute(select(IntakeKeyRow.id, IntakeKeyRow.key_hash))).all()
    for key_id, stored in rows:
        if hmac.compare_digest(stored, digest):
            return int(key_id)
    raise web.HTTPUnauthorized(text='{"error": "unknown key"}', content_type="application/json")


async def _create(request: web.Request, desk: Desk) -> web.Response:
    key_id = await _key_id(request, desk)
    try:
        body = IntakeRequest.model_validate_json(await request.read())
    except ValidationError as exc:
        errors = [
            {"field": ".".join(str(p) for p in e["loc"]) or "(body)", "error": e["msg"]}
            for e in exc.errors(include_url=False)
        ]
        return web.json_response({"error": "invalid request", "fields": errors}, status=400)
    if (refused := await _refused_callback(desk, key_id, body.callback_url)) is not None:
        return refused
    actor = Actor(PLATFORM, body.requester.email.lower(), body.requester.name, locale=body.locale)
    event = TicketRequested(
        # A client that retries with the same Idempotency-Key gets no second ticket.
        event_id=request.headers.get("Idempotency-Key", "")[:200] or secrets.token_hex(16),
        actor=actor,
        conversation=ConversationRef(PLATFORM, f"key:{key_id}"),
        subject=body.subject,
        body=body.body,
        locale=body.locale,
        callback_url=str(body.callback_url) if body.callback_url else None,
        intake_key_id=key_id,
    )
    outcome = await desk(event)
    if outcome.duplicate:
        return web.json_response({"status": "duplicate"}, status=200)
    if not outcome.created:  # the turn failed and will run again: the client may retry too
        return web.json_response(
            {"error": "the desk could not take the request now; try again"},
            status=503,
            headers={"Retry-After": "5"},
        )
    ticket = await desk.tickets.get(outcome.created[0])
    return web.json_response({"ticket": ticket.number, "status": ticket.status}, status=201)


async def _refused_callback(desk: Desk, key_id: int, url: HttpUrl | None) -> web.Response | None:
    """A 400 naming `callback_url` when the desk may not call it back (see `callbacks.py`)."""
    if url is None:
        return None
    try:
        await CallbackPolicy.from_config(desk.config).check(
            str(url), key=await _key_name(desk, key_id)
        )
    except CallbackRefusedError as exc:
        fields = [{"field": "callback_url", "error": str(exc)}]
        return web.json_response({"error": "invalid request", "fields": fields}, status=400)
    return None


async def _key_name(desk: Desk, key_id: int) -> str | None:
    async with desk.db.reads() as s:
        name: str | None = await s.scalar(
            select(IntakeKeyRow.name).where(IntakeKeyRow.id == key_id)
        )
    return name


async def _show(request: web.Request, desk: Desk) -> web.Response:
    key_id = await _key_id(request, desk)
    number = request.match_info["number"]
    if not number.isdigit():
        return web.json_response({"error": "a ticket number is digits"}, status=400)
    async with desk.db.reads() as s:
        owner = await s.scalar(select(Ticket.intake_key_id).where(Ticket.id == int(number)))
    if owner is None or owner != key_id:
        return web.json_response({"error": f"no ticket #{number} for this key"}, status=404)
    t = await desk.tickets.get(int(number))
    return web.json_response(
        {
            "ticket": t.number,
            "subject": t.subject,
            "status": t.status,
            "priority": t.priority,
            "created_at": t.created_at.isoformat(),
            "first_response_at": t.first_response_at.isoformat() if t.first_response_at else None,
            "resolved_at": t.resolved_at.isoformat() if t.resolved_at else None,
        }
    )


class IntakeAdapter:
    """Replies to intake tickets go to their callback URL (the form's or mail gateway's)."""

    platform = PLATFORM
    capabilities = Capabilities(
        threads=False,
        modals=False,
        ephemeral=False,
        reactions=False,
        update_in_place=False,
        group_mentions=False,
        images=False,
    )

    def __init__(self, desk: Desk, *, resolve: Resolve | None = None) -> None:
        self._desk = desk
        self._callbacks = CallbackPolicy.from_config(desk.config, resolve=resolve or system_resolve)

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def complete(self, event: AnyEvent) -> AnyEvent:
        return event

    async def send(self, intent: Intent, delivery: Delivery | None = None) -> MessageRef | None:
        if not isinstance(intent, PostMessage) or not intent.to.channel_id.isdigit():
            return None  # cards, forms and ephemerals have no meaning for a web form
        ticket = await self._desk.tickets.get(int(intent.to.channel_id))
        if not ticket.callback_url:
            return None
        payload = {
            "ticket": ticket.number,
            "status": ticket.status,
            "text": markup.to_plain(intent.message.text, self._desk.people.display_name),
        }
        key = await self._key_name(ticket.number)
        try:
            target = await self._callbacks.check(ticket.callback_url, key=key)
            answer = await post_json(target, payload, self._callbacks)
        except CallbackRefusedError as exc:  # checked again: what a name points at changes
            raise DeliveryError(f"callback refused: {exc}", retryable=exc.retryable) from exc
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise DeliveryError(f"callback unreachable: {exc}") from exc
        said = f"{answer.status} {answer.text[:200]}".strip()
        if answer.status >= 500 or answer.status == 429:
            raise DeliveryError(f"callback answered {said}")
        if answer.status >= 300:  # redirects are not followed: one could lead anywhere
            raise DeliveryError(f"callback refused: {said}", retryable=False)
        return MessageRef(PLATFORM, str(ticket.number), secrets.token_hex(8))

    async def _key_name(self, number: int) -> str | None:
        """The name of the key that opened ticket `number` (its `callback_hosts` apply)."""
        opened_by = (
            select(IntakeKeyRow.name)
            .join(Ticket, Ticket.intake_key_id == IntakeKeyRow.id)
            .where(Ticket.id == number)
        )
        async with self._desk.db.reads() as s:
            name: str | None = await s.scalar(opened_by)
        return name
