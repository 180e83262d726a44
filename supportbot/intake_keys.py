"""`supportbot intake add-key | list-keys | revoke`: the bearer keys of the intake API.

Only a key's SHA-256 is stored. Revoking keeps the row, because tickets name the key they came
in with, and replaces its hash with a value no SHA-256 can equal, so that key stops working at
once (the intake API compares hashes on every request) and its name is never reused.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from supportbot.config import Config
from supportbot.intake import new_key
from supportbot.store.db import Database, open_database
from supportbot.store.models import IntakeKeyRow
from supportbot.store.readiness import prepare_schema, require_schema
from supportbot.usage import UsageError

REVOKED = "revoked-"  # a stored hash with this prefix matches no key (hex digests never do)


@dataclass(frozen=True, slots=True)
class KeyInfo:
    name: str
    created_at: datetime
    revoked: bool


class KeyExistsError(UsageError):
    """A key with that name exists already (names identify keys in tickets and logs)."""


async def add_key(db: Database, name: str) -> str:
    """Create the key `name`; return the bearer key (shown once, never stored)."""
    key, digest = new_key()
    async with db.sessions.begin() as session:
        existing = await session.scalar(select(IntakeKeyRow).where(IntakeKeyRow.name == name))
        if existing is not None:
            raise _exists(name, existing)
        session.add(IntakeKeyRow(name=name, key_hash=digest))
    return key


def _exists(name: str, row: IntakeKeyRow) -> KeyExistsError:
    state = "revoked" if row.key_hash.startswith(REVOKED) else "in use"
    return KeyExistsError(
        f"there is already an intake key named {name!r} ({state}, created "
        f"{row.created_at:%Y-%m-%d}): choose another name, e.g. {name}-2"
    )


async def list_keys(db: Database) -> list[KeyInfo]:
    async with db.reads() as session:
        rows = (await session.scalars(select(IntakeKeyRow).order_by(IntakeKeyRow.name))).all()
    return [KeyInfo(r.name, r.created_at, r.key_hash.startswith(REVOKED)) for r in rows]


async def revoke_key(db: Database, name: str) -> bool:
    """Revoke `name`; False when it was revoked already. Raises UsageError for an unknown name."""
    async with db.sessions.begin() as session:
        row = await session.scalar(select(IntakeKeyRow).where(IntakeKeyRow.name == name))
        if row is None:
            known = (await session.scalars(select(IntakeKeyRow.name))).all()
            listing = ", ".join(sorted(known)) or "none yet"
            raise UsageError(f"there is no intake key named {name!r} (keys: {listing})")
        if row.key_hash.startswith(REVOKED):
            return False
        # Unique and 64 characters like a digest, but never equal to one.
        row.key_hash = (REVOKED + row.key_hash)[:64]
    return True


def add_commands(subparsers: Any, read_config: Any) -> None:
    """`intake add-key NAME`, `intake list-keys`, `intake revoke NAME`."""
    intake = subparsers.add_parser("intake", help="intake API keys (web forms, mail gateways)")
    actions = intake.add_subparsers(metavar="ACTION")
    add = actions.add_parser("add-key", help="create a bearer key (printed once)")
    add.add_argument("name")
    add.set_defaults(handler=lambda args: _add(read_config(args), args.name))
    listing = actions.add_parser("list-keys", help="the keys, and which are revoked")
    listing.set_defaults(handler=lambda args: _list(read_config(args)))
    revoke = actions.add_parser("revoke", help="stop a key from working (at once)")
    revoke.add_argument("name")
    revoke.set_defaults(handler=lambda args: _revoke(read_config(args), args.name))


def _add(config: Config, name: str) -> int:
    async def run() -> str:
        await prepare_schema(config.database_url)
        db = open_database(config.database_url)
        try:
            return await add_key(db, name)
        except IntegrityError as exc:  # the same name added by someone else meanwhile
            raise KeyExistsError(f"there is already an intake key named {name!r}") from exc
        finally:
            await db.close()

    key = asyncio.run(run())
    print(f"intake key {name!r} (shown once; only its hash is stored):\n{key}")
    return 0


def _list(config: Config) -> int:
    async def run() -> list[KeyInfo]:
        await require_schema(config.database_url)
        db = open_database(config.database_url)
        try:
            return await list_keys(db)
        finally:
            await db.close()

    keys = asyncio.run(run())
    if not keys:
        print("no intake keys yet: `supportbot intake add-key NAME` creates one")
    for key in keys:
        state = "revoked" if key.revoked else "active"
        print(f"{key.name}\t{state}\tcreated {key.created_at:%Y-%m-%d %H:%M} UTC")
    return 0


def _revoke(config: Config, name: str) -> int:
    async def run() -> bool:
        await require_schema(config.database_url)
        db = open_database(config.database_url)
        try:
            return await revoke_key(db, name)
        finally:
            await db.close()

    changed = asyncio.run(run())
    print(f"intake key {name!r} {'is revoked' if changed else 'was revoked already'}")
    return 0
