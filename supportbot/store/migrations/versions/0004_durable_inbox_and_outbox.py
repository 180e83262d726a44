"""durable inbox and outbox

The inbox keeps each event's payload and ordering key until a worker has run it (rows from
before this revision were run already: `done`); the outbox holds every intent of a turn,
grouped by `batch` in `seq` order; a ticket thread remembers a digest of what it shows.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("inbox", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("key", sa.String(length=300), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("payload", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column("status", sa.String(length=20), server_default="done", nullable=False)
        )
        batch_op.add_column(sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("last_error", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("done_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_inbox_pending", ["status", "id"], unique=False)
        batch_op.create_index("ix_inbox_key", ["key", "id"], unique=False)
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("batch", sa.String(length=80), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("seq", sa.Integer(), server_default="0", nullable=False))
    with op.batch_alter_table("ticket_threads", schema=None) as batch_op:
        batch_op.add_column(sa.Column("digest", sa.String(length=64), nullable=True))  # fmt: skip


def downgrade() -> None:
    with op.batch_alter_table("ticket_threads", schema=None) as batch_op:
        batch_op.drop_column("digest")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("seq")
        batch_op.drop_column("batch")
    with op.batch_alter_table("inbox", schema=None) as batch_op:
        batch_op.drop_index("ix_inbox_key")
        batch_op.drop_index("ix_inbox_pending")
        batch_op.drop_column("done_at")
        batch_op.drop_column("last_error")
        batch_op.drop_column("attempts")
        batch_op.drop_column("status")
        batch_op.drop_column("payload")
        batch_op.drop_column("key")
