"""People: staff from the config, customers discovered on first message, and their roles.

`People` is also the `Directory` adapters use to turn `<@person:aiko>` into a platform mention.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from supportbot.config import Config
from supportbot.events import Actor
from supportbot.store.models import Identity, Membership, Organization, Person


class People:
    def __init__(self, config: Config) -> None:
        self.config = config
        self._names: dict[str, str] = {p.id: p.name for p in config.people}

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
        return person.locale if person else self.config.locale

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
        """Mirror organisations, staff, identities and memberships from the config."""
        for org in self.config.organizations:
            row = await session.scalar(select(Organization).where(Organization.name == org.name))
            if row is None:
                session.add(Organization(name=org.name, tier=org.tier))
            else:
                row.tier = org.tier
        for p in self.config.people:
            person = await self._upsert_person(session, p.id, p.name, p.locale, staff=True)
            person.email = p.email
            for platform, external in p.identities.items():
                await self._link(session, person.id, platform, external)
            await self._sync_memberships(session, person.id, p.roles, p.teams)

    async def _upsert_person(
        self, session: AsyncSession, handle: str, name: str, locale: str, *, staff: bool
    ) -> Person:
        person = await session.scalar(select(Person).where(Person.handle == handle))
        if person is None:
            person = Person(handle=handle, name=name, locale=locale, is_staff=staff)
            session.add(person)
            await session.flush()
        else:
            person.name, person.locale, person.is_staff = name, locale, staff
        return person

    async def _link(self, session: AsyncSession, person_id: int, platform: str, ext: str) -> None:
        row = await session.scalar(
            select(Identity).where(Identity.platform == platform, Identity.external_id == ext)
        )
        if row is None:
            session.add(Identity(person_id=person_id, platform=platform, external_id=ext))
        else:
            row.person_id = person_id

    async def _sync_memberships(
        self, session: AsyncSession, person_id: int, roles: Sequence[str], teams: Sequence[str]
    ) -> None:
        wanted = {(r, t) for r in roles for t in (teams or [""])}
        rows = (
            await session.scalars(select(Membership).where(Membership.person_id == person_id))
        ).all()
        for row in rows:
            if (row.role, row.team) not in wanted:
                await session.delete(row)
        have = {(r.role, r.team) for r in rows}
        for role, team in sorted(wanted - have):
            session.add(Membership(person_id=person_id, role=role, team=team))

    async def resolve(
        self, session: AsyncSession, actor: Actor, organization: str | None = None
    ) -> Person:
        """The person behind a platform actor; customers are created on first sight."""
        handle = self.handle_for(actor.platform, actor.user_id)
        person = await session.scalar(select(Person).where(Person.handle == handle))
        if person is not None:
            if not person.is_staff:
                await self._refresh_customer(session, person, actor, organization)
            self._names[handle] = person.name
            return person
        org_id = await self._organization_id(session, actor, organization)
        try:
            async with session.begin_nested():
                person = Person(
                    handle=handle,
                    name=actor.display_name or actor.user_id,
                    locale=actor.locale or self.config.locale,
                    organization_id=org_id,
                )
                session.add(person)
                await session.flush()
                session.add(
                    Identity(
                        person_id=person.id, platform=actor.platform, external_id=actor.user_id
                    )
                )
        except IntegrityError:  # another replica created them a moment ago
            person = (await session.scalars(select(Person).where(Person.handle == handle))).one()
        self._names[handle] = person.name
        return person

    async def _refresh_customer(
        self, session: AsyncSession, person: Person, actor: Actor, organization: str | None
    ) -> None:
        """Keep a customer's name current, and place them in an organisation once one is
        known (first seen in a DM, later writing in their company's shared channel)."""
        if actor.display_name and person.name != actor.display_name:
            person.name = actor.display_name
        if person.organization_id is None:
            person.organization_id = await self._organization_id(session, actor, organization)

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
        if name is None:
            return None
        return await session.scalar(select(Organization.id).where(Organization.name == name))

    async def by_handle(self, session: AsyncSession, handle: str) -> Person | None:
        return await session.scalar(select(Person).where(Person.handle == handle))

    async def ensure(self, session: AsyncSession, handle: str) -> Person:
        """A person by handle; staff from the config are created when missing."""
        person = await self.by_handle(session, handle)
        if person is not None:
            return person
        configured = self.config.person(handle)
        if configured is None:
            from supportbot.tickets.errors import InvalidValueError

            raise InvalidValueError(f"nobody is called {handle!r}", handle=handle)
        return await self._upsert_person(
            session, configured.id, configured.name, configured.locale, staff=True
        )
