"""Shared fixtures: databases on SQLite and PostgreSQL, a realistic config, a frozen clock, and
the ticket service wired to them.

    db_url     an EMPTY database per test, once per backend (ids `sqlite`, `postgresql`)
    database   `db_url` opened with `store.db.open_database` and `create_all` (closed after)
    config     `make_test_config()`; `make_config(**overrides)` builds variants
    clock      a `FrozenClock` at `NOW`
    tickets    `TicketService` on all of the above, staff synced from the config

PostgreSQL runs at `postgresql+asyncpg://postgres@127.0.0.1:5432/supportbot_test` (override
with SUPPORTBOT_TEST_PG_URL); the database is created when missing, and its `public` schema is
dropped and recreated for every test. A second pytest session on the same machine gets
`supportbot_test_2` (see `claim_pg_slot`); within one session tests run one at a time. Without a
server the PostgreSQL half skips locally and fails under CI=true: CI never passes by skipping.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import tempfile
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy.engine import URL, make_url

from supportbot.clock import FrozenClock
from supportbot.config import Config
from supportbot.people import People
from supportbot.store.db import Database, open_database
from supportbot.tickets import TicketService

DEFAULT_PG_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/supportbot_test"
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # a Monday, 10:00 UTC: inside business hours

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


# -- config ------------------------------------------------------------------------------------
def _channels(name: str, slack: str) -> dict[str, str]:
    return {"playground": name, "slack": slack, "teams": f"19:{name}@thread.tacv2"}


def _person(
    handle: str, name: str, roles: list[str], teams: list[str], **extra: Any
) -> dict[str, Any]:
    return {
        "id": handle,
        "name": name,
        "roles": roles,
        "teams": teams,
        "email": f"{handle}@support.example",
        **extra,
    }


def test_config_data() -> dict[str, Any]:
    """The desk most tests run against, as the YAML file would hold it."""
    return {
        "desk_name": "Example Support",
        "support_channel": _channels("support", "C0SUPPORT"),
        "kudos_channel": _channels("kudos", "C0KUDOS"),
        "leads_channel": _channels("leads", "C0LEADS"),
        "intake_channels": [
            {"platform": "slack", "channel": "C0ACMESHARED", "organization": "acme"},
            {"platform": "playground", "channel": "customers", "team": "tier1"},
        ],
        "teams": [
            {"name": "tier1", "description": "First line", "default": True},
            {"name": "tier2", "description": "Specialists"},
            {"name": "billing", "description": "Invoices and refunds"},
        ],
        "departments": [
            {
                "name": "engineering",
                "channel": _channels("engineering", "C0ENG"),
                "mention": {"slack": "S0ENG"},
                "oncall": ["eri"],
                "sla": "4h",
            },
            {"name": "sales", "channel": _channels("sales", "C0SALES")},
            {"name": "marketing", "channel": _channels("marketing", "C0MARKETING")},
        ],
        "people": [
            _person(
                "aiko",
                "Aiko Tanaka",
                ["agent"],
                ["tier1"],
                locale="ja",
                identities={"playground": "aiko", "teams": "29:1AgentYuiXyZ"},
            ),
            _person(
                "ben",
                "Ben Carter",
                ["agent"],
                ["tier1", "billing"],
                identities={"playground": "ben", "slack": "U0AGENT1"},
            ),
            _person(
                "lena",
                "Lena Weber",
                ["agent", "lead"],
                ["tier1"],
                identities={"playground": "lena", "slack": "U0LEAD1", "teams": "29:1LeadKen"},
            ),
            _person(
                "omar",
                "Omar Haddad",
                ["agent", "lead"],
                ["tier2"],
                identities={"playground": "omar"},
            ),
            _person(
                "adam",
                "Adam Novak",
                ["admin"],
                [],
                identities={"playground": "adam", "teams": "29:1AdminMika"},
            ),
            _person(
                "eri",
                "Eri Sato",
                ["engineer"],
                [],
                locale="ja",
                department="engineering",
                identities={"playground": "eri"},
            ),
        ],
        "organizations": [
            {
                "name": "acme",
                "tier": "enterprise",
                "domains": ["acme.example"],
                "platform_ids": {"slack": "T0CUSTOMERORG"},
            },
            {"name": "globex", "tier": "standard", "domains": ["globex.example"]},
        ],
        "sla": {
            "targets": {
                "P1": {"first_response": "15m", "resolution": "4h"},
                "P2": {"first_response": "1h", "resolution": "1d"},
                "P3": {"first_response": "4h", "resolution": "3d"},
                "P4": {"first_response": "1d", "resolution": "1w"},
            },
            "tiers": {"enterprise": {"P1": {"first_response": "10m", "resolution": "2h"}}},
        },
        "kudos": {"points": 1, "daily_limit": 3},
    }


def make_test_config(**overrides: Any) -> Config:
    """`test_config_data()` with top-level keys replaced, validated like the YAML file."""
    return Config.model_validate({**test_config_data(), **overrides})


# -- PostgreSQL --------------------------------------------------------------------------------
def _asyncpg_dsn(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


async def ensure_pg_database(url: str) -> None:
    """Create the database named in `url` if missing, connecting to the server's `postgres`
    database (or `test` when `postgres` is closed to us)."""
    parsed = make_url(url)
    last: Exception | None = None
    for admin_db in ("postgres", "test"):
        try:
            conn = await asyncpg.connect(_asyncpg_dsn(parsed.set(database=admin_db)), timeout=5)
        except asyncpg.InvalidCatalogNameError as exc:
            last = exc
            continue
        try:
            found = await conn.fetchval(
                "SELECT 1 FROM pg_database WHERE datname = $1", parsed.database
            )
            if not found:
                await conn.execute(f'CREATE DATABASE "{parsed.database}"')
        except asyncpg.DuplicateDatabaseError:
            pass  # another session created it a moment ago
        finally:
            await conn.close()
        return
    raise OSError(f"no admin database to create {parsed.database!r} from: {last}")


async def reset_pg_schema(url: str) -> None:
    """Leave the database empty: drop and recreate `public` (also removes tables and the
    alembic_version that `create_all`'s drop_all would not know about)."""
    conn = await asyncpg.connect(_asyncpg_dsn(make_url(url)), timeout=5)
    try:
        # A test that leaked an open transaction would make DROP wait forever; fail instead.
        await conn.execute("SET lock_timeout = '10s'")
        await conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        await conn.execute("CREATE SCHEMA public")
    finally:
        await conn.close()


def run_aside(coro: Coroutine[Any, Any, None]) -> None:
    """Run a coroutine to the end on its own loop in a worker thread: sync fixtures may be set
    up while pytest-asyncio's loop runs, and must neither nest nor replace that loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, coro).result()


def require_postgres(url: str) -> None:
    """Make sure the server answers and the database exists; skip (fail under CI) if not."""
    try:
        run_aside(ensure_pg_database(url))
        return
    except (OSError, asyncpg.PostgresError) as exc:  # TimeoutError is an OSError
        message = f"PostgreSQL is not reachable at {url}: {exc!r}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message} (required under CI=true)", pytrace=False)
    pytest.skip(message)


def claim_pg_slot(url: str, stack: ExitStack) -> str:
    """`url`, or `url` with `_2`, `_3`, … appended to the database name when another pytest
    session on this machine is using it: each test wipes the schema, so two sessions sharing
    one database would drop each other's tables. The lock is a file lock, held until `stack`
    closes and released by the OS if the process dies."""
    parsed = make_url(url)
    for slot in range(1, 33):
        name = parsed.database if slot == 1 else f"{parsed.database}_{slot}"
        lock_path = Path(tempfile.gettempdir()) / (
            f"supportbot-pg-{parsed.host}-{parsed.port}-{name}.lock"
        )
        handle = stack.enter_context(lock_path.open("a"))
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            continue
        return parsed.set(database=name).render_as_string(hide_password=False)
    raise RuntimeError(f"32 pytest sessions hold {url}; is something stuck?")


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    with ExitStack() as stack:
        url = claim_pg_slot(os.environ.get("SUPPORTBOT_TEST_PG_URL", DEFAULT_PG_URL), stack)
        require_postgres(url)
        yield url


# -- databases ---------------------------------------------------------------------------------
@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: a new SQLite file, or the PostgreSQL test database wiped."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'supportbot.db'}"
    url: str = request.getfixturevalue("pg_url")
    run_aside(reset_pg_schema(url))
    return url


@pytest.fixture
async def database(db_url: str) -> AsyncIterator[Database]:
    db = open_database(db_url)
    await db.create_all()
    try:
        yield db
    finally:
        await db.close()


@pytest.fixture
def make_config() -> Callable[..., Config]:
    return make_test_config


@pytest.fixture
def config() -> Config:
    return make_test_config()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


async def ticket_service(database: Database, config: Config, clock: FrozenClock) -> TicketService:
    """A service on `database` with the config's people mirrored into it."""
    people = People(config)
    async with database.sessions.begin() as session:
        await people.sync(session)
    return TicketService(sessions=database.sessions, people=people, config=config, clock=clock)


@pytest.fixture
async def tickets(database: Database, config: Config, clock: FrozenClock) -> TicketService:
    return await ticket_service(database, config, clock)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under CI=true the browser tests must run: a missing Chromium fails the run, never skips."""
    if os.environ.get("CI") != "true" or Path("/usr/bin/chromium").exists():
        return
    if any(item.get_closest_marker("browser") for item in items):
        raise pytest.UsageError(
            "CI=true but /usr/bin/chromium is missing: run `python -m tests.browser_setup` "
            "(make test does) so the browser tests run"
        )
