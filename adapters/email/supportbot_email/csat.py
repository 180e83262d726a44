"""CSAT by mail: the poll's faces become signed links, and a click is an answer.

Out: a poll (`Choice("csat.score", …)` with the poll id as context) in a mail to the requester
becomes one line per score, `😄 5: https://desk.example/csat/<token>?score=5`.

In: `GET /csat/{token}?score=N` checks the signature, the expiry and the poll, then hands the
desk a `ChoiceSubmitted("csat.score", N)` from the requester, as a click on a chat poll would:
it is stored in the inbox and answered by the CSAT feature through the ticket service, in one
turn. The event id is the link's, so a second click on the same link is a duplicate, recorded
once. The answer is a small page in the reader's language: 200 thanks, 400 not a score,
403 a forged link, 410 an expired link or a closed survey, 503 the desk could not store it.
"""

from __future__ import annotations

import hashlib
import html
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from aiohttp import web
from sqlalchemy import select

from supportbot.adapter import EventSink
from supportbot.events import Actor, ChoiceSubmitted, ConversationRef
from supportbot.messages import Choice, Message
from supportbot.store.db import SessionFactory
from supportbot.store.models import CsatPoll, Person, Ticket
from supportbot_email.inbound import Texts
from supportbot_email.links import CsatClaim, LinkError, LinkSigner
from supportbot_email.settings import PLATFORM, EmailSettings
from supportbot_email.threads import MailThread

log = logging.getLogger(__name__)
ACTION = "csat.score"
PATH = "/csat/{token}"
SCORES = range(1, 6)
Now = Callable[[], datetime]


def _utcnow() -> datetime:
    return datetime.now(UTC)


class CsatLinks:
    """Writes the links into a poll mail."""

    def __init__(
        self, settings: EmailSettings, sessions: SessionFactory, texts: Texts, now: Now = _utcnow
    ) -> None:
        self.settings = settings
        self.signer = LinkSigner(settings.link_secret) if settings.link_secret else None
        self.sessions = sessions
        self.texts = texts
        self.now = now

    async def lines(self, message: Message, thread: MailThread, ticket_id: int | None) -> str:
        """The poll's options as links (nothing when the message has no poll, or no secret)."""
        polls = [c for c in message.choices if c.action == ACTION and c.context.isdigit()]
        if not polls or self.signer is None or ticket_id is None:
            return ""
        requester = await self._requester(ticket_id)
        if requester is None:
            return ""
        return "\n\n".join(self._links(c, thread, requester) for c in polls)

    def _links(self, choice: Choice, thread: MailThread, requester: str) -> str:
        assert self.signer is not None
        expires = self.now() + timedelta(days=self.settings.link_days)
        claim = CsatClaim(
            poll=int(choice.context),
            requester=requester,
            address=thread.address,
            thread=thread.root,
            locale=thread.locale or "",
            expires=int(expires.timestamp()),
        )
        url = f"{self.settings.public_url}/csat/{self.signer.sign(claim)}"
        rows = [
            self.texts(
                "email.csat.link", thread.locale, label=o.label, url=f"{url}?score={o.value}"
            )
            for o in choice.options
        ]
        return "\n".join([self.texts("email.csat.links", thread.locale), *rows])

    async def _requester(self, ticket_id: int) -> str | None:
        async with self.sessions() as session:
            handle = await session.scalar(
                select(Person.handle)
                .join(Ticket, Ticket.requester_id == Person.id)
                .where(Ticket.id == ticket_id)
            )
        return str(handle) if handle is not None else None


class CsatRoute:
    """`GET /csat/{token}?score=N`."""

    def __init__(
        self,
        *,
        settings: EmailSettings,
        sink: EventSink,
        sessions: SessionFactory,
        texts: Texts,
        locale: str,
        now: Now = _utcnow,
    ) -> None:
        self.signer = LinkSigner(settings.link_secret) if settings.link_secret else None
        self.sink = sink
        self.sessions = sessions
        self.texts = texts
        self.locale = locale
        self.now = now

    async def __call__(self, request: web.Request) -> web.Response:
        reader = _reader_locale(request, self.locale)
        if self.signer is None:
            return self._page(404, "email.csat.page.forged", reader)
        try:
            claim = self.signer.verify(request.match_info["token"], self.now())
        except LinkError as exc:
            status, name = (410, "expired") if exc.problem == "expired" else (403, "forged")
            return self._page(status, f"email.csat.page.{name}", reader)
        locale = claim.locale or self.locale
        score = _score(request.query.get("score", ""))
        if score is None:
            return self._page(400, "email.csat.page.bad_score", locale)
        if not await self._open(claim.poll):
            return self._page(410, "email.csat.page.closed", locale)
        try:
            await self.sink.accept(_answer(claim, score, request.match_info["token"]))
        except Exception:  # the desk could not store it: the reader may click again
            log.exception("could not store a CSAT answer for poll %s", claim.poll)
            return self._page(503, "email.csat.page.busy", locale)
        return self._page(200, "email.csat.page.thanks", locale, score=score)

    async def _open(self, poll_id: int) -> bool:
        async with self.sessions() as session:
            row = (
                await session.execute(
                    select(CsatPoll.status, CsatPoll.expires_at).where(CsatPoll.id == poll_id)
                )
            ).first()
        if row is None or row.status == "expired":
            return False
        expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=UTC)
        return bool(self.now() < expires)

    def _page(self, status: int, name: str, locale: str, **values: object) -> web.Response:
        title = html.escape(self.texts("email.csat.page.title", locale))
        body = html.escape(self.texts(name, locale, **values))
        page = (
            f'<!doctype html>\n<html lang="{html.escape(locale)}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{title}</title></head>"
            '<body style="font-family: sans-serif; max-width: 36em; margin: 4em auto">'
            f"<h1>{title}</h1><p>{body}</p></body></html>\n"
        )
        return web.Response(
            text=page,
            status=status,
            content_type="text/html",
            headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
        )


def _answer(claim: CsatClaim, score: int, token: str) -> ChoiceSubmitted:
    platform, _, user = claim.requester.partition(":")
    link = hashlib.sha256(token.encode()).hexdigest()[:24]
    return ChoiceSubmitted(
        event_id=f"email-csat:{claim.poll}:{score}:{link}",  # the same click twice: one answer
        actor=Actor(platform, user) if user else Actor(PLATFORM, claim.requester),
        conversation=ConversationRef(PLATFORM, claim.address, claim.thread),
        action=ACTION,
        value=str(score),
        values={"context": str(claim.poll)},
    )


def _score(raw: str) -> int | None:
    return int(raw) if raw.isdigit() and int(raw) in SCORES else None


def _reader_locale(request: web.Request, fallback: str) -> str:
    wanted = request.headers.get("Accept-Language", "").split(",")[0].strip().lower()
    return "ja" if wanted.startswith("ja") else "en" if wanted.startswith("en") else fallback
