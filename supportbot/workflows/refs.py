"""Names that must exist in the configuration: teams, departments, people, roles, templates.

Parameter models use these annotated types; the loader validates with a `References` object as
the pydantic validation context, so an unknown team is reported with the allowed names and a
"did you mean". Without a context (e.g. building the JSON Schema) only the shape is checked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, get_args

from pydantic import AfterValidator, ValidationInfo

from supportbot.config import Config, Role
from supportbot.yamldoc import did_you_mean

ROLES: tuple[str, ...] = get_args(Role)
# Channel names an action may post to, besides `team:<name>` and `department:<name>`.
CHANNEL_NAMES = ("support_channel", "leads_channel", "kudos_channel", "thread")


@dataclass(frozen=True, slots=True)
class References:
    config: Config
    templates: frozenset[str]

    @property
    def teams(self) -> list[str]:
        return [t.name for t in self.config.teams]

    @property
    def departments(self) -> list[str]:
        return [d.name for d in self.config.departments]

    @property
    def people(self) -> list[str]:
        return [p.id for p in self.config.people]

    @property
    def organizations(self) -> list[str]:
        return [o.name for o in self.config.organizations]


def _refs(info: ValidationInfo) -> References | None:
    return info.context if isinstance(info.context, References) else None


MAX_LISTED = 20


def known(kind: str, name: str, choices: Iterable[str]) -> None:
    """Raise ValueError naming the allowed values when `name` is not one of `choices`."""
    options = sorted(choices)
    if name in options:
        return
    hint = did_you_mean(name, options)
    listed = options
    if len(options) > MAX_LISTED:  # hundreds of templates: list the ones of the same family
        family = name.rsplit(".", 1)[0] + "."
        listed = [o for o in options if o.startswith(family)][:MAX_LISTED]
    tail = f"; expected one of: {', '.join(listed)}" if listed else ""
    if not options:
        tail = "; none are configured"
    raise ValueError(f"unknown {kind} {name!r}{hint}{tail}")


def _team(value: str, info: ValidationInfo) -> str:
    if refs := _refs(info):
        known("team", value, refs.teams)
    return value


def _department(value: str, info: ValidationInfo) -> str:
    if refs := _refs(info):
        known("department", value, refs.departments)
    return value


def _person(value: str, info: ValidationInfo) -> str:
    if refs := _refs(info):
        known("person", value, refs.people)
    return value


def _role(value: str, info: ValidationInfo) -> str:
    known("role", value, ROLES)
    return value


def _template(value: str, info: ValidationInfo) -> str:
    if refs := _refs(info):
        known("template", value, refs.templates)
    return value


def _organization(value: str, info: ValidationInfo) -> str:
    if (refs := _refs(info)) and refs.organizations:
        known("organization", value, refs.organizations)
    return value


def _recipient(value: str, info: ValidationInfo) -> str:
    """`role:lead`, `person:aiko`, `department:sales`, `team:tier2`, `assignee` or `requester`."""
    if value in ("assignee", "requester"):
        return value
    kind, _, name = value.partition(":")
    checks = {"role": _role, "person": _person, "department": _department, "team": _team}
    if kind not in checks or not name:
        raise ValueError(
            f"{value!r} is not a recipient; write role:NAME, person:ID, department:NAME, "
            "team:NAME, assignee or requester"
        )
    checks[kind](name, info)
    return value


def _channel(value: str, info: ValidationInfo) -> str:
    kind, _, name = value.partition(":")
    if kind == "team" and name:
        _team(name, info)
        return value
    if kind == "department" and name:
        _department(name, info)
        return value
    if value not in CHANNEL_NAMES:
        raise ValueError(
            f"unknown channel {value!r}{did_you_mean(value, CHANNEL_NAMES)}; expected one of: "
            f"{', '.join(CHANNEL_NAMES)}, team:NAME or department:NAME"
        )
    return value


TeamName = Annotated[str, AfterValidator(_team)]
DepartmentName = Annotated[str, AfterValidator(_department)]
PersonName = Annotated[str, AfterValidator(_person)]
RoleName = Annotated[str, AfterValidator(_role)]
TemplateName = Annotated[str, AfterValidator(_template)]
OrganizationName = Annotated[str, AfterValidator(_organization)]
Recipient = Annotated[str, AfterValidator(_recipient)]
ChannelName = Annotated[str, AfterValidator(_channel)]
