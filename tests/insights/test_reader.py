"""Reports read SQLite without taking the desk's write lock."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from supportbot.insights.reader import open_reader
from supportbot.store.db import open_database
from supportbot.store.models import Organization


async def test_a_long_read_does_not_block_the_desk(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}"
    desk, reader = open_database(url), open_reader(url)
    try:
        await desk.create_all()
        async with reader.sessions() as report:
            await report.scalar(select(func.count()).select_from(Organization))  # txn open
            async with desk.sessions.begin() as write:  # BEGIN IMMEDIATE still gets the lock
                write.add(Organization(name="Acme"))
            with pytest.raises(OperationalError, match="readonly"):
                report.add(Organization(name="Nope"))
                await report.flush()
    finally:
        await reader.close()
        await desk.close()
