"""The workflows feature: the YAML engine, its built-in actions and conditions, webhooks.

Registered like any plug-in (entry point `supportbot.features: workflows`). On attach it loads
the files (a server with broken workflows refuses to start and says where), takes its timers
(`wait` resumptions, schedules), and runs in the background: it records the version, plans
`schedule` workflows and reloads on edits and SIGHUP.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from supportbot.plugins import Hooks
from supportbot.workflows import conditions
from supportbot.workflows.actions import flow, messaging, routing, tickets, webhook

if TYPE_CHECKING:
    from supportbot.desk import Desk


class WorkflowsFeature:
    name = "workflows"

    def setup(self, hooks: Hooks) -> None:
        for register in (
            conditions.register,
            tickets.register,
            routing.register,
            messaging.register,
            flow.register,
            webhook.register,
        ):
            register(hooks)
        hooks.deliverer(webhook.WEBHOOK, webhook.WebhookDeliverer())
        hooks.on_attach(attach)


def attach(desk: Desk) -> None:
    from supportbot.workflows.admin import tell_admins
    from supportbot.workflows.engine import WorkflowEngine

    engine = WorkflowEngine(desk, directory=desk.workflows_dir)
    engine.versions.load_now()
    engine.register_timers(desk.hooks)
    engine.on_reload(lambda result, by, on: tell_admins(desk, result, by, on))
    desk.engine = engine

    async def serve(_desk: Desk) -> None:
        await engine.serve()

    desk.hooks.background(serve)
    desk.hooks.on_reload(engine.reload_problems)
