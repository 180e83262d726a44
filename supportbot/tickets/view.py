"""A frozen snapshot of a ticket, safe to hand to views, workflows and adapters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from supportbot.tickets.states import Status


@dataclass(frozen=True, slots=True)
class PersonView:
    handle: str
    name: str
    locale: str = "en"
    organization: str | None = None
    tier: str | None = None


@dataclass(frozen=True, slots=True)
class TicketView:
    number: int
    subject: str
    body: str
    status: Status
    priority: str
    category: str | None
    team: str
    tags: tuple[str, ...]
    kind: str
    locale: str
    requester: PersonView
    assignee: PersonView | None
    origin_platform: str
    origin_channel: str
    origin_thread: str | None
    origin_message: str | None
    created_at: datetime
    updated_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    waiting_since: datetime | None
    paused_seconds: int
    reopen_count: int
    callback_url: str | None = None

    @property
    def is_open(self) -> bool:
        return self.status is not Status.RESOLVED
