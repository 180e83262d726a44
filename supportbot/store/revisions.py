"""Which schema revision a database is at, and which this release needs, without Alembic.

`serve` asks this on every start: PostgreSQL only checks (replicas never race to migrate),
and an SQLite file already at head needs no migration. Importing Alembic (with Mako and
Pygments) for that cost about 11 MB of memory for the process's life and 0.2 s of start-up;
`migrate` loads it only when there is something to migrate. The head is read from the
revision files themselves (`revision = "…"` / `down_revision = "…"`), and a test holds it
equal to Alembic's own answer.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import pool, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.ext.asyncio import create_async_engine

VERSIONS = Path(__file__).with_name("migrations") / "versions"
VERSION_TABLE = "alembic_version"
_REVISION = re.compile(r"^revision(?::[^=]*)?=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN = re.compile(r"^down_revision(?::[^=]*)?=\s*(?:['\"]([^'\"]+)['\"]|None)", re.MULTILINE)


class MigrationError(Exception):
    """The database cannot be migrated as it is; the message says what to do."""


def head() -> str:
    """The revision no other revision builds on (a release has exactly one)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for file in VERSIONS.glob("*.py"):
        source = file.read_text(encoding="utf-8")
        found, down = _REVISION.search(source), _DOWN.search(source)
        if found is None or down is None:
            raise MigrationError(f"{file.name} names no revision or down_revision")
        revisions.add(found.group(1))
        if down.group(1):
            parents.add(down.group(1))
    heads = revisions - parents
    if len(heads) != 1:
        raise MigrationError(f"the migrations have {len(heads)} heads: {sorted(heads)}")
    return heads.pop()


async def current(url: str) -> str | None:
    """The database's revision (None: never migrated)."""
    engine = create_async_engine(url, poolclass=pool.NullPool)
    try:
        async with engine.connect() as conn:
            try:
                found = await conn.scalar(text(f"SELECT version_num FROM {VERSION_TABLE}"))
            except (OperationalError, ProgrammingError):  # no such table: never migrated
                return None
            return str(found) if found is not None else None
    finally:
        await engine.dispose()


async def at_head(url: str) -> bool:
    return await current(url) == head()


async def require_current(url: str) -> None:
    """Refuse to run on a database whose schema is not at head (PostgreSQL in production:
    replicas must not race to migrate at start-up; `supportbot db upgrade` does it once)."""
    found, needed = await current(url), head()
    if found != needed:
        where = make_url(url).render_as_string(hide_password=True)
        raise MigrationError(
            f"the database {where} is at revision {found or 'none'}, this release needs "
            f"{needed}: run `supportbot db upgrade` first"
        )
