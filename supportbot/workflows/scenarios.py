"""`supportbot workflows test`: scenario files — given a ticket and events, expect actions/messages.

    version: 1
    assume:                                   # optional: what the scenarios were written for,
      locale: en                              # so they pass whatever the desk's own language
      business_hours: {timezone: Asia/Tokyo}  # and hours (default: the desk's config)
    scenarios:
      - name: Japanese outage goes to tier2 as P1
        now: 2026-03-02T10:00:00+09:00        # optional (default: Monday 2 March 2026, noon
                                              # in the desk's business-hours time zone)
        ticket:                               # opened first: fires ticket.created
          platform: slack
          channel: C0ACMESHARED
          user: U0CUSTOMER                    # the requester's platform id
          organization: acme
          locale: ja
          text: 至急:本番環境がダウンしています
        then:                                 # optional, in order
          - advance: 1h                       # move the clock, run the timers now due
          - happen: {trigger: csat.received, data: {score: 2}}
        expect:
          workflows: [triage-outage, route-outage]     # ran, in this order (others may too)
          not_workflows: [after-hours-reply]
          actions: [set_priority, set_category]        # appear in this order
          ticket: {priority: P1, category: outage, team: tier2, tags: [urgent]}
          messages:
            - {to: requester, contains: 緊急}        # requester | thread | leads_channel |
                                                       # team:NAME | department:NAME | person:ID
Each scenario runs on a fresh database, so scenarios never affect each other.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from supportbot.clock import FrozenClock
from supportbot.config import BusinessHours, Config
from supportbot.durations import Duration
from supportbot.happenings import Happening, as_trigger
from supportbot.plugins import Feature
from supportbot.store.db import open_database
from supportbot.tickets.service import NewTicket
from supportbot.workflows.engine import StepRecord
from supportbot.workflows.problems import problems_from
from supportbot.workflows.sandbox import Sandbox, build_sandbox, customer
from supportbot.workflows.scenario_match import describe_intent, message_matches
from supportbot.yamldoc import Problem, ProblemsError, load

DEFAULT_DAY = date(2026, 3, 2)  # a Monday


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class GivenTicket(_Model):
    text: str
    subject: str = ""
    platform: str = "slack"
    channel: str = "C0CUSTOMER"
    user: str = "U0CUSTOMER"
    name: str = "Casey Customer"
    organization: str | None = None
    locale: str | None = None
    team: str | None = None


class HappenStep(_Model):
    trigger: str
    actor: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)


class ThenStep(_Model):
    advance: Duration | None = None
    happen: HappenStep | None = None
    claim: str | None = None  # a staff handle claims the ticket
    priority: str | None = None  # someone sets the priority
    resolve: bool = False
    reopen: bool = False


class ExpectMessage(_Model):
    to: str
    contains: str | list[str] = Field(default_factory=list)


class Expect(_Model):
    workflows: list[str] = Field(default_factory=list)
    not_workflows: list[str] = Field(default_factory=list)
    actions: list[str] = Field(default_factory=list)
    ticket: dict[str, Any] = Field(default_factory=dict)
    messages: list[ExpectMessage] = Field(default_factory=list)
    no_messages: bool = False


class Scenario(_Model):
    name: str
    now: datetime | None = None
    ticket: GivenTicket | None = None
    then: list[ThenStep] = Field(default_factory=list)
    expect: Expect


class Assumptions(_Model):
    """Settings the scenarios depend on, pinned like `now:`: a desk that changes its language or
    hours keeps the scenarios it started from passing."""

    locale: Literal["en", "ja"] | None = None
    desk_name: str | None = None
    business_hours: BusinessHours | None = None

    def apply(self, config: Config) -> Config:
        pinned = {name: getattr(self, name) for name in type(self).model_fields}
        return config.model_copy(update={k: v for k, v in pinned.items() if v is not None})


class ScenarioFile(_Model):
    version: int = 1
    assume: Assumptions = Field(default_factory=Assumptions)
    scenarios: list[Scenario]


@dataclass(slots=True)
class ScenarioResult:
    file: str
    name: str
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


def read_scenarios(path: Path) -> list[Scenario]:
    return read_scenario_file(path).scenarios


def read_scenario_file(path: Path) -> ScenarioFile:
    doc = load(path.read_text(encoding="utf-8"), str(path))
    try:
        return ScenarioFile.model_validate(doc.data)
    except ValidationError as exc:
        raise ProblemsError(problems_from(exc, doc, model=ScenarioFile)) from exc


async def run_scenario(
    scenario: Scenario, config: Config, directory: Path, features: Sequence[Feature] | None = None
) -> list[str]:
    """Run one scenario on a fresh SQLite file; return what did not go as expected."""
    with tempfile.TemporaryDirectory(prefix="supportbot-scenario-") as tmp:
        db = open_database(f"sqlite+aiosqlite:///{Path(tmp) / 'scenario.db'}")
        sandbox: Sandbox | None = None
        try:
            await db.create_all()
            noon = datetime.combine(DEFAULT_DAY, time(12), tzinfo=config.business_hours.zone)
            clock = FrozenClock((scenario.now or noon).astimezone(UTC))
            sandbox = await build_sandbox(config, db, clock, directory, features=features)
            # A test calls nobody: a `call_webhook` or a plug-in's tracker stays an intent
            sandbox.desk.courier.deliverers = _nobody
            steps: list[StepRecord] = []
            sandbox.engine.observe(steps.append)
            number = await _play(sandbox, scenario, clock)
            return await _check(sandbox, scenario.expect, steps, number)
        finally:
            if sandbox is not None:  # its delivery workers end with it, not at interpreter exit
                await sandbox.desk.courier.stop()
            await db.close()


def _nobody(_service: str) -> None:
    return None


async def _play(sandbox: Sandbox, scenario: Scenario, clock: FrozenClock) -> int | None:
    number: int | None = None
    if (given := scenario.ticket) is not None:
        handle = await customer(
            sandbox.desk,
            given.platform,
            given.user,
            name=given.name,
            locale=given.locale,
            organization=given.organization,
        )
        new = NewTicket(
            requester=handle,
            subject=given.subject or given.text,
            body=given.text,
            origin_platform=given.platform,
            origin_channel=given.channel,
            origin_message="1700000000.000100",
            locale=given.locale,
            team=given.team,
        )
        number = (await sandbox.open_ticket(new)).number
    for step in scenario.then:
        await _then(sandbox, step, number, clock)
    return number


async def _then(sandbox: Sandbox, step: ThenStep, number: int | None, clock: FrozenClock) -> None:
    tickets, source = sandbox.desk.tickets, "scenario"
    if step.advance is not None:
        clock.advance(step.advance)
        await sandbox.run_due_timers()
    if step.happen is not None:
        h = step.happen
        await sandbox.happen(
            Happening(as_trigger(h.trigger), number, h.actor, dict(h.data), source)
        )
    if number is None:
        return
    if step.claim is not None:
        await _apply(
            sandbox, await tickets.claim(ticket_id=number, actor=step.claim, source=source)
        )
    if step.priority is not None:
        change = await tickets.set_priority(
            ticket_id=number, priority=step.priority, actor=None, source=source
        )
        await _apply(sandbox, change)
    if step.resolve:
        await _apply(sandbox, await tickets.resolve(ticket_id=number, actor=None, source=source))
    if step.reopen:
        await _apply(sandbox, await tickets.reopen(ticket_id=number, actor=None, source=source))


async def _apply(sandbox: Sandbox, change: Any) -> None:
    for h in change.happenings:
        await sandbox.happen(h)


async def _check(
    sandbox: Sandbox, expect: Expect, steps: list[StepRecord], number: int | None
) -> list[str]:
    failures: list[str] = []
    ran = _unique([s.workflow for s in steps if s.error is None])
    failed = [f"{s.workflow} step {s.step} ({s.action}): {s.error}" for s in steps if s.error]
    failures += [f"step failed: {f}" for f in failed]
    if not _in_order(expect.workflows, ran):
        failures.append(f"expected workflows {expect.workflows} in order; ran {ran}")
    for name in expect.not_workflows:
        if name in ran:
            failures.append(f"workflow {name!r} ran but should not have")
    actions = [s.action for s in steps if s.error is None]
    if not _in_order(expect.actions, actions):
        failures.append(f"expected actions {expect.actions} in order; ran {actions}")
    if expect.ticket and number is not None:
        failures += _ticket_failures(expect.ticket, await sandbox.desk.tickets.get(number))
    failures += _message_failures(sandbox, expect)
    return failures


def _ticket_failures(expected: dict[str, Any], ticket: Any) -> list[str]:
    out: list[str] = []
    for key, want in expected.items():
        have = getattr(ticket, key, None)
        if key == "assignee":
            have = ticket.assignee.handle if ticket.assignee else None
        if key == "tags":
            missing = set(want if isinstance(want, list) else [want]) - set(ticket.tags)
            if missing:
                out.append(f"ticket tags {list(ticket.tags)} lack {sorted(missing)}")
        elif have != want:
            out.append(f"ticket {key} is {have!r}, expected {want!r}")
    return out


def _message_failures(sandbox: Sandbox, expect: Expect) -> list[str]:
    config = sandbox.desk.config
    described = [describe_intent(i, config) for i in sandbox.intents]
    sent = [s for s in described if s is not None]
    if expect.no_messages and sent:
        return [f"expected no workflow messages; got {[to for to, _ in sent]}"]
    out: list[str] = []
    for want in expect.messages:
        if not any(message_matches(want.to, want.contains, s) for s in sent):
            listing = "; ".join(f"{to}: {text[:80]}" for to, text in sent) or "none"
            out.append(f"no message to {want.to} containing {want.contains!r} (sent: {listing})")
    return out


def _in_order(wanted: list[str], seen: list[str]) -> bool:
    it = iter(seen)
    return all(any(w == s for s in it) for w in wanted)


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


async def run_files(
    paths: list[Path], config: Config, directory: Path, features: Sequence[Feature] | None = None
) -> tuple[list[ScenarioResult], list[Problem]]:
    results: list[ScenarioResult] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            given = read_scenario_file(path)
        except ProblemsError as exc:
            problems += exc.problems
            continue
        assumed = given.assume.apply(config)
        for scenario in given.scenarios:
            failures = await run_scenario(scenario, assumed, directory, features)
            results.append(ScenarioResult(str(path), scenario.name, failures))
    return results, problems
