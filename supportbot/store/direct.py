"""Hot statements, run straight on the database driver inside SQLAlchemy's transaction.

Every event writes the inbox, the outbox, timers and message links. SQLAlchemy spends about
0.1–0.5 ms of CPU preparing each statement (coercing, cache keys, execution contexts, the
asyncio adapter's greenlets), where SQLite's or asyncpg's own work is a few microseconds to a
tenth of a millisecond. These few statements are written out once, as portable SQL with
`:name` parameters, and handed to the driver of the session's connection: the transaction,
its BEGIN and its COMMIT stay SQLAlchemy's. Values go in as the column types store them
(`value` converts datetimes and JSON the way SQLAlchemy would), so the ORM reads these rows
back unchanged. Everything else keeps the ORM or Core.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

_PARAMETER = re.compile(r"(?<!:):([a-z_][a-z0-9_]*)")


class Direct:
    """One statement in portable SQL (`:name` parameters)."""

    __slots__ = ("sql",)

    def __init__(self, sql: str) -> None:
        self.sql = " ".join(sql.split())

    def __repr__(self) -> str:
        return f"Direct({self.sql!r})"


@functools.cache
def _spelled(sql: str, dialect: str) -> tuple[str, tuple[str, ...]]:
    """The statement in the driver's parameter style, and the order of its parameters."""
    names: list[str] = []

    def placeholder(match: re.Match[str]) -> str:
        names.append(match.group(1))
        return f"${len(names)}" if dialect == "postgresql" else "?"

    return _PARAMETER.sub(placeholder, sql), tuple(names)


def value(raw: Any, dialect: str) -> Any:
    """`raw` as the driver takes it for our column types (UtcDateTime, JSON)."""
    if isinstance(raw, datetime):
        utc = raw.astimezone(UTC)
        if dialect == "postgresql":
            return utc
        # what SQLAlchemy's SQLite DATETIME stores; isoformat is much faster than strftime
        return utc.replace(tzinfo=None).isoformat(" ", "microseconds")
    if isinstance(raw, dict | list):
        return json.dumps(raw)
    return raw


class _Driver:
    """The session's connection, as its driver sees it, inside the session's transaction."""

    def __init__(self, dialect: str, connection: Any) -> None:
        self.dialect = dialect
        self.connection = connection

    def bind(self, statement: Direct, params: Mapping[str, Any]) -> tuple[str, list[Any]]:
        sql, names = _spelled(statement.sql, self.dialect)
        return sql, [value(params[name], self.dialect) for name in names]


async def _driver(s: AsyncSession) -> _Driver:
    info = s.sync_session.info
    known: _Driver | None = info.get("supportbot.direct")
    if known is not None:
        return known
    connection = await s.connection()  # begins the transaction (SQLite: BEGIN IMMEDIATE)
    raw = await connection.get_raw_connection()
    dialect = connection.dialect.name
    if dialect == "postgresql":
        adapted: Any = raw.dbapi_connection
        if getattr(adapted, "_transaction", False) is None:  # asyncpg begins on first use
            await adapted._start_transaction()
    found = info["supportbot.direct"] = _Driver(dialect, raw.driver_connection)
    return found


async def dialect(s: AsyncSession) -> str:
    """`postgresql` or `sqlite`: the database of the session's transaction."""
    return (await _driver(s)).dialect


async def execute(s: AsyncSession, statement: Direct, params: Mapping[str, Any]) -> int:
    """Run `statement`; return how many rows it changed."""
    driver = await _driver(s)
    sql, args = driver.bind(statement, params)
    if driver.dialect == "postgresql":
        status: str = await driver.connection.execute(sql, *args)
        tail = status.rsplit(" ", 1)[-1]
        return int(tail) if tail.isdigit() else 0
    cursor = driver.connection._conn.execute(sql, args)
    return int(cursor.rowcount)


async def rows(
    s: AsyncSession, statement: Direct, params: Mapping[str, Any]
) -> list[Sequence[Any]]:
    """Run `statement` (a SELECT, or a write with RETURNING); return its rows."""
    driver = await _driver(s)
    sql, args = driver.bind(statement, params)
    if driver.dialect == "postgresql":
        return list(await driver.connection.fetch(sql, *args))
    return list(driver.connection._conn.execute(sql, args).fetchall())


async def scalar(s: AsyncSession, statement: Direct, params: Mapping[str, Any]) -> Any:
    """The first column of the first row, or None."""
    found = await rows(s, statement, params)
    return found[0][0] if found else None
