"""The report as titled tables, worded from the `replay.*` templates (English and Japanese).

The text and Markdown renderers draw the same sections; JSON is the plain data instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from supportbot import markup
from supportbot.insights.sections import Section
from supportbot.templates import Templates
from supportbot.workflows.replay.fidelity import ChangeKey, FidelityCheck
from supportbot.workflows.replay.outcome import VERDICTS
from supportbot.workflows.replay.state import Pool
from supportbot.workflows.replay.summary import Comparison, Totals, Value


@dataclass(frozen=True, slots=True)
class Words:
    templates: Templates
    locale: str

    def __call__(self, name: str, **values: Any) -> str:
        return markup.to_plain(self.templates.render(f"replay.{name}", self.locale, **values))

    def value(self, value: Value) -> str:
        if isinstance(value, Pool):
            return self("pool", team=value.team, strategy=self(f"strategy.{value.strategy}"))
        if isinstance(value, tuple):
            return ", ".join(value) or self("none")
        return value or self("none")

    def change(self, key: ChangeKey) -> str:
        workflow, kind, value = key
        shown = self.value(value) if value != "" else ""
        return self("change", workflow=workflow, kind=self(f"kind.{kind}"), value=shown).strip()


@dataclass(frozen=True, slots=True)
class Report:
    comparison: Comparison
    fidelity: FidelityCheck | None
    workflows: tuple[str, ...]  # the replayed workflows: the working files', then the baseline's
    zone: ZoneInfo
    limit: int = 100  # tickets listed per section

    def local(self, moment: datetime) -> str:
        return moment.astimezone(self.zone).strftime("%Y-%m-%d %H:%M")


def header(r: Report, w: Words) -> list[str]:
    c = r.comparison
    title = w("title", tickets=f"{c.candidate.tickets:,}", since=r.local(c.since), zone=r.zone.key)
    versus = w("versus_files", baseline=c.baseline_label) if c.baseline_kind == "files" else None
    return [title, versus or w("versus_trail"), w("not_replayed")]


def sections(r: Report, w: Words) -> list[Section]:
    found = [workflows_section(r, w), tickets_section(r, w), effects_section(r, w)]
    if r.fidelity is not None:
        found.append(fidelity_section(r.fidelity, r, w))
    return found


def workflows_section(r: Report, w: Words) -> Section:
    c = r.comparison
    trail = c.baseline_kind == "trail"
    rows: list[tuple[str, ...]] = []
    for name in r.workflows:
        fired, was = c.candidate.fired[name], c.baseline.fired[name]
        if trail:
            rows.append((name, f"{fired:,}"))
            continue
        rows.append((name, f"{fired:,}", f"{was:,}", _delta(fired, was)))
    columns = ("workflow", "fired") if trail else ("workflow", "fired", "was", "change")
    return Section("workflows", w("section.workflows"), _columns(w, columns), tuple(rows))


def _delta(now: int, was: int) -> str:
    return f"{now - was:+,}" if now != was else ""


def _columns(w: Words, names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(w(f"column.{n}") for n in names)


def tickets_section(r: Report, w: Words) -> Section:
    changed = r.comparison.changed
    rows = [
        (f"#{d.number}", w(f"field.{ch.field}"), w.value(ch.before), w.value(ch.after))
        for d in changed[: r.limit]
        for ch in d.changes
    ]
    note = w("more", count=len(changed) - r.limit) if len(changed) > r.limit else ""
    if not changed:
        note = w("no_changes")
    title = w("section.tickets", count=f"{len(changed):,}")
    columns = _columns(w, ("ticket", "field", "before", "after"))
    return Section("tickets", title, columns, tuple(rows), note)


def effects_section(r: Report, w: Words) -> Section:
    c = r.comparison
    trail = c.baseline_kind == "trail"
    rows = [(label, _count(now), "—" if trail and not p1 else _count(was))
            for label, now, was, p1 in _effects(c.candidate, c.baseline, w)]  # fmt: skip
    columns = _columns(w, ("what", "now", "trail" if trail else "was"))
    return Section("effects", w("section.effects"), columns, tuple(rows))


def _count(n: int) -> str:
    return f"{n:,}"


def _effects(now: Totals, was: Totals, w: Words) -> list[tuple[str, int, int, bool]]:
    rows = [
        (w("effect.messages"), now.messages, was.messages, False),
        (w("effect.handoffs"), now.handoffs, was.handoffs, False),
        (w("effect.approvals"), now.approvals, was.approvals, False),
    ]
    for what in sorted(set(now.asks) | set(was.asks)):
        rows.append(
            (w("effect.asks", what=w(f"ask.{what}")), now.asks[what], was.asks[what], False)
        )
    for url in sorted(set(now.calls) | set(was.calls)):
        rows.append((w("effect.calls", url=url), now.calls[url], was.calls[url], False))
    for name in sorted(set(now.failed) | set(was.failed)):
        rows.append((w("effect.failed", workflow=name), now.failed[name], was.failed[name], False))
    for action in sorted(set(now.unsimulated) | set(was.unsimulated)):
        label = w("effect.unsimulated", action=action)
        rows.append((label, now.unsimulated[action], was.unsimulated[action], False))
    rows.append((w("effect.p1"), sum(now.p1.values()), sum(was.p1.values()), True))
    for verdict in VERDICTS:
        rows.append((w(f"effect.p1_{verdict}"), now.p1[verdict], was.p1[verdict], True))
    return rows


def fidelity_section(f: FidelityCheck, r: Report, w: Words) -> Section:
    rows: list[tuple[str, str]] = []
    for m in f.mismatches[: r.limit]:
        rows += [(f"#{m.number}", w("fidelity.missing", change=w.change(k))) for k in m.missing]
        rows += [(f"#{m.number}", w("fidelity.extra", change=w.change(k))) for k in m.extra]
    for number, reason, at in f.not_comparable[: r.limit]:
        rows.append((f"#{number}", w(f"fidelity.reason.{reason}", at=r.local(at))))
    note = w("fidelity.summary", reproduced=f"{f.reproduced:,}", differ=f"{len(f.mismatches):,}",
             skipped=f"{len(f.not_comparable):,}")  # fmt: skip
    hidden = max(len(f.mismatches) - r.limit, 0) + max(len(f.not_comparable) - r.limit, 0)
    if hidden:
        note += " " + w("more", count=hidden)
    columns = _columns(w, ("ticket", "what"))
    return Section("fidelity", w("section.fidelity"), columns, tuple(rows), note)
