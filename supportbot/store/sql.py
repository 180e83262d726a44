"""SQL that SQLite and PostgreSQL spell alike: inserts that tolerate a row already being there.

`INSERT … ON CONFLICT` makes writes idempotent: replicas syncing the same config at once, a
timer planned twice, a delivery recorded twice. Both dialects accept the same builder calls.

The hot ones are built once per dialect and executed with parameters
(`session.execute(insert_ignoring(...), {...})`): building a statement costs SQLAlchemy more
than running it.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase


def _insert(session: AsyncSession, model: type[DeclarativeBase]) -> Any:
    table: Table = model.__table__  # type: ignore[assignment]
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def insert_ignoring(
    session: AsyncSession,
    model: type[DeclarativeBase],
    conflict: Sequence[str],
    returning: str | None = None,
) -> Any:
    """`INSERT … ON CONFLICT (conflict) DO NOTHING [RETURNING returning]` for `model`'s table,
    without values: pass them to `execute`."""
    return _ignoring(session.get_bind().dialect.name, model, tuple(conflict), returning)


@functools.cache
def _ignoring(
    dialect: str, model: type[DeclarativeBase], conflict: tuple[str, ...], returning: str | None
) -> Any:
    table: Table = model.__table__  # type: ignore[assignment]
    insert = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    statement = insert.on_conflict_do_nothing(index_elements=list(conflict))
    return statement.returning(table.c[returning]) if returning else statement


def upsert(
    session: AsyncSession,
    model: type[DeclarativeBase],
    values: Mapping[str, Any],
    conflict: Sequence[str],
    update: Sequence[str],
) -> Any:
    """`INSERT … ON CONFLICT (conflict) DO UPDATE SET update = excluded.update`."""
    statement = _insert(session, model).values(dict(values))
    return statement.on_conflict_do_update(
        index_elements=list(conflict), set_={name: statement.excluded[name] for name in update}
    )
