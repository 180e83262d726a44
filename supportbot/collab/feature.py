"""The collaboration feature, registered like any plug-in."""

from __future__ import annotations

from supportbot.collab import actions, approvals, csat, handoffs, kudos, sla
from supportbot.plugins import Hooks


class CollaborationFeature:
    name = "collaboration"

    def setup(self, hooks: Hooks) -> None:
        actions.register(hooks)
        for area in (approvals, handoffs, sla, csat, kudos):
            area.register(hooks)
