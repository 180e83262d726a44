"""Databases for the insights tests: every test runs on SQLite and on PostgreSQL.

PostgreSQL tests use their own database (`supportbot_insights`, created on first use) so other
engineers' tests on the shared server cannot collide with our drop_all/create_all. Without a
server they skip locally and fail under CI=true.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from supportbot.store.db import Database, open_database

PG_URL = os.environ.get(
    "SUPPORTBOT_INSIGHTS_PG_URL",
    "postgresql+asyncpg://postgres@127.0.0.1:5432/supportbot_insights",
)


async def ensure_pg_database(url: str) -> None:
    """Create the test database if it is missing (connecting to the server's `postgres` db)."""
    parsed = make_url(url)
    admin = parsed.set(drivername="postgresql", database="postgres")
    conn = await asyncpg.connect(admin.render_as_string(hide_password=False), timeout=5)
    try:
        exists = await conn.fetchval(
            "SELECT 1 FROM pg_database WHERE datname = $1", parsed.database
        )
        if not exists:
            await conn.execute(f'CREATE DATABASE "{parsed.database}"')
    finally:
        await conn.close()


async def open_test_database(backend: str, tmp_path: Path) -> Database:
    if backend == "sqlite":
        return open_database(f"sqlite+aiosqlite:///{tmp_path / 'insights.db'}")
    try:
        await ensure_pg_database(PG_URL)
    except (OSError, asyncpg.PostgresError) as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required under CI=true: {exc}")
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}: {exc}")
    return open_database(PG_URL)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    database = await open_test_database(request.param, tmp_path)
    await database.drop_all()
    await database.create_all()
    try:
        yield database
    finally:
        await database.close()
