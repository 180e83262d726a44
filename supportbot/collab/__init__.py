"""Collaboration: escalation approvals, hand-offs, SLA clocks, CSAT polls and shout-outs.

    approvals.py  the approval card, reminders, the admins' turn, decisions told to the agent
    handoffs.py   the department's linked thread, its card, the acceptance SLA
    clocks.py     SLA arithmetic (business time, pauses); sla.py: its timers and notices
    csat.py       the poll after resolution: delay, sampling, cool-down, answers, expiry
    kudos.py      shout-outs, `/support kudos`, `/support leaderboard`
    actions.py    the workflow actions (`register(registry)`, listed in the engine's registry)

`attach(desk)` is called by the composition root; it registers commands, button and form
handlers, timer handlers, link renderers and the card's "SLA due" text on that desk only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from supportbot.desk import Desk


def attach(desk: Desk) -> None:
    from supportbot.collab import approvals, csat, handoffs, kudos, sla

    for feature in (approvals, handoffs, sla, csat, kudos):
        feature.attach(desk)
