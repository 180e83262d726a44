"""Bring a database's schema up to date with Alembic, configured in code (no alembic.ini).

`supportbot db upgrade` calls `upgrade(url)`, and so does `serve` on SQLite; on PostgreSQL
`serve` only checks the schema is current (`require_current`), so replicas never race.
Scripts outside an event loop call `upgrade_sync(url)`. The revisions live in
`supportbot/store/migrations/versions/`.

Adding a revision after changing `supportbot/store/models.py`:

    .venv/bin/python -m supportbot.store.migrate revision -m "add playground messages"

That upgrades a throw-away SQLite file to head, lets Alembic compare it with the models and
writes `versions/<rev>_<slug>.py` (ruff-formatted). Read it before committing: autogenerate
misses renames and server defaults; a NOT NULL column added to an existing table needs a
`server_default`; the revision must run on SQLite *and* PostgreSQL. `tests/store/
test_migrations.py` proves that head matches the models on both.

    .venv/bin/python -m supportbot.store.migrate upgrade --url sqlite+aiosqlite:///x.db
    .venv/bin/python -m supportbot.store.migrate heads
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from collections.abc import Sequence
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import inspect, pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from supportbot.store.revisions import VERSION_TABLE, MigrationError, require_current

__all__ = ["MigrationError", "require_current", "upgrade", "upgrade_sync"]

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(url: str | None = None, connection: Connection | None = None) -> AlembicConfig:
    """Alembic's settings, built in code so an installed wheel needs no ini file.

    The URL travels in `attributes`, not in `sqlalchemy.url`, because the ini parser would
    read a `%` in a password as interpolation.
    """
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    cfg.set_main_option("truncate_slug_length", "40")
    # New revision files pass ruff like the rest of the tree (`make lint` checks them).
    cfg.set_section_option("post_write_hooks", "hooks", "ruff_format, ruff_fix")
    for name, options in (("ruff_format", "format"), ("ruff_fix", "check --fix --quiet")):
        cfg.set_section_option("post_write_hooks", f"{name}.type", "module")
        cfg.set_section_option("post_write_hooks", f"{name}.module", "ruff")
        cfg.set_section_option(
            "post_write_hooks", f"{name}.options", f"{options} REVISION_SCRIPT_FILENAME"
        )
    cfg.attributes["url"] = url
    cfg.attributes["connection"] = connection
    return cfg


async def upgrade(url: str, revision: str = "head") -> None:
    """Upgrade the database at `url` to `revision` in one transaction (one on PostgreSQL;
    SQLite commits DDL as it goes, so a failed SQLite upgrade may leave part of a revision)."""
    engine = create_async_engine(url, poolclass=pool.NullPool)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_upgrade_on, revision)
    finally:
        await engine.dispose()


def upgrade_sync(url: str, revision: str = "head") -> None:
    """`upgrade` for callers without an event loop (scripts, the CLI's sync parts)."""
    asyncio.run(upgrade(url, revision))


def _upgrade_on(connection: Connection, revision: str) -> None:
    _refuse_unversioned(connection)
    command.upgrade(alembic_config(connection=connection), revision)


def _refuse_unversioned(connection: Connection) -> None:
    """A database built by `create_all` has our tables but no version: Alembic would fail on
    "table already exists" half-way; say what happened instead."""
    tables = set(inspect(connection).get_table_names())
    if tables and VERSION_TABLE not in tables and "tickets" in tables:
        raise MigrationError(
            f"{connection.engine.url.render_as_string()} has supportbot tables but no "
            f"{VERSION_TABLE} table: it was created without migrations. Start from an empty "
            "database, or, if its schema matches the current release exactly, run "
            "`python -m supportbot.store.migrate stamp --url URL` once."
        )


def revision(message: str, *, autogenerate: bool = True, rev_id: str | None = None) -> None:
    """Write a new revision: compares the models with head on a throw-away SQLite file."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'head.db'}"
        upgrade_sync(url)
        command.revision(
            alembic_config(url), message=message, autogenerate=autogenerate, rev_id=rev_id
        )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m supportbot.store.migrate")
    sub = parser.add_subparsers(dest="command", required=True)
    rev = sub.add_parser("revision", help="write a new revision from the models")
    rev.add_argument("-m", "--message", required=True)
    rev.add_argument("--empty", action="store_true", help="an empty revision to fill by hand")
    rev.add_argument("--rev-id", help="the revision id (default: a random one)")
    for name in ("upgrade", "stamp", "current"):
        one = sub.add_parser(name, help=f"alembic {name} on --url")
        one.add_argument("--url", required=True)
        one.add_argument("revision", nargs="?", default="head")
    sub.add_parser("heads", help="show the head revision(s)")
    args = parser.parse_args(argv)
    if args.command == "revision":
        revision(args.message, autogenerate=not args.empty, rev_id=args.rev_id)
    elif args.command == "upgrade":
        upgrade_sync(args.url, args.revision)
    elif args.command == "stamp":
        command.stamp(alembic_config(args.url), args.revision)
    elif args.command == "current":
        command.current(alembic_config(args.url), verbose=True)
    else:
        command.heads(alembic_config(), verbose=True)


if __name__ == "__main__":
    main()
