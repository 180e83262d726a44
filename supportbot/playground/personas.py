"""Who a visitor can act as on the playground, taken from the config's people.

A person's playground id is `identities.playground` (by convention the config id, e.g. `aiko`).
Customers are usually not in the config, so when none is there the playground brings one
(Yuki, who writes in Japanese) belonging to the first organisation with a playground id.
"""

from __future__ import annotations

from dataclasses import dataclass

from supportbot.config import Config, Person
from supportbot.events import Actor

PLATFORM = "playground"
ROLE_ORDER = ("lead", "engineer", "agent", "admin")


@dataclass(frozen=True, slots=True)
class Persona:
    id: str
    name: str
    role: str  # "customer", "agent", "lead", "engineer", "admin" or a department name
    locale: str = "en"
    organization: str | None = None  # the customer's org id on the playground

    def actor(self) -> Actor:
        return Actor(PLATFORM, self.id, self.name, self.organization, self.locale)

    def as_json(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "role": self.role, "locale": self.locale}


DEFAULT_CUSTOMER = Persona("yuki", "Yuki Tanaka", "customer", "ja")


def personas_from(config: Config) -> tuple[Persona, ...]:
    org = next(
        (o.platform_ids[PLATFORM] for o in config.organizations if PLATFORM in o.platform_ids), None
    )
    found = [_persona(p, org) for p in config.people if PLATFORM in p.identities]
    if not any(p.role == "customer" for p in found):
        found.insert(0, Persona(DEFAULT_CUSTOMER.id, DEFAULT_CUSTOMER.name, "customer", "ja", org))
    return tuple(found)


def _persona(person: Person, org: str | None) -> Persona:
    role: str | None = next((r for r in ROLE_ORDER if r in person.roles), None)
    if role is None and person.department:
        role = "engineer" if person.department == "engineering" else person.department
    customer = role is None
    return Persona(
        id=person.identities[PLATFORM],
        name=person.name,
        role=role or "customer",
        locale=person.locale,
        organization=org if customer else None,
    )
