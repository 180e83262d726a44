"""The schema revision is known without Alembic: the head read from the revision files is
Alembic's own, a fresh or migrated database says where it stands, and `serve`'s start-up on a
database already at head never loads Alembic (11 MB kept out of every process)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from supportbot.store import revisions
from supportbot.store.migrate import alembic_config, upgrade

REPO = Path(__file__).resolve().parents[2]


def test_the_head_is_alembics() -> None:
    assert revisions.head() == ScriptDirectory.from_config(alembic_config()).get_current_head()


async def test_a_database_says_its_revision(db_url: str) -> None:
    assert await revisions.current(db_url) is None
    with pytest.raises(revisions.MigrationError, match="at revision none"):
        await revisions.require_current(db_url)
    await upgrade(db_url)
    assert await revisions.current(db_url) == revisions.head()
    await revisions.require_current(db_url)


def test_starting_on_a_database_at_head_never_imports_alembic(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}"
    script = (
        "import asyncio, sys\n"
        "import supportbot.cli, supportbot.server\n"
        "from supportbot.store.readiness import upgrade_if_behind\n"
        f"asyncio.run(upgrade_if_behind({url!r}))\n"
        "print('alembic' in sys.modules)\n"
    )
    first = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True,
                           text=True, timeout=120)  # fmt: skip
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "True"  # a new file: migrated, with Alembic
    again = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True,
                           text=True, timeout=120)  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == "False"  # at head: nothing to migrate, nothing loaded
