"""wider person handles, an index on a ticket's timers

A person's handle is `platform:user` for people not in the config: a Teams user id is about
90 characters (`29:1…`), an e-mail address up to 254, so 100 was too short (PostgreSQL refuses
the INSERT; SQLite does not check lengths). The platform ids in `identities` widen with it.

And an index on a ticket's timers: every change of priority or status replans the ticket's
SLA clocks (`UPDATE timers … WHERE ticket_id = …`), which scanned the whole table.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 18:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _refuse_cascades() -> None:
    """On SQLite the batch copies `people` and drops the old table: with foreign keys on, that
    drop would delete every row that points at a person. Migrations run on a connection of
    their own (foreign keys off, SQLite's default); refuse anything else."""
    bind = op.get_bind()
    if bind.dialect.name == "sqlite" and bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError("0005 must run with SQLite's foreign keys off (supportbot db upgrade)")


def upgrade() -> None:
    _refuse_cascades()
    with op.batch_alter_table("people") as batch:
        batch.alter_column("handle", type_=sa.String(400), existing_type=sa.String(100),
                           existing_nullable=False)  # fmt: skip
    with op.batch_alter_table("identities") as batch:
        batch.alter_column("external_id", type_=sa.String(400), existing_type=sa.String(200),
                           existing_nullable=False)  # fmt: skip
    op.create_index("ix_timers_ticket", "timers", ["ticket_id", "status"])


def downgrade() -> None:
    _refuse_cascades()
    op.drop_index("ix_timers_ticket", table_name="timers")
    with op.batch_alter_table("identities") as batch:
        batch.alter_column("external_id", type_=sa.String(200), existing_type=sa.String(400),
                           existing_nullable=False)  # fmt: skip
    with op.batch_alter_table("people") as batch:
        batch.alter_column("handle", type_=sa.String(100), existing_type=sa.String(400),
                           existing_nullable=False)  # fmt: skip
