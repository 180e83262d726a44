"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL.

If `test_head_matches_the_models` fails after a change to `supportbot/store/models.py`, write
a revision: `.venv/bin/python -m supportbot.store.migrate revision -m "what changed"`.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, Integer, MetaData, Table, inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from supportbot.store.db import open_database
from supportbot.store.migrate import (
    MigrationError,
    alembic_config,
    upgrade,
    upgrade_sync,
)
from supportbot.store.models import Base


def _head() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


async def _on(url: str, fn: Any) -> Any:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(fn)
    finally:
        await engine.dispose()


def _differences(metadata: MetaData) -> Any:
    def compare(conn: Connection) -> Any:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, metadata)

    return compare


def _tables(conn: Connection) -> set[str]:
    return set(inspect(conn).get_table_names())


def _version(conn: Connection) -> str | None:
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


async def test_head_matches_the_models(db_url: str) -> None:
    await upgrade(db_url)

    assert await _on(db_url, _differences(Base.metadata)) == []
    assert await _on(db_url, _version) == _head()


async def test_upgrading_twice_changes_nothing(db_url: str) -> None:
    await upgrade(db_url)
    await upgrade(db_url)

    assert await _on(db_url, _version) == _head()
    assert await _on(db_url, _differences(Base.metadata)) == []


async def test_the_comparison_notices_a_missing_column(db_url: str) -> None:
    """Guards the test above against comparing nothing with nothing."""
    await upgrade(db_url)
    changed = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.sorted_tables:
        table.to_metadata(changed)
    Table("tickets", changed, Column("mood", Integer), extend_existing=True)

    differences = await _on(db_url, _differences(changed))

    assert [(d[0], d[3].name) for d in differences] == [("add_column", "mood")]


def test_downgrade_to_base_removes_every_table(db_url: str) -> None:
    upgrade_sync(db_url)

    command.downgrade(alembic_config(db_url), "base")

    tables = _run(db_url, _tables)
    assert tables == {"alembic_version"}


async def test_a_database_made_by_create_all_is_refused_with_advice(db_url: str) -> None:
    db = open_database(db_url)
    try:
        await db.create_all()
    finally:
        await db.close()

    with pytest.raises(MigrationError, match="created without migrations"):
        await upgrade(db_url)


def test_there_is_one_head() -> None:
    """Two branches that each add a revision give two heads; merge them before release."""
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert len(heads) == 1, f"several heads {heads}: run `alembic merge` on them"


def _run(url: str, fn: Any) -> Any:
    return asyncio.run(_on(url, fn))


async def test_widening_person_handles_keeps_people_and_what_points_at_them(db_url: str) -> None:
    """0005 copies `people` on SQLite: every person, identity and ticket survives, and a Teams
    handle longer than the old 100 characters then fits."""
    await upgrade(db_url, "0004")

    def fill(conn: Connection) -> None:
        conn.execute(text("INSERT INTO people (id, handle, name, locale, is_staff, created_at) "
                          "VALUES (7, 'aiko', 'Aiko', 'ja', true, CURRENT_TIMESTAMP)"))  # fmt: skip
        conn.execute(text("INSERT INTO identities (person_id, platform, external_id) "
                          "VALUES (7, 'slack', 'U0AIKO')"))  # fmt: skip
        conn.commit()

    await _on(db_url, fill)
    await upgrade(db_url)
    long_handle = "teams:29:1" + "x" * 120

    def check(conn: Connection) -> tuple[Any, ...]:
        insert = text("INSERT INTO people (handle, name, locale, is_staff, created_at) "
                      "VALUES (:h, 'Long', 'en', false, CURRENT_TIMESTAMP)")  # fmt: skip
        conn.execute(insert, {"h": long_handle})
        return (
            conn.execute(text("SELECT handle FROM people WHERE id = 7")).scalar(),
            conn.execute(text("SELECT external_id FROM identities WHERE person_id = 7")).scalar(),
            conn.execute(
                text("SELECT count(*) FROM people WHERE handle = :h"), {"h": long_handle}
            ).scalar(),
        )

    assert await _on(db_url, check) == ("aiko", "U0AIKO", 1)
