"""`config/supportbot.yaml`: the desk's teams, departments, people, channels and policies.

Read once at start-up (never at import time) into frozen, validated objects. Every error names
file, line and column. Relative paths in the file (`workflows_dir`, `knowledge_dir`, an SQLite
`database_url`) are relative to the file's own folder, so a command gives the same result from
any working directory. Environment variables override secrets and URLs
(`SUPPORTBOT_DATABASE_URL`, whose relative SQLite path stays relative to the working directory).
"""

from __future__ import annotations

from collections.abc import Container, Mapping
from datetime import date, time, timedelta
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from sqlalchemy.engine import make_url

from supportbot import yamldoc
from supportbot.durations import Duration

Priority = Literal["P1", "P2", "P3", "P4"]
Role = Literal["agent", "lead", "admin", "engineer"]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
PRIORITIES: tuple[Priority, ...] = ("P1", "P2", "P3", "P4")
WORKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri")
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///supportbot.db"
CONFIG_VARIABLE = "SUPPORTBOT_CONFIG"
# Looked for in the working directory, in this order: a checkout's, then a `supportbot init` desk's.
CONVENTIONAL_FILES = (Path("config/supportbot.yaml"), Path("supportbot.yaml"))

# Platform name -> the id of a channel (or user, or group) on that platform.
PlatformIds = dict[str, str]
# Checks that need positions in the file run in `load_config`, not in the model validator.
LOCATED_CHECKS = "located-checks"


def _strict_flag(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    raise ValueError(
        f"{value!r} is not true or false (YAML 1.1 words such as on, off, yes and no are not "
        "booleans here: write true or false)"
    )


# A boolean written as true/false only: `default: on` or `yes` is an error, not a silent true.
Flag = Annotated[bool, BeforeValidator(_strict_flag)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Team(_Model):
    """A support team with its own queue (tier1, tier2, billing, …)."""

    name: str
    description: str = ""
    channel: PlatformIds = Field(default_factory=dict, description="defaults to support_channel")
    default: Flag = False


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
    on_duty: Flag = True
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
    """Open hours in the desk's zone. An `end` at or before `start` is a shift that ends the
    next day (22:00–06:00 opens on the listed day and closes the morning after)."""

    timezone: str = "UTC"
    country: str | None = Field(
        default=None, description="ISO 3166 code (JP, US, DE…): its public holidays are closed"
    )
    subdivision: str | None = Field(default=None, description="a state or prefecture code")
    days: list[Weekday] = Field(default_factory=lambda: list(WORKDAYS))
    start: time = time(9, 0)
    end: time = time(18, 0)
    holidays: list[date] = Field(
        default_factory=list, description="extra closed days, beside the country's holidays"
    )

    @model_validator(mode="after")
    def _known_country(self) -> BusinessHours:
        if self.country is None:
            if self.subdivision is not None:
                raise ValueError("`subdivision` needs a `country`")
            return self
        self.national_holidays  # noqa: B018 - builds the calendar now, so errors surface here
        return self

    @cached_property
    def national_holidays(self) -> Container[date]:
        """The country's public holidays (empty without `country`), years filled on demand."""
        if self.country is None:
            return frozenset()
        import holidays  # about 0.1 s to import: only desks that name a country pay it

        try:
            return holidays.country_holidays(self.country, subdiv=self.subdivision)
        except NotImplementedError as exc:
            raise ValueError(
                f"no holiday calendar for {self.country!r}"
                + (f" subdivision {self.subdivision!r}" if self.subdivision else "")
                + " (use an ISO 3166 code such as JP, US or DE)"
            ) from exc

    def is_holiday(self, day: date) -> bool:
        return day in self.holidays or day in self.national_holidays

    @cached_property
    def windows(self) -> dict[date, Any]:
        """Each day's open hours once computed (`business_hours.window` fills it): SLA clocks
        ask for the same few days over and over."""
        return {}

    @property
    def overnight(self) -> bool:
        return self.end <= self.start

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

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class SlaTarget(_Model):
    first_response: Duration
    resolution: Duration


class Sla(_Model):
    business_hours: Flag = True
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


class KnowledgeAi(_Model):
    """AI drafting of suggested replies: off unless enabled here AND the environment names a
    server (SUPPORTBOT_AI_BASE_URL, SUPPORTBOT_AI_MODEL, optional SUPPORTBOT_AI_API_KEY)."""

    enabled: Flag = False


class Knowledge(_Model):
    """Self-service answers and suggested replies (the knowledge feature)."""

    threshold: float = Field(default=0.2, gt=0, lt=1, description="least score worth showing")
    assume_solved_after: Duration = Field(
        default=timedelta(hours=24),
        description="no button, no reply, no reopen for this long: counted as assumed solved",
    )
    ai: KnowledgeAi = Field(default_factory=KnowledgeAi)


class Kudos(_Model):
    points: int = 1
    daily_limit: int = 5


class Pipeline(_Model):
    """How the desk runs events: every event is stored before it is acknowledged, then run."""

    # Turns share one event loop: past two, more of them side by side only queue for its CPU
    # (and delay acknowledgements). Measured with bench/pipeline.py on PostgreSQL at 200
    # events/s: 8 workers, ack p99 3.4 s; 4, 0.95 s; 2, 0.22 s, at the same throughput. Raise
    # it when the database is far away and turns mostly wait on round trips.
    workers: int = Field(default=2, ge=1, le=64, description="events run side by side")
    outbox_lease: Duration = Field(
        default=timedelta(seconds=15),
        description="how long a replica has to deliver what it committed before others may",
    )
    max_lag: Duration = Field(
        default=timedelta(seconds=30),
        description="/healthz says degraded when the oldest waiting event is older",
    )


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
    workflows_dir: str = Field(default="workflows", description="relative to this file")
    knowledge_dir: str = Field(
        default="knowledge", description="help-center articles (Markdown); relative to this file"
    )
    pipeline: Pipeline = Field(default_factory=Pipeline)
    knowledge: Knowledge = Field(default_factory=Knowledge)

    @field_validator("teams")
    @classmethod
    def _some_team(cls, value: list[Team]) -> list[Team]:
        if not value:
            raise ValueError("a desk needs at least one team (leave `teams` out for one team)")
        return value

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> Config:
        if info.context and info.context.get(LOCATED_CHECKS):
            return self  # load_config runs them itself, with positions
        if problems := consistency_problems(self):
            raise ValueError("; ".join(f"{yamldoc.format_path(p)}: {m}" for p, m in problems))
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

    def organization_by_domain(self, domain: str) -> Organization | None:
        """The organisation whose `domains` hold `domain` or a domain it is a subdomain of."""
        domain = domain.strip().lower()
        return next(
            (
                o
                for o in self.organizations
                for d in o.domains
                if domain == d.lower() or domain.endswith("." + d.lower())
            ),
            None,
        )

    def intake_channel(self, platform: str, channel: str) -> IntakeChannel | None:
        return next(
            (c for c in self.intake_channels if c.platform == platform and c.channel == channel),
            None,
        )

    def person_by_identity(self, platform: str, user_id: str) -> Person | None:
        return next((p for p in self.people if p.identities.get(platform) == user_id), None)


Located = list[tuple[yamldoc.Path, str]]


def consistency_problems(config: Config) -> Located:
    """What the single fields cannot say: names that must resolve, be unique, or be one."""
    teams = {t.name for t in config.teams}
    departments = {d.name for d in config.departments}
    people = {p.id for p in config.people}
    problems: Located = []
    for i, person in enumerate(config.people):
        problems += _unknown(("people", i, "teams"), "team", person.teams, teams)
        if person.department:
            path = ("people", i, "department")
            named = [person.department]
            problems += _unknown(path, "department", named, departments, listed=False)
    for i, dept in enumerate(config.departments):
        problems += _unknown(("departments", i, "oncall"), "person", dept.oncall, people)
    for i, intake in enumerate(config.intake_channels):
        named = [intake.team] if intake.team else []
        path = ("intake_channels", i, "team")
        problems += _unknown(path, "team", named, teams, listed=False)
    problems += _duplicates("teams", "name", [t.name for t in config.teams])
    problems += _duplicates("departments", "name", [d.name for d in config.departments])
    problems += _duplicates("people", "id", [p.id for p in config.people])
    problems += _duplicates("organizations", "name", [o.name for o in config.organizations])
    defaults = [i for i, t in enumerate(config.teams) if t.default]
    for i in defaults[1:]:
        first = config.teams[defaults[0]].name
        problems.append((("teams", i, "default"), f"team {first!r} is already the default"))
    return problems


def _unknown(
    path: yamldoc.Path, kind: str, names: list[str], known: set[str], *, listed: bool = True
) -> Located:
    return [
        ((*path, i) if listed else path, f"unknown {kind} {n!r}{yamldoc.did_you_mean(n, known)}")
        for i, n in enumerate(names)
        if n not in known
    ]


def _duplicates(key: str, field: str, names: list[str]) -> Located:
    seen: dict[str, int] = {}
    problems: Located = []
    for i, name in enumerate(names):
        if name in seen:
            message = f"duplicate {field} {name!r} (first at {key}[{seen[name]}])"
            problems.append(((key, i, field), message))
        seen.setdefault(name, i)
    return problems


class ConfigError(yamldoc.ProblemsError):
    """The configuration file is missing or invalid."""


def locate_config(explicit: Path | str | None, env: Mapping[str, str]) -> Path | None:
    """The file a command reads: `--config`, else `$SUPPORTBOT_CONFIG`, else the first of
    `CONVENTIONAL_FILES` in the working directory; None means the built-in defaults."""
    if chosen := explicit or env.get(CONFIG_VARIABLE):
        return Path(chosen)
    return next((path for path in CONVENTIONAL_FILES if path.is_file()), None)


def load_config(path: Path | str | None, env: Mapping[str, str]) -> Config:
    """Load and validate the config file (defaults when `path` is None); apply env overrides.

    Relative paths are made absolute: against the file's folder, or the working directory
    when there is no file (or for a URL from the environment)."""
    doc = _read(Path(path)) if path is not None else yamldoc.Document("<defaults>", {})
    base = Path(path).resolve().parent if path is not None else Path.cwd()
    data: dict[str, Any] = dict(doc.data or {})
    try:
        config = Config.model_validate(data, context={LOCATED_CHECKS: True})
    except ValidationError as exc:
        raise ConfigError(yamldoc.validation_problems(exc, doc, model=Config)) from exc
    if problems := consistency_problems(config):
        raise ConfigError([doc.problem(where, message) for where, message in problems])
    update: dict[str, Any] = {
        "workflows_dir": str((base / config.workflows_dir).resolve()),
        "knowledge_dir": str((base / config.knowledge_dir).resolve()),
        "database_url": sqlite_beside(config.database_url, base),
    }
    if url := env.get("SUPPORTBOT_DATABASE_URL"):
        update["database_url"] = sqlite_beside(url, Path.cwd())
    if url := env.get("SUPPORTBOT_PUBLIC_URL"):
        update["public_url"] = url
    return config.model_copy(update=update)


def _read(file: Path) -> yamldoc.Document:
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ConfigError([yamldoc.Problem(str(file), 1, 1, "", f"cannot read: {reason}")]) from exc
    try:
        doc = yamldoc.load(text, str(file))
    except yamldoc.ProblemsError as exc:
        raise ConfigError(exc.problems) from exc
    if doc.data is not None and not isinstance(doc.data, dict):
        raise ConfigError([doc.problem((), "the file must be a mapping of settings")])
    return doc


def sqlite_beside(url: str, base: Path) -> str:
    """An SQLite URL whose relative file path is made absolute against `base`; others as they
    are (`sqlite:///desk.db` → `sqlite:////etc/supportbot/desk.db`)."""
    try:
        parsed = make_url(url)
    except Exception:
        return url
    database = parsed.database
    if not parsed.drivername.startswith("sqlite") or not database:
        return url
    if database == ":memory:" or database.startswith("file:") or Path(database).is_absolute():
        return url
    absolute = str((base / database).resolve())
    return parsed.set(database=absolute).render_as_string(hide_password=False)
