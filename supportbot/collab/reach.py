"""How collaboration messages reach people: a person's DM, a configured channel, mentions.

Staff read internal messages in the desk's language (`config.locale`), DMs in their own, and
requesters in the ticket's. A platform is chosen the same way everywhere: the one the ticket
came from when the target exists there, else the first one with a running adapter, else the
first one configured (a sandbox without adapters still sees where a message would go).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from supportbot import markup
from supportbot.events import ConversationRef
from supportbot.intents import Purpose, SendDirect
from supportbot.messages import Message
from supportbot.store.models import Person, TicketEvent

if TYPE_CHECKING:
    from supportbot.desk import Desk


def pick_platform(
    ids: Mapping[str, str], preferred: str | None, running: Collection[str]
) -> str | None:
    if not ids:
        return None
    live = [p for p in ids if p in running]
    if preferred in ids and (not running or preferred in running):
        return preferred
    return live[0] if live else (preferred if preferred in ids else next(iter(ids)))


def channel(desk: Desk, ids: Mapping[str, str], preferred: str | None) -> ConversationRef | None:
    platform = pick_platform(ids, preferred, desk.adapters)
    return ConversationRef(platform, ids[platform]) if platform else None


def direct(
    desk: Desk,
    handle: str,
    message: Message,
    preferred: str | None = None,
    purpose: Purpose | None = None,
) -> SendDirect | None:
    """A DM to a staff member on the best platform they have an identity on."""
    person = desk.config.person(handle)
    if person is None:
        return None
    platform = pick_platform(person.identities, preferred, desk.adapters)
    if platform is None:
        return None
    return SendDirect(platform, person.identities[platform], message, purpose)


def mentions(handles: Iterable[str]) -> markup.Safe:
    return markup.Safe(" ".join(markup.mention(h) for h in handles))


def local_time(desk: Desk, at: datetime) -> str:
    return at.astimezone(desk.config.business_hours.zone).strftime("%Y-%m-%d %H:%M %Z")


def render(desk: Desk, template: str, locale: str | None = None, /, **values: object) -> str:
    return desk.templates.render(template, locale or desk.config.locale, **values)


def note(
    desk: Desk, template: str, locale: str | None = None, /, kind: str = "", **values: object
) -> Message:
    return Message(text=render(desk, template, locale, **values), kind=kind)


async def names_by_id(desk: Desk, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    async with desk.db.reads() as s:
        rows = await s.execute(select(Person.id, Person.name).where(Person.id.in_(wanted)))
        return {pid: name for pid, name in rows.all()}


async def ticket_events(desk: Desk, ticket_id: int, kinds: Collection[str]) -> list[TicketEvent]:
    """Audit rows of a ticket, oldest first (read-only: the ticket service writes them)."""
    return await desk.tickets.history(ticket_id, kinds)
