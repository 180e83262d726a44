"""Replaying the baseline for free where it would do exactly what the working files do.

Two versions usually differ in a workflow or two. While the working files' replay of a ticket
runs, at every happening whose trigger has different workflows in the baseline, the baseline's
conditions are checked against the same facts, as they stand before each workflow fires. If the
baseline would fire workflows doing the same (same names, same steps, same order) at every such
happening, its replay of the ticket is this one, step for step; the first time it would not,
the ticket is replayed again under the baseline. Conditions are pure: checking them changes
nothing.
"""

from __future__ import annotations

from datetime import datetime

from supportbot.happenings import Happening
from supportbot.tickets.view import TicketView
from supportbot.workflows.compose import always
from supportbot.workflows.replay.facts import FactsBuilder
from supportbot.workflows.schema import Workflow, WorkflowSet


class Twin:
    def __init__(self, ours: WorkflowSet, theirs: WorkflowSet, facts: FactsBuilder) -> None:
        self.facts = facts
        self.differing: dict[str, tuple[Workflow, ...]] = {}
        for trigger in set(ours.by_trigger) | set(theirs.by_trigger):
            mine, other = ours.for_trigger(trigger), theirs.for_trigger(trigger)
            if [w.digest for w in mine] != [w.digest for w in other]:
                self.differing[trigger] = other
        self._effects = {id(w): _effect(w) for w in (*ours.workflows, *theirs.workflows)}

    def agrees(
        self,
        happening: Happening,
        at: datetime,
        fired: list[Workflow],
        states: list[TicketView],
    ) -> bool:
        """Would the baseline fire workflows doing what `fired` did, in that order,
        `states[k]` being the ticket after the first k of them?"""
        k, facts = 0, None
        for wf in self.differing[happening.trigger]:
            if wf.condition is not always:
                if facts is None:
                    facts = self.facts.build(happening, states[k], at)
                if not wf.condition(facts):
                    continue
            if k >= len(fired) or self._effects[id(fired[k])] != self._effects[id(wf)]:
                return False
            k, facts = k + 1, None
        return k == len(fired)


def _effect(wf: Workflow) -> tuple[object, ...]:
    """What a workflow does once it fires: its name (the audit source) and its steps."""
    steps = tuple((s.action, s.params.model_dump_json(by_alias=True)) for s in wf.steps)
    return (wf.name, steps)
