"""YAML workflows: triggers → conditions → actions, validated once, evaluated per happening.

registry.py   the extension point (actions and conditions, each a handler plus a schema)
loader.py     files → a typed `WorkflowSet`, every problem with file:line:col
engine.py     `WorkflowEngine.run(happening, turn)`, hot `reload()`, timers for `wait`
cli.py        `supportbot workflows validate | schema | test | replay`
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from supportbot.desk import Desk


def attach(desk: Desk) -> None:
    """Give the desk its workflow engine (called by `supportbot.composition.build_desk`).

    Loads the files now, so a server with broken workflows refuses to start and says where;
    timer handlers are registered before the timer loop runs; the engine's background task
    records the version, schedules `schedule` workflows and watches the files (and SIGHUP).
    """
    from supportbot.workflows.admin import tell_admins
    from supportbot.workflows.engine import WorkflowEngine

    directory = Path(desk.services.get("workflows_dir") or desk.config.workflows_dir)
    engine = WorkflowEngine(desk, directory=directory)
    engine.versions.load_now()
    engine.attach_timers()
    engine.on_reload(lambda result, by, on: tell_admins(desk, result, by, on))
    desk.engine = engine
    desk.services["workflows"] = engine
    desk.services.setdefault("background", []).append(engine.serve)
