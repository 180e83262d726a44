"""The composition root: builds one desk from config and environment. Nothing global.

Features (the built-in workflows, collaboration, insights and knowledge, and any plug-in) are
found through one entry-point group, `supportbot.features` (`supportbot.plugins`); each
registers its hooks, then attaches to the built desk. A desk runs with whichever are given
(tests of the core pass none).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path

from supportbot import handlers
from supportbot.adapter import ChatAdapter
from supportbot.clock import Clock, SystemClock
from supportbot.config import Config
from supportbot.courier import Courier
from supportbot.desk import Desk
from supportbot.people import People
from supportbot.pipeline.runner import Pipeline
from supportbot.plugins import Feature, attach, discover_features, load_hooks
from supportbot.scheduler import Scheduler
from supportbot.store.batch import WriteBatcher
from supportbot.store.db import Database, open_database
from supportbot.templates import Templates
from supportbot.tickets import TicketService
from supportbot.views import Views

log = logging.getLogger(__name__)


def build_desk(
    config: Config,
    *,
    clock: Clock | None = None,
    workflows_dir: Path | None = None,
    features: Sequence[Feature] | None = None,
    db: Database | None = None,
    env: Mapping[str, str] | None = None,
) -> Desk:
    """A desk for `config`; on `db` when given (else its `database_url`), with `features`
    (default: every installed one); `env` is what features read their settings from."""
    clock = clock or SystemClock()
    db = db or open_database(config.database_url)
    hooks = load_hooks(
        discover_features() if features is None else features, core=handlers.register
    )
    people = People(config)
    tickets = TicketService(
        sessions=db.sessions, reads=db.reads, people=people, config=config, clock=clock
    )
    folder = workflows_dir or Path(config.workflows_dir)
    templates = Templates.from_folders(*hooks.template_folders, folder / "templates")
    adapters: dict[str, ChatAdapter] = {}
    # The courier's look-ups (a ticket's threads, its requester) are a few rows each, after the
    # commit: on SQLite they go to the writer's own connection, in the event loop (urgent: they
    # are short), not through the readers' worker threads, whose hops cost ~1 ms of CPU each.
    courier_tickets = TicketService(
        sessions=db.sessions, reads=db.urgent, people=people, config=config, clock=clock
    )
    courier = Courier(
        adapters,
        db,
        courier_tickets,
        clock,
        WriteBatcher(db.urgent),
        deliverers=hooks.deliverers.get,
        lease=config.pipeline.outbox_lease,
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
        hooks=hooks,
        workflows_dir=folder,
        env=dict(env or {}),
    )
    desk.pipeline = Pipeline(desk, handlers.dispatch, workers=config.pipeline.workers)
    attach(hooks, desk)
    log.info("features: %s", ", ".join(hooks.features) or "none")
    return desk
