"""The fidelity check: does replaying the baseline reproduce what its workflows really did?

For every ticket, the changes the replayed baseline workflows would have written (priority,
category, tags, team, assignee, notes, resolutions, hand-offs, shout-outs, each with the
workflow that made it) are matched against the rows with `source = "workflow:<name>"` in the
audit trail. That only means something when the baseline is what was live for the ticket's
whole life: `workflow_versions` records each version loaded and when, so a ticket that lived
under other files, under two versions, or before any version was recorded is named with the
reason instead of being counted as a difference.
"""

from __future__ import annotations

import hashlib
import json
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePath
from typing import Any, Literal

from supportbot.workflows.replay.history import Recorded, TicketHistory
from supportbot.workflows.replay.outcome import Outcome
from supportbot.workflows.replay.state import Directory, Pool
from supportbot.workflows.replay.trail import CHANGE_KINDS

Reason = Literal["unrecorded", "changed", "other"]
ChangeKey = tuple[str, str, str | Pool]  # (workflow, kind, value)


def content_key(files: Mapping[str, Any]) -> str:
    """The same files under any folder give the same key (the record keeps full paths)."""
    named = sorted((PurePath(path).name, str(text)) for path, text in files.items())
    return hashlib.sha256(json.dumps(named, ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Timeline:
    loaded_at: tuple[datetime, ...]  # oldest first
    keys: tuple[str, ...]

    @classmethod
    def of(cls, versions: Iterable[tuple[datetime, Mapping[str, Any]]]) -> Timeline:
        pairs = [(at, content_key(files)) for at, files in versions]
        return cls(tuple(at for at, _ in pairs), tuple(k for _, k in pairs))

    def verdict(
        self, start: datetime, end: datetime, baseline: str
    ) -> tuple[Reason, datetime] | None:
        """Why a ticket open from `start` to `end` cannot be compared (None: it can)."""
        first = bisect_right(self.loaded_at, start) - 1
        if first < 0:
            return ("unrecorded", start)
        last = bisect_right(self.loaded_at, end) - 1
        for i in range(first + 1, last + 1):
            if self.keys[i] != self.keys[first]:
                return ("changed", self.loaded_at[i])
        if self.keys[first] != baseline:
            return ("other", self.loaded_at[first])
        return None


@dataclass(frozen=True, slots=True)
class Mismatch:
    number: int
    missing: tuple[ChangeKey, ...]  # in the trail, not in the replay
    extra: tuple[ChangeKey, ...]  # in the replay, not in the trail


@dataclass(slots=True)
class FidelityCheck:
    timeline: Timeline
    baseline_key: str
    directory: Directory
    reproduced: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)
    not_comparable: list[tuple[int, Reason, datetime]] = field(default_factory=list)

    def add(self, history: TicketHistory, outcome: Outcome) -> None:
        why = self.timeline.verdict(history.ticket.created_at, history.last_at, self.baseline_key)
        if why is not None:
            self.not_comparable.append((history.number, *why))
            return
        recorded = [change_key(r) for r in history.events]
        replayed = [change_key(r) for r in outcome.changes]
        missing, extra = self._match(
            [k for k in recorded if k is not None], [k for k in replayed if k is not None]
        )
        if missing or extra:
            self.mismatches.append(Mismatch(history.number, missing, extra))
        else:
            self.reproduced += 1

    def merge(self, other: FidelityCheck) -> None:
        self.reproduced += other.reproduced
        self.mismatches = sorted([*self.mismatches, *other.mismatches], key=lambda m: m.number)
        self.not_comparable = sorted([*self.not_comparable, *other.not_comparable])

    @property
    def compared(self) -> int:
        return self.reproduced + len(self.mismatches)

    def _match(
        self, recorded: list[ChangeKey], replayed: list[ChangeKey]
    ) -> tuple[tuple[ChangeKey, ...], tuple[ChangeKey, ...]]:
        left = Counter(recorded)
        left.subtract(replayed)
        missing = list((+left).elements())
        extra = list((-left).elements())
        for key in list(extra):  # "an agent of tier2" matches whoever of tier2 it was
            found = next((m for m in missing if self._pool_match(key, m)), None)
            if found is not None:
                missing.remove(found)
                extra.remove(key)
        return tuple(missing), tuple(extra)

    def _pool_match(self, replayed: ChangeKey, recorded: ChangeKey) -> bool:
        pool, person = replayed[2], recorded[2]
        return (
            replayed[:2] == recorded[:2]
            and isinstance(pool, Pool)
            and isinstance(person, str)
            and self.directory.agent_of(person, pool.team)
        )


def change_key(row: Recorded) -> ChangeKey | None:
    workflow = row.workflow
    if workflow is None or row.kind not in CHANGE_KINDS:
        return None
    return (workflow, row.kind, _value(row))


def _value(row: Recorded) -> str | Pool:
    data = row.data
    if row.kind in ("priority_changed", "category_changed", "routed"):
        return str(data.get("to"))
    if row.kind == "tagged":
        return ", ".join(sorted(str(t) for t in data.get("tags") or ()))
    key = {"assigned": "assignee", "kudos.given": "receiver", "handoff.opened": "department",
           "note": "text"}.get(row.kind)  # fmt: skip
    value = data.get(key) if key else ""
    return value if isinstance(value, Pool) else str(value or "")
