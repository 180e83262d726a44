"""`supportbot workflows replay`: past tickets through workflow files, as they were at the time.

For each ticket created in the window, its facts at every trigger moment are rebuilt from the
audit trail (`ticket_events`), and the triggers it saw — created, messages, priority changes,
resolution, CSAT answers, timers — run through the workflows in memory: nothing is written and
nothing is sent. Two versions (the working files and a baseline folder or git ref) are
compared ticket by ticket; replaying the baseline is checked against the workflow-made rows of
the trail (the fidelity check).

    history.py    a ticket's rows, and its first state read back from them
    reader.py     the rows in bulk: two streamed Core queries
    state.py      the replayed ticket in memory
    trail.py      what each audit kind does to a ticket, and what it triggers
    simulator.py  the engine's loop over one ticket; step.py: what a step may do; sla.py: clocks
    summary.py    totals and the tickets that would change; fidelity.py: the check
    sections.py, render.py   the report as text, Markdown or JSON; run.py: the command
"""

from supportbot.workflows.replay.run import ReplayRequest, replay

__all__ = ["ReplayRequest", "replay"]
