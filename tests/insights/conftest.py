"""Databases for the insights tests: every test runs on SQLite and on PostgreSQL.

PostgreSQL tests use their own database (`supportbot_insights`, created on first use; `_2`, `_3`,
… while another pytest session on this machine holds it, as for `pg_url`) so other tests on the
shared server cannot collide with our drop_all/create_all. Without a server they skip locally and
fail under CI=true.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from supportbot.store.db import Database, open_database
from tests.conftest import claim_pg_slot, require_postgres

PG_URL = os.environ.get(
    "SUPPORTBOT_INSIGHTS_PG_URL",
    "postgresql+asyncpg://postgres@127.0.0.1:5432/supportbot_insights",
)


@pytest.fixture(scope="session")
def insights_pg_url() -> Iterator[str]:
    with ExitStack() as stack:
        url = claim_pg_slot(PG_URL, stack)
        require_postgres(url)
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    if request.param == "sqlite":
        database = open_database(f"sqlite+aiosqlite:///{tmp_path / 'insights.db'}")
    else:
        database = open_database(request.getfixturevalue("insights_pg_url"))
    await database.drop_all()
    await database.create_all()
    try:
        yield database
    finally:
        await database.close()
