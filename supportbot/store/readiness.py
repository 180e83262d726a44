"""Is there a desk database at this URL, at the schema this release needs?

Commands that only read (reports, key listings) must neither create an empty SQLite file nor
fail on "no such table": they ask `require_schema` first and get a `MigrationError` that says
what to run. Commands that write (`seed`, `intake add-key`) call `prepare_schema`, which
migrates SQLite as `serve` does and only checks PostgreSQL (replicas never race to migrate).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import make_url

from supportbot.store.revisions import MigrationError, at_head, require_current


def sqlite_file(url: str) -> Path | None:
    """The file of an SQLite URL (None for other databases and in-memory ones)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


async def require_schema(url: str) -> None:
    """Raise `MigrationError` unless the database exists and is at the current revision."""
    file = sqlite_file(url)
    if file is not None and not file.is_file():
        raise MigrationError(
            f"there is no database at {file}: run `supportbot db upgrade` to create an empty "
            "desk, or `supportbot seed` for a demo history (or check database_url)"
        )
    await require_current(url)


async def prepare_schema(url: str) -> None:
    """Bring SQLite to the current schema (creating the file); check PostgreSQL only."""
    file = sqlite_file(url)
    if file is None:
        await require_current(url)
        return
    if not file.parent.is_dir():
        raise MigrationError(f"cannot create the database {file}: there is no folder {file.parent}")
    await upgrade_if_behind(url)


async def upgrade_if_behind(url: str) -> None:
    """`migrate.upgrade`, loading Alembic only when there is something to migrate: an SQLite
    file already at head (every start after the first) is left as it is."""
    file = sqlite_file(url)
    if file is not None and file.is_file() and await at_head(url):
        return
    from supportbot.store.migrate import upgrade

    await upgrade(url)
