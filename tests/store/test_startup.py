"""How `serve` treats the schema: SQLite is upgraded in place; PostgreSQL is only checked, so
replicas starting together never race to migrate (`supportbot db upgrade` does it once)."""

from __future__ import annotations

import pytest

from supportbot.composition import build_desk
from supportbot.server import prepare_database
from supportbot.store.migrate import MigrationError, upgrade
from tests.conftest import make_test_config


async def test_serve_upgrades_sqlite_but_only_checks_postgresql(db_url: str) -> None:
    desk = build_desk(make_test_config(database_url=db_url), features=())
    try:
        if desk.db.is_sqlite:
            await prepare_database(desk, migrate=True)  # the embedded default sets itself up
        else:
            with pytest.raises(MigrationError, match="run `supportbot db upgrade` first"):
                await prepare_database(desk, migrate=True)
            await upgrade(db_url)
            await prepare_database(desk, migrate=True)
        assert await desk.tickets.list() == []  # the schema is there and usable
    finally:
        await desk.db.close()
