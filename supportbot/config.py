"""`config/supportbot.yaml`: the desk's teams, departments, people, channels and policies.

Read once at start-up (never at import time) into frozen, validated objects. Every error names
file, line and column. Environment variables override secrets and URLs (`SUPPORTBOT_DATABASE_URL`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, time, timedelta
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from supportbot import yamldoc
from supportbot.durations import Duration

Priority = Literal["P1", "P2", "P3", "P4"]
Role = Literal["agent", "lead", "admin", "engineer"]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
PRIORITIES: tuple[Priority, ...] = ("P1", "P2", "P3", "P4")
WORKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri")
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///supportbot.db"

# Platform name -> the id of a channel (or user, or group) on that platform.
PlatformIds = dict[str, str]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Team(_Model):
    """A support team with its own queue (tier1, tier2, billing, …)."""

    name: str
    description: str = ""
    channel: PlatformIds = Field(default_factory=dict, description="defaults to support_channel")
    default: bool = False


class Department(_Model):
    """Another department that tickets are handed off to (sales, engineering, …)."""

    name: str
    channel: PlatformIds
    mention: PlatformIds = Field(default_factory=dict, description="user group to mention")
    oncall: list[str] = Field(default_factory=list, description="person ids on call")
    sla: Duration | None = Field(default=None, description="time to accept a hand-off")


class Person(_Model):
    id: str
    name: str
    locale: Literal["en", "ja"] = "en"
    roles: list[Role] = Field(default_factory=list)
    teams: list[str] = Field(default_factory=list)
    department: str | None = None
    email: str | None = None
    on_duty: bool = True
    identities: PlatformIds = Field(default_factory=dict)


class Organization(_Model):
    name: str
    tier: Literal["standard", "premium", "enterprise"] = "standard"
    domains: list[str] = Field(default_factory=list)
    platform_ids: PlatformIds = Field(
        default_factory=dict, description="Slack team id / Teams tenant id of the organisation"
    )


class IntakeChannel(_Model):
    platform: str
    channel: str
    organization: str | None = None
    team: str | None = None


class BusinessHours(_Model):
    timezone: str = "UTC"
    days: list[Weekday] = Field(default_factory=lambda: list(WORKDAYS))
    start: time = time(9, 0)
    end: time = time(18, 0)
    holidays: list[date] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"unknown time zone {value!r} (use an IANA name like Asia/Tokyo)"
            ) from exc
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class SlaTarget(_Model):
    first_response: Duration
    resolution: Duration


class Sla(_Model):
    business_hours: bool = True
    warn_at: float = Field(default=0.75, gt=0, lt=1)
    targets: dict[Priority, SlaTarget] = Field(default_factory=dict)
    tiers: dict[str, dict[Priority, SlaTarget]] = Field(default_factory=dict)

    def target(self, priority: str, tier: str | None) -> SlaTarget | None:
        for table in (self.tiers.get(tier or "", {}), self.targets):
            for key, target in table.items():
                if key == priority:
                    return target
        return None


class Csat(_Model):
    delay: Duration = timedelta(hours=1)
    expires: Duration = timedelta(days=3)
    cooldown: Duration = timedelta(days=7)
    sample_rate: float = Field(default=1.0, ge=0, le=1)
    comment_below: int = Field(default=3, ge=1, le=5)


class Kudos(_Model):
    points: int = 1
    daily_limit: int = 5


class IntakeKey(_Model):
    name: str
    sha256: str = Field(description="hex SHA-256 of the bearer key; never the key itself")
    callback_hosts: list[str] = Field(
        default_factory=list,
        description="hosts this key's `callback_url` may name (`hooks.example.com`, or "
        "`*.example.com` for its subdomains); when set, no other host, and these may be on a "
        "private network (they are trusted by name; link-local addresses stay refused)",
    )

    @field_validator("callback_hosts")
    @classmethod
    def _host_patterns(cls, hosts: list[str]) -> list[str]:
        normalized = [host.strip().lower().rstrip(".") for host in hosts]
        for host in normalized:
            name = host.removeprefix("*.")
            if not name or "*" in name or "/" in name or ":" in name or "@" in name:
                raise ValueError(
                    f"{host!r} is not a host name; write hooks.example.com or *.example.com"
                )
        return normalized


class IntakeCallbacks(_Model):
    """How the desk calls intake clients back with replies (`callback_url`, intake API).

    Callbacks go over https to public addresses only: every address the host resolves to is
    checked, at submission and again before each delivery, and the connection goes to the
    checked address (no DNS rebinding), without following redirects.
    """

    allow_local: bool = Field(
        default=False,
        description="development only: callbacks may also reach this machine and private "
        "networks (127.0.0.0/8, ::1, 10/8, 172.16/12, 192.168/16, fc00::/7), and use http "
        "to loopback; link-local addresses (169.254/16 with cloud metadata, fe80::/10) never",
    )
    connect_timeout: Duration = Field(
        default=timedelta(seconds=5), description="time to open the connection"
    )
    read_timeout: Duration = Field(
        default=timedelta(seconds=10), description="longest wait for the answer's next bytes"
    )
    max_response_bytes: int = Field(
        default=64 * 1024, ge=0, description="at most this much of an answer is read"
    )


class Config(_Model):
    version: Literal[1] = 1
    desk_name: str = "Support"
    locale: Literal["en", "ja"] = "en"
    database_url: str = DEFAULT_DATABASE_URL
    public_url: str = "http://127.0.0.1:8080"
    support_channel: PlatformIds = Field(default_factory=dict)
    kudos_channel: PlatformIds = Field(default_factory=dict)
    leads_channel: PlatformIds = Field(default_factory=dict)
    intake_channels: list[IntakeChannel] = Field(default_factory=list)
    teams: list[Team] = Field(default_factory=lambda: [Team(name="support", default=True)])
    departments: list[Department] = Field(default_factory=list)
    people: list[Person] = Field(default_factory=list)
    organizations: list[Organization] = Field(default_factory=list)
    business_hours: BusinessHours = Field(default_factory=BusinessHours)
    sla: Sla = Field(default_factory=Sla)
    csat: Csat = Field(default_factory=Csat)
    kudos: Kudos = Field(default_factory=Kudos)
    reopen_window: Duration = timedelta(days=7)
    intake_keys: list[IntakeKey] = Field(default_factory=list)
    intake_callbacks: IntakeCallbacks = Field(default_factory=IntakeCallbacks)
    workflows_dir: str = "workflows"

    @model_validator(mode="after")
    def _references_resolve(self) -> Config:
        teams = {t.name for t in self.teams}
        departments = {d.name for d in self.departments}
        people = {p.id for p in self.people}
        problems: list[str] = []
        for person in self.people:
            problems += _unknown("team", person.teams, teams)
            if person.department:
                problems += _unknown("department", [person.department], departments)
        for dept in self.departments:
            problems += _unknown("person", dept.oncall, people)
        for intake in self.intake_channels:
            problems += _unknown("team", [intake.team] if intake.team else [], teams)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    # Look-ups used everywhere; small lists, so linear scans are fine and keep the model frozen.
    def team(self, name: str) -> Team | None:
        return next((t for t in self.teams if t.name == name), None)

    @property
    def default_team(self) -> Team:
        return next((t for t in self.teams if t.default), self.teams[0])

    def department(self, name: str) -> Department | None:
        return next((d for d in self.departments if d.name == name), None)

    def person(self, person_id: str) -> Person | None:
        return next((p for p in self.people if p.id == person_id), None)

    def organization(self, name: str) -> Organization | None:
        return next((o for o in self.organizations if o.name == name), None)

    def intake_channel(self, platform: str, channel: str) -> IntakeChannel | None:
        return next(
            (c for c in self.intake_channels if c.platform == platform and c.channel == channel),
            None,
        )

    def person_by_identity(self, platform: str, user_id: str) -> Person | None:
        return next((p for p in self.people if p.identities.get(platform) == user_id), None)


def _unknown(kind: str, names: list[str], known: set[str]) -> list[str]:
    from supportbot.yamldoc import did_you_mean

    return [f"unknown {kind} {n!r}{did_you_mean(n, known)}" for n in names if n not in known]


class ConfigError(yamldoc.ProblemsError):
    """The configuration file is missing or invalid."""


def load_config(path: Path | str | None, env: Mapping[str, str]) -> Config:
    """Load and validate the config file (defaults when `path` is None); apply env overrides."""
    data: dict[str, object] = {}
    doc = yamldoc.Document(str(path or "<defaults>"), {})
    if path is not None:
        file = Path(path)
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(
                [yamldoc.Problem(str(file), 1, 1, "", f"cannot read: {exc.strerror}")]
            ) from exc
        try:
            doc = yamldoc.load(text, str(file))
        except yamldoc.ProblemsError as exc:
            raise ConfigError(exc.problems) from exc
        if doc.data is not None and not isinstance(doc.data, dict):
            raise ConfigError([doc.problem((), "the file must be a mapping of settings")])
        data = dict(doc.data or {})
    if url := env.get("SUPPORTBOT_DATABASE_URL"):
        data["database_url"] = url
    if url := env.get("SUPPORTBOT_PUBLIC_URL"):
        data["public_url"] = url
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(yamldoc.validation_problems(exc, doc, model=Config)) from exc
