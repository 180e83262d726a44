"""ticket thread ref ids are big integers

The escalation, hand-off and poll ids a ticket thread refers to are BIGINT on PostgreSQL;
the column was INTEGER. SQLite has one integer type, so only PostgreSQL changes (autogenerate,
which compares against SQLite, cannot see this).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 17:16:30.130932
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("ticket_threads", "ref_id", type_=sa.BigInteger(),
                        existing_type=sa.Integer(), existing_nullable=True)  # fmt: skip


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("ticket_threads", "ref_id", type_=sa.Integer(),
                        existing_type=sa.BigInteger(), existing_nullable=True)  # fmt: skip
