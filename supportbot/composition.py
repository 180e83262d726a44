"""The composition root: builds one desk from config and environment. Nothing global.

Features that live in their own packages (workflows, collaboration, insights) attach
themselves through an `attach(desk, ...)` function, looked up here by module name, so a desk
can run without any of them (tests of the core do).
"""

from __future__ import annotations

import importlib
import logging
from pathlib import Path
from typing import Any

from supportbot.adapter import ChatAdapter
from supportbot.clock import Clock, SystemClock
from supportbot.config import Config
from supportbot.courier import Courier
from supportbot.desk import Desk
from supportbot.handlers import dispatch
from supportbot.people import People
from supportbot.pipeline.runner import Pipeline
from supportbot.scheduler import Scheduler
from supportbot.store.batch import WriteBatcher
from supportbot.store.db import Database, open_database
from supportbot.templates import Templates
from supportbot.tickets import TicketService
from supportbot.views import Views

log = logging.getLogger(__name__)
FEATURES = ("supportbot.insights", "supportbot.collab", "supportbot.workflows")


def build_desk(
    config: Config,
    *,
    clock: Clock | None = None,
    workflows_dir: Path | None = None,
    features: tuple[str, ...] = FEATURES,
    db: Database | None = None,
) -> Desk:
    """A desk for `config`; on `db` when given (else its `database_url`), with `features`."""
    clock = clock or SystemClock()
    db = db or open_database(config.database_url)
    people = People(config)
    tickets = TicketService(
        sessions=db.sessions, reads=db.reads, people=people, config=config, clock=clock
    )
    folder = workflows_dir or Path(config.workflows_dir)
    templates = Templates.from_folders(folder / "templates")
    adapters: dict[str, ChatAdapter] = {}
    courier = Courier(
        adapters, db, tickets, clock, WriteBatcher(db.urgent), lease=config.pipeline.outbox_lease
    )
    desk = Desk(
        config=config,
        db=db,
        clock=clock,
        people=people,
        tickets=tickets,
        templates=templates,
        views=Views(templates, config),
        timers=Scheduler(db.sessions, clock, postgres=db.is_postgres),
        courier=courier,
        adapters=adapters,
    )
    desk.pipeline = Pipeline(desk, dispatch, workers=config.pipeline.workers)
    desk.services["workflows_dir"] = folder
    desk.metrics = _metrics()
    for name in features:
        attach_feature(desk, name)
    return desk


def _metrics() -> Any:
    try:
        from supportbot.insights.prom import DeskMetrics
    except ModuleNotFoundError:
        return None
    return DeskMetrics()


def attach_feature(desk: Desk, module: str) -> None:
    try:
        feature: Any = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and module.startswith(exc.name):
            log.info("feature %s is not installed", module)
            return
        raise
    attach = getattr(feature, "attach", None)
    if attach is not None:
        attach(desk)
