"""People: staff from the config, customers discovered on first message, and their roles.

`People` is also the `Directory` adapters use to turn `<@person:aiko>` into a platform mention.

Roles come from the config; the rows (`people`, `identities`) give each person an id. The rows
are looked up once per process and then served from memory: a person's id never changes, and
only this class writes the rows. What a transaction learns reaches the memory only when the
transaction commits, so a rolled-back turn leaves no person behind that the database never had.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import delete, event, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from supportbot.config import Config
from supportbot.errors import InvalidValueError
from supportbot.events import Actor
from supportbot.store.db import READ_ONLY
from supportbot.store.models import Identity, Membership, Organization, Person
from supportbot.store.sql import insert_ignoring, upsert
from supportbot.tickets.view import PersonView

_STAGED = "supportbot.people.staged"


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """A person's row, as the desk keeps it in memory."""

    id: int
    handle: str
    name: str
    locale: str
    organization_id: int | None
    is_staff: bool


class People:
    def __init__(self, config: Config) -> None:
        self.config = config
        self._names: dict[str, str] = {p.id: p.name for p in config.people}
        self._records: dict[str, PersonRecord] = {}
        self._by_id: dict[int, PersonRecord] = {}
        self._orgs: dict[int, tuple[str, str]] = {}  # id -> (name, tier)

    # -- roles (the config is the source of truth for staff) ---------------------------------
    def roles(self, handle: str | None) -> set[str]:
        person = self.config.person(handle) if handle else None
        return set(person.roles) if person else set()

    def is_staff(self, handle: str | None) -> bool:
        return bool(self.roles(handle))

    def is_admin(self, handle: str | None) -> bool:
        return "admin" in self.roles(handle)

    def is_lead_of(self, handle: str | None, team: str) -> bool:
        person = self.config.person(handle) if handle else None
        return bool(person and "lead" in person.roles and team in person.teams)

    def leads_of(self, team: str) -> list[str]:
        return [p.id for p in self.config.people if "lead" in p.roles and team in p.teams]

    def admins(self) -> list[str]:
        return [p.id for p in self.config.people if "admin" in p.roles]

    def agents_of(self, team: str, *, on_duty_only: bool = True) -> list[str]:
        return [
            p.id
            for p in self.config.people
            if "agent" in p.roles and team in p.teams and (p.on_duty or not on_duty_only)
        ]

    def locale_of(self, handle: str | None) -> str:
        person = self.config.person(handle) if handle else None
        if person is not None:
            return person.locale
        record = self._records.get(handle or "")
        return record.locale if record else self.config.locale

    # -- Directory ---------------------------------------------------------------------------
    def user_id(self, person: str, platform: str) -> str | None:
        configured = self.config.person(person)
        if configured is not None:
            return configured.identities.get(platform)
        prefix = f"{platform}:"
        return person[len(prefix) :] if person.startswith(prefix) else None

    def group_id(self, group: str, platform: str) -> str | None:
        dept = self.config.department(group)
        return dept.mention.get(platform) if dept else None

    def display_name(self, person: str) -> str:
        return self._names.get(person, person.split(":", 1)[-1])

    def handle_for(self, platform: str, user_id: str) -> str:
        configured = self.config.person_by_identity(platform, user_id)
        return configured.id if configured else f"{platform}:{user_id}"

    # -- storage -----------------------------------------------------------------------------
    async def sync(self, session: AsyncSession) -> None:
        """Mirror organisations, staff, identities and memberships from the config.

        Every write tolerates the row being there already, so replicas starting at the same
        moment on one database all come up (each writes the same values)."""
        for org in self.config.organizations:
            row = {"name": org.name, "tier": org.tier}
            await session.execute(upsert(session, Organization, row, ["name"], ["tier"]))
        for p in self.config.people:
            values: dict[str, object] = {
                "handle": p.id,
                "name": p.name,
                "locale": p.locale,
                "is_staff": True,
                "email": p.email,
            }
            update_columns = ["name", "locale", "is_staff", "email"]
            await session.execute(upsert(session, Person, values, ["handle"], update_columns))
        ids = dict(
            (await session.execute(select(Person.handle, Person.id).where(Person.is_staff))).all()
        )
        for p in self.config.people:
            for platform, external in p.identities.items():
                link = {"person_id": ids[p.id], "platform": platform, "external_id": external}
                await session.execute(
                    upsert(session, Identity, link, ["platform", "external_id"], ["person_id"])
                )
            await self._sync_memberships(session, ids[p.id], p.roles, p.teams)
        await self._load_organizations(session)
        for p in self.config.people:
            self._stage(session, PersonRecord(ids[p.id], p.id, p.name, p.locale, None, True))

    async def _sync_memberships(
        self, session: AsyncSession, person_id: int, roles: Sequence[str], teams: Sequence[str]
    ) -> None:
        wanted = {(r, t) for r in roles for t in (teams or [""])}
        have = set(
            (
                await session.execute(
                    select(Membership.role, Membership.team).where(
                        Membership.person_id == person_id
                    )
                )
            ).all()
        )
        for role, team in have - wanted:
            await session.execute(
                delete(Membership).where(
                    Membership.person_id == person_id,
                    Membership.role == role,
                    Membership.team == team,
                )
            )
        for role, team in sorted(wanted - have):
            await session.execute(
                insert_ignoring(session, Membership, ["person_id", "role", "team"]),
                {"person_id": person_id, "role": role, "team": team},
            )

    async def _load_organizations(self, session: AsyncSession) -> None:
        rows = await session.execute(select(Organization.id, Organization.name, Organization.tier))
        self._orgs.update({i: (name, tier) for i, name, tier in rows.all()})

    async def resolve(
        self, session: AsyncSession, actor: Actor, organization: str | None = None
    ) -> PersonRecord:
        """The person behind a platform actor; customers are created on first sight."""
        handle = self.handle_for(actor.platform, actor.user_id)
        record = self._records.get(handle) or await self._read(session, handle)
        if record is not None:
            if not record.is_staff:
                record = await self._refresh_customer(session, record, actor, organization)
            return record
        org_id = await self._organization_id(session, actor, organization)
        name = actor.display_name or actor.user_id
        locale = actor.locale or self.config.locale
        try:
            async with session.begin_nested():
                person = Person(handle=handle, name=name, locale=locale, organization_id=org_id)
                session.add(person)
                await session.flush()
                session.add(
                    Identity(
                        person_id=person.id, platform=actor.platform, external_id=actor.user_id
                    )
                )
                await session.flush()
        except IntegrityError:  # another replica created them a moment ago
            found = await self._read(session, handle)
            assert found is not None
            return found
        record = PersonRecord(person.id, handle, name, locale, org_id, False)
        self._stage(session, record)
        return record

    async def _refresh_customer(
        self, session: AsyncSession, record: PersonRecord, actor: Actor, organization: str | None
    ) -> PersonRecord:
        """Keep a customer's name current, and place them in an organisation once one is
        known (first seen in a DM, later writing in their company's shared channel)."""
        changes: dict[str, object] = {}
        if actor.display_name and record.name != actor.display_name:
            changes["name"] = actor.display_name
        if record.organization_id is None:
            org_id = await self._organization_id(session, actor, organization)
            if org_id is not None:
                changes["organization_id"] = org_id
        if not changes:
            return record
        await session.execute(update(Person).where(Person.id == record.id).values(**changes))
        record = replace(record, **changes)  # type: ignore[arg-type]
        self._stage(session, record)
        return record

    async def _organization_id(
        self, session: AsyncSession, actor: Actor, organization: str | None
    ) -> int | None:
        name = organization
        if name is None and actor.organization:
            name = next(
                (
                    o.name
                    for o in self.config.organizations
                    if o.platform_ids.get(actor.platform) == actor.organization
                ),
                None,
            )
        if name is None and actor.organization:  # an e-mail sender's verified domain
            by_domain = self.config.organization_by_domain(actor.organization)
            name = by_domain.name if by_domain else None
        if name is None:
            return None
        known = next((i for i, (n, _) in self._orgs.items() if n == name), None)
        if known is not None:
            return known
        return await session.scalar(select(Organization.id).where(Organization.name == name))

    async def by_handle(self, session: AsyncSession, handle: str) -> PersonRecord | None:
        return self._records.get(handle) or await self._read(session, handle)

    async def ensure(self, session: AsyncSession, handle: str) -> PersonRecord:
        """A person by handle; staff from the config are created when missing."""
        person = await self.by_handle(session, handle)
        if person is not None:
            return person
        configured = self.config.person(handle)
        if configured is None:
            raise InvalidValueError(
                f"nobody is called {handle!r}", "error.unknown_person", handle=handle
            )
        values = {
            "handle": configured.id,
            "name": configured.name,
            "locale": configured.locale,
            "is_staff": True,
            "email": configured.email,
        }
        await session.execute(insert_ignoring(session, Person, ["handle"]), values)
        found = await self._read(session, handle)
        assert found is not None
        return found

    async def view(self, session: AsyncSession, person_id: int) -> PersonView:
        """What a ticket shows of a person (name, language, organisation and its tier)."""
        record = self._by_id.get(person_id) or _staged(session, person_id)
        if record is None:
            row = await session.get(Person, person_id)
            if row is None:
                raise LookupError(f"there is no person {person_id}")
            record = self._record_of(row)
            self._stage(session, record)
        org = await self._organization(session, record.organization_id)
        return PersonView(
            handle=record.handle,
            name=record.name,
            locale=record.locale,
            organization=org[0] if org else None,
            tier=org[1] if org else None,
        )

    async def _organization(
        self, session: AsyncSession, org_id: int | None
    ) -> tuple[str, str] | None:
        if org_id is None:
            return None
        if org_id not in self._orgs:
            row = await session.get(Organization, org_id)
            if row is None:
                return None
            self._orgs[org_id] = (row.name, row.tier)
        return self._orgs[org_id]

    async def _read(self, session: AsyncSession, handle: str) -> PersonRecord | None:
        row = await session.scalar(select(Person).where(Person.handle == handle))
        if row is None:
            return None
        record = self._record_of(row)
        self._stage(session, record)
        return record

    @staticmethod
    def _record_of(row: Person) -> PersonRecord:
        return PersonRecord(
            row.id, row.handle, row.name, row.locale, row.organization_id, row.is_staff
        )

    # -- memory follows commits ----------------------------------------------------------------
    def _stage(self, session: AsyncSession, record: PersonRecord) -> None:
        """Remember `record` once `session`'s transaction commits (at once when the session only
        reads committed rows, or is in no transaction)."""
        info = session.sync_session.info
        if info.get(READ_ONLY) or not session.in_transaction():
            self._remember(record)
            return
        staged: list[PersonRecord] | None = info.get(_STAGED)
        if staged is None:
            staged = info[_STAGED] = []
            event.listen(
                session.sync_session, "after_commit", self._on_commit(info, staged), once=True
            )
            event.listen(session.sync_session, "after_rollback", _forget(info, staged), once=True)
        staged.append(record)

    def _on_commit(
        self, info: dict[str, object], staged: list[PersonRecord]
    ) -> Callable[..., None]:
        def apply(_session: object) -> None:
            if info.get(_STAGED) is staged:
                del info[_STAGED]
                for record in staged:
                    self._remember(record)

        return apply

    def _remember(self, record: PersonRecord) -> None:
        self._records[record.handle] = record
        self._by_id[record.id] = record
        self._names[record.handle] = record.name


def _forget(info: dict[str, object], staged: list[PersonRecord]) -> Callable[..., None]:
    def drop(_session: object) -> None:
        if info.get(_STAGED) is staged:
            del info[_STAGED]

    return drop


def _staged(session: AsyncSession, person_id: int) -> PersonRecord | None:
    """A person this transaction wrote or read (not yet remembered: it has not committed).
    Without it every view of a new requester in their first turn was a SELECT (the session
    holds its rows only weakly): 28 per new ticket with the shipped workflows."""
    staged: list[PersonRecord] | None = session.sync_session.info.get(_STAGED)
    for record in reversed(staged or ()):
        if record.id == person_id:
            return record
    return None
