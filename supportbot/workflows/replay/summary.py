"""Adding up replayed tickets: totals per side, and the tickets whose fields would differ.

Only totals and the differing tickets are kept, so a month of tickets replays in constant
memory. The baseline is either other workflow files (replayed the same way) or the audit trail
itself, i.e. what really happened; against the trail, an assignee that round robin chose
matches any agent of that team.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from supportbot.workflows.replay.outcome import Outcome, Verdict
from supportbot.workflows.replay.state import FIELD_NAMES, Assignee, Directory, Fields, Pool

BaselineKind = Literal["files", "trail"]
Value = str | tuple[str, ...] | Pool | None


@dataclass(slots=True)
class Totals:
    tickets: int = 0
    fired: Counter[str] = field(default_factory=Counter)
    failed: Counter[str] = field(default_factory=Counter)
    unsimulated: Counter[str] = field(default_factory=Counter)
    messages: int = 0
    calls: Counter[str] = field(default_factory=Counter)
    asks: Counter[str] = field(default_factory=Counter)
    handoffs: int = 0
    approvals: int = 0
    p1: Counter[Verdict] = field(default_factory=Counter)

    def add(self, o: Outcome) -> None:
        self.tickets += 1
        self.fired.update(o.fired)
        for mine, theirs in ((self.failed, o.failed), (self.unsimulated, o.unsimulated),
                             (self.calls, o.calls), (self.asks, o.asks)):  # fmt: skip
            if theirs:  # mostly empty: skip Counter.update's work
                mine.update(theirs)
        self.messages += o.messages
        self.handoffs += o.handoffs
        self.approvals += o.approvals
        if o.p1_first_response is not None:
            self.p1[o.p1_first_response] += 1

    def merge(self, other: Totals) -> None:
        self.tickets += other.tickets
        for mine, theirs in ((self.fired, other.fired), (self.failed, other.failed),
                             (self.unsimulated, other.unsimulated), (self.calls, other.calls),
                             (self.asks, other.asks)):  # fmt: skip
            mine.update(theirs)
        self.p1.update(other.p1)
        self.messages += other.messages
        self.handoffs += other.handoffs
        self.approvals += other.approvals

    def effects(self) -> tuple[object, ...]:
        """Everything but the ticket count, to tell whether two sides differ."""
        return (self.fired, self.failed, self.messages, self.calls, self.asks, self.handoffs,
                self.approvals, self.p1)  # fmt: skip


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    before: Value
    after: Value


@dataclass(frozen=True, slots=True)
class TicketDiff:
    number: int
    subject: str
    changes: tuple[FieldChange, ...]


@dataclass(slots=True)
class Comparison:
    since: datetime
    now: datetime
    baseline_kind: BaselineKind
    baseline_label: str  # the ref or folder; empty for the trail
    directory: Directory
    candidate: Totals = field(default_factory=Totals)
    baseline: Totals = field(default_factory=Totals)
    changed: list[TicketDiff] = field(default_factory=list)

    def add(self, subject: str, candidate: Outcome, baseline: Outcome) -> None:
        self.candidate.add(candidate)
        self.baseline.add(baseline)
        assert candidate.fields is not None and baseline.fields is not None
        changes = self.diff(baseline.fields, candidate.fields)
        if changes:
            self.changed.append(TicketDiff(candidate.number, subject, changes))

    def merge(self, other: Comparison) -> None:
        self.candidate.merge(other.candidate)
        self.baseline.merge(other.baseline)
        self.changed = sorted([*self.changed, *other.changed], key=lambda d: d.number)

    def diff(self, before: Fields, after: Fields) -> tuple[FieldChange, ...]:
        out = []
        for name in FIELD_NAMES:
            old, new = getattr(before, name), getattr(after, name)
            same = self._same_assignee(old, new) if name == "assignee" else old == new
            if not same:
                out.append(FieldChange(name, old, new))
        return tuple(out)

    def _same_assignee(self, recorded: Assignee, replayed: Assignee) -> bool:
        if recorded == replayed:
            return True
        if self.baseline_kind != "trail" or not isinstance(recorded, str):
            return False
        return isinstance(replayed, Pool) and self.directory.agent_of(recorded, replayed.team)

    @property
    def differs(self) -> bool:
        if self.changed:
            return True
        return self.baseline_kind == "files" and (
            self.candidate.effects() != self.baseline.effects()
        )
