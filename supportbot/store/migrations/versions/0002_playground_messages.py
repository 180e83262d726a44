"""playground messages: the chat history of the local playground workspace

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 16:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "playground_messages",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("channel_id", sa.String(length=200), nullable=False),
        sa.Column("thread_id", sa.String(length=200), nullable=True),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("visible_to", sa.String(length=100), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_playground_messages")),
    )
    op.create_index(
        "ix_playground_messages_place",
        "playground_messages",
        ["channel_id", "thread_id", "id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_playground_messages_place", table_name="playground_messages")
    op.drop_table("playground_messages")
