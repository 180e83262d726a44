"""Built-in conditions. Each turns its validated YAML value into a predicate over `Facts`.

Text conditions match substrings of NFKC-normalised text, case-insensitively unless
`case_sensitive: true`: Japanese writes no spaces between words, so "word" matching would miss
`至急` inside `至急対応お願いします`.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, StrictBool, model_validator

from supportbot.config import Priority
from supportbot.durations import Duration
from supportbot.workflows.facts import Facts, fold
from supportbot.workflows.refs import ROLES, OrganizationName, TeamName
from supportbot.workflows.registry import Predicate, Registrar

Tier = Literal["standard", "premium", "enterprise"]
ActorRole = Literal["agent", "lead", "admin", "engineer", "customer"]
assert set(ROLES) < set(ActorRole.__args__)  # type: ignore[attr-defined]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TextOptions(_Strict):
    value: str | list[str]
    case_sensitive: bool = False


def _regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"invalid regular expression: {exc}") from exc
    return value


Regex = Annotated[str, AfterValidator(_regex)]


class RegexOptions(_Strict):
    pattern: Regex
    case_sensitive: bool = False


class Compare(_Strict):
    """`{gt: 2h}`, `{lt: 3}`, `{gte: …, lte: …}`: every bound given must hold."""

    gt: float | None = None
    gte: float | None = None
    lt: float | None = None
    lte: float | None = None

    @model_validator(mode="after")
    def _some_bound(self) -> Compare:
        if all(v is None for v in (self.gt, self.gte, self.lt, self.lte)):
            raise ValueError("give at least one of gt, gte, lt, lte")
        return self

    def holds(self, x: float) -> bool:
        return (
            (self.gt is None or x > self.gt)
            and (self.gte is None or x >= self.gte)
            and (self.lt is None or x < self.lt)
            and (self.lte is None or x <= self.lte)
        )


class CompareDuration(_Strict):
    gt: Duration | None = None
    gte: Duration | None = None
    lt: Duration | None = None
    lte: Duration | None = None

    @model_validator(mode="after")
    def _some_bound(self) -> CompareDuration:
        if all(v is None for v in (self.gt, self.gte, self.lt, self.lte)):
            raise ValueError("give at least one of gt, gte, lt, lte (durations such as 2h)")
        return self

    def holds(self, x: timedelta) -> bool:
        return (
            (self.gt is None or x > self.gt)
            and (self.gte is None or x >= self.gte)
            and (self.lt is None or x < self.lt)
            and (self.lte is None or x <= self.lte)
        )


def _many(value: Any) -> tuple[Any, ...]:
    return tuple(value) if isinstance(value, list | tuple) else (value,)


def _needles(value: str | list[str] | TextOptions) -> tuple[tuple[str, ...], bool]:
    if isinstance(value, TextOptions):
        sensitive = value.case_sensitive
        return tuple(fold(v, case_sensitive=sensitive) for v in _many(value.value)), sensitive
    return tuple(fold(v) for v in _many(value)), False


def _haystack(facts: Facts, case_sensitive: bool) -> str:
    return facts.text if case_sensitive else facts.folded


def text_contains(value: str | list[str] | TextOptions) -> Predicate:
    needles, sensitive = _needles(value)
    return lambda f: all(n in _haystack(f, sensitive) for n in needles)


def text_contains_any(value: str | list[str] | TextOptions) -> Predicate:
    needles, sensitive = _needles(value)
    return lambda f: any(n in _haystack(f, sensitive) for n in needles)


def text_matches(value: Regex | RegexOptions) -> Predicate:
    options = value if isinstance(value, RegexOptions) else RegexOptions(pattern=value)
    flags = 0 if options.case_sensitive else re.IGNORECASE
    compiled = re.compile(fold(options.pattern, case_sensitive=True), flags)
    return lambda f: compiled.search(f.text) is not None


def _one_of(value: Any, read: Any) -> Predicate:
    wanted = frozenset(_many(value))
    return lambda f: read(f) in wanted


def _ticket_attr(name: str) -> Any:
    return lambda f: getattr(f.ticket, name) if f.ticket else None


def register(registry: Registrar) -> None:
    c = registry.condition
    text_value = str | list[str] | TextOptions
    c("text.contains", text_value, "the text contains this (or all of these)")(text_contains)
    c("text.contains_any", text_value, "the text contains at least one of these")(text_contains_any)
    c("text.matches", Regex | RegexOptions, "the text matches this regular expression")(
        text_matches
    )
    c("source.platform", str | list[str], "where it came from: slack, teams, intake, …")(
        lambda v: _one_of(v, lambda f: f.platform)
    )
    c("source.channel", str | list[str], "the platform channel id it came from")(
        lambda v: _one_of(v, lambda f: f.channel)
    )
    c(
        "requester.organization",
        OrganizationName | list[OrganizationName],
        "the requester's organisation (config `organizations`)",
    )(lambda v: _one_of(v, lambda f: f.ticket.requester.organization if f.ticket else None))
    c("requester.tier", Tier | list[Tier], "the requester organisation's tier")(
        lambda v: _one_of(v, lambda f: f.ticket.requester.tier if f.ticket else None)
    )
    c("priority", Priority | list[Priority], "the ticket's priority")(
        lambda v: _one_of(v, _ticket_attr("priority"))
    )
    c("category", str | list[str], "the ticket's category")(
        lambda v: _one_of(v, _ticket_attr("category"))
    )
    c("team", TeamName | list[TeamName], "the ticket's team")(
        lambda v: _one_of(v, _ticket_attr("team"))
    )
    c("status", str | list[str], "new, assigned, waiting or resolved")(
        lambda v: _one_of(v, _ticket_attr("status"))
    )
    c("tags", str | list[str], "the ticket has this tag (or all of these)")(_tags)
    c("assigned", StrictBool, "somebody has the ticket")(
        lambda v: lambda f: bool(f.ticket and f.ticket.assignee) is v
    )
    c("business_hours", StrictBool, "now is inside config `business_hours` (zone, holidays)")(
        lambda v: lambda f: f.open_now is v
    )
    c("ticket.age", CompareDuration, "time since the ticket was opened, e.g. {gt: 2h}")(_age)
    c("csat.score", int | Compare, "the CSAT score of a csat.received, e.g. 5 or {lt: 3}")(_csat)
    c("actor.role", ActorRole | list[ActorRole], "the role of who acted (customer: no role)")(
        _actor_role
    )


def _tags(value: str | list[str]) -> Predicate:
    wanted = frozenset(_many(value))
    return lambda f: f.ticket is not None and wanted <= set(f.ticket.tags)


def _age(value: CompareDuration) -> Predicate:
    return lambda f: f.ticket is not None and value.holds(f.now - f.ticket.created_at)


def _csat(value: int | Compare) -> Predicate:
    test = value.holds if isinstance(value, Compare) else (lambda x: x == value)

    def check(f: Facts) -> bool:
        score = f.happening.data.get("score")
        return isinstance(score, int | float) and not isinstance(score, bool) and test(score)

    return check


def _actor_role(value: ActorRole | list[ActorRole]) -> Predicate:
    wanted = frozenset(_many(value))

    def check(f: Facts) -> bool:
        roles = f.actor_roles
        return bool(roles & wanted) or (not roles and "customer" in wanted)

    return check
