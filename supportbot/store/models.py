"""The database schema, as typed SQLAlchemy 2.0 models.

Only `supportbot.tickets.service` writes `tickets` and the tables that hang off a ticket
(events, escalations, hand-offs, CSAT, kudos). Other modules read them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncAttrs
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(AsyncAttrs, DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UtcDateTime,
        dict[str, Any]: JSON,
        list[str]: JSON,
    }


Id = BigInteger().with_variant(Integer(), "sqlite")  # SQLite autoincrements only INTEGER keys


class Organization(Base):
    __tablename__ = "organizations"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    tier: Mapped[str] = mapped_column(String(30), default="standard")


class Person(Base):
    """Anyone the desk knows: customers, agents, leads, department members."""

    __tablename__ = "people"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    handle: Mapped[str] = mapped_column(String(400), unique=True)  # config id, or platform:user
    name: Mapped[str] = mapped_column(String(200))
    locale: Mapped[str] = mapped_column(String(10), default="en")
    email: Mapped[str | None] = mapped_column(String(320))
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    is_staff: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Identity(Base):
    """A person's account on one platform."""

    __tablename__ = "identities"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(String(30))
    external_id: Mapped[str] = mapped_column(String(400))


class Membership(Base):
    """A role a person holds, in a team or desk-wide (`team` empty)."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("person_id", "role", "team"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(30))
    team: Mapped[str] = mapped_column(String(100), default="")


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_status_team", "status", "team"),
        Index("ix_tickets_created_at", "created_at"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)  # the human-friendly number: #42
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="new")
    priority: Mapped[str] = mapped_column(String(2), default="P3")
    category: Mapped[str | None] = mapped_column(String(100))
    team: Mapped[str] = mapped_column(String(100))
    tags: Mapped[list[str]] = mapped_column(default=list)
    kind: Mapped[str] = mapped_column(String(20), default="customer")  # customer | internal
    locale: Mapped[str] = mapped_column(String(10), default="en")
    requester_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    origin_platform: Mapped[str] = mapped_column(String(30))
    origin_channel: Mapped[str] = mapped_column(String(200), default="")
    origin_thread: Mapped[str | None] = mapped_column(String(200))
    origin_message: Mapped[str | None] = mapped_column(String(200))
    callback_url: Mapped[str | None] = mapped_column(String(2000))
    intake_key_id: Mapped[int | None] = mapped_column(ForeignKey("intake_keys.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    first_response_at: Mapped[datetime | None] = mapped_column()
    resolved_at: Mapped[datetime | None] = mapped_column()
    waiting_since: Mapped[datetime | None] = mapped_column()
    paused_seconds: Mapped[int] = mapped_column(default=0)  # SLA clock paused (waiting on customer)
    reopen_count: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(default=1)


class TicketEvent(Base):
    """The audit trail: one row per change, written in the same transaction as the change."""

    __tablename__ = "ticket_events"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    kind: Mapped[str] = mapped_column(String(50), index=True)
    source: Mapped[str] = mapped_column(String(100), default="")  # slack, teams, workflow:<name>
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)


class TicketThread(Base):
    """A message or thread on some platform that belongs to a ticket."""

    __tablename__ = "ticket_threads"
    __table_args__ = (
        UniqueConstraint("platform", "channel_id", "message_id"),
        Index("ix_ticket_threads_lookup", "platform", "channel_id", "thread_id"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # card, requester, handoff, approval, csat
    ref_id: Mapped[int | None] = mapped_column(Id)  # escalation / hand-off / poll id
    platform: Mapped[str] = mapped_column(String(30))
    channel_id: Mapped[str] = mapped_column(String(200))
    message_id: Mapped[str] = mapped_column(String(200))
    thread_id: Mapped[str] = mapped_column(String(200))  # the thread root (== message_id for roots)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    digest: Mapped[str | None] = mapped_column(String(64))  # of what was last shown there


class Escalation(Base):
    __tablename__ = "escalations"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    team: Mapped[str] = mapped_column(String(100))
    department: Mapped[str | None] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # approved denied expired
    level: Mapped[int] = mapped_column(default=1)  # 1 = team leads, 2 = admins
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    decision_note: Mapped[str | None] = mapped_column(Text)
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column()


class Handoff(Base):
    __tablename__ = "handoffs"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    department: Mapped[str] = mapped_column(String(100))
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="open")  # accepted, done
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column()
    due_at: Mapped[datetime | None] = mapped_column()


class CsatPoll(Base):
    """At most one poll per ticket; a second answer replaces the first."""

    __tablename__ = "csat_polls"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), unique=True
    )
    requester_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="sent")  # answered, expired
    score: Mapped[int | None] = mapped_column()
    comment: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    answered_at: Mapped[datetime | None] = mapped_column()


class KudosAward(Base):
    __tablename__ = "kudos"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    giver_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))  # None: a workflow
    receiver_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    points: Mapped[int] = mapped_column(default=1)
    reason: Mapped[str] = mapped_column(Text, default="")
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"))
    source: Mapped[str] = mapped_column(String(100), default="")
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class Timer(Base):
    """Something that must happen later. Claimed with SELECT … FOR UPDATE SKIP LOCKED."""

    __tablename__ = "timers"
    __table_args__ = (
        Index("ix_timers_due", "status", "due_at"),
        Index("ix_timers_ticket", "ticket_id", "status"),  # a ticket's clocks are replanned
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    kind: Mapped[str] = mapped_column(String(50))
    key: Mapped[str | None] = mapped_column(String(200), unique=True)  # idempotence / cancel
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    due_at: Mapped[datetime] = mapped_column()
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(
        String(20), default="pending"
    )  # running done cancelled failed
    attempts: Mapped[int] = mapped_column(default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_at: Mapped[datetime | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(Text)


class InboxEvent(Base):
    """Every platform event, stored before it is acknowledged; workers run the pending ones.

    The unique key drops a platform's retries on any replica. `key` orders the events of one
    conversation (they run one after another); `payload` is the event itself (`codec`), so a
    restart or another replica can run it. `status`: pending → done (or failed, after
    `attempts`).
    """

    __tablename__ = "inbox"
    __table_args__ = (
        UniqueConstraint("platform", "event_id"),
        Index("ix_inbox_pending", "status", "id"),
        Index("ix_inbox_key", "key", "id"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    platform: Mapped[str] = mapped_column(String(30))
    event_id: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(50))
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    key: Mapped[str] = mapped_column(String(300), default="", server_default="")
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default="pending", server_default="done")
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)
    done_at: Mapped[datetime | None] = mapped_column()


class OutboxMessage(Base):
    """Every outbound intent of a committed turn, delivered after the commit.

    A turn writes its intents here in the same transaction as everything else (`batch` names
    the turn, `seq` their order); the courier sends them at once and marks them `sent`. Rows a
    crash left behind, or a platform refused for now, are retried with back-off once
    `next_attempt_at` has passed (the lease of the replica that wrote them).
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    platform: Mapped[str] = mapped_column(String(30))
    intent: Mapped[dict[str, Any]] = mapped_column()
    status: Mapped[str] = mapped_column(String(20), default="pending")  # sent, failed
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    batch: Mapped[str] = mapped_column(String(80), default="", server_default="")
    seq: Mapped[int] = mapped_column(default=0, server_default="0")


class ConversationReference(Base):
    """What an adapter needs to post into a conversation later (Teams conversation references)."""

    __tablename__ = "conversation_refs"
    __table_args__ = (UniqueConstraint("platform", "key"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    platform: Mapped[str] = mapped_column(String(30))
    key: Mapped[str] = mapped_column(String(300))  # a user id or a conversation id
    reference: Mapped[dict[str, Any]] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class PlaygroundMessage(Base):
    """A message in the playground (the embedded local chat workspace for demo and dev).

    The row id is the playground's message id (as a string it is the `MessageRef.message_id`, and
    a thread's id is its root's id). `body` holds the rendered-from data: the neutral `Message`
    (or the `Form` of an open dialog) as JSON, so history can be re-rendered after a restart.
    """

    __tablename__ = "playground_messages"
    __table_args__ = (Index("ix_playground_messages_place", "channel_id", "thread_id", "id"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(200))  # "support", "customers", "dm:aiko"
    thread_id: Mapped[str | None] = mapped_column(String(200))  # root message id; None = top level
    author: Mapped[str] = mapped_column(String(100))  # a person id, or "bot"
    visible_to: Mapped[str | None] = mapped_column(String(100))  # ephemeral/form: only this person
    kind: Mapped[str] = mapped_column(String(20), default="message")  # message | form
    body: Mapped[dict[str, Any]] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class IntakeKeyRow(Base):
    __tablename__ = "intake_keys"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WorkflowVersion(Base):
    """Each set of workflow files that was loaded, for the record."""

    __tablename__ = "workflow_versions"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    digest: Mapped[str] = mapped_column(String(64))
    files: Mapped[dict[str, Any]] = mapped_column()
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    loaded_by: Mapped[str] = mapped_column(String(100), default="")


class RoundRobinCursor(Base):
    """Where round-robin assignment stopped, per team."""

    __tablename__ = "round_robin"
    team: Mapped[str] = mapped_column(String(100), primary_key=True)
    last_person_id: Mapped[int | None] = mapped_column()
