"""reminders: a staggered hearing's reminders to those who have not acted in a stage

Revision ID: 0018
Revises: 0017
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "staggered_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stage_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("deadline", sa.DateTime(), nullable=False),
        sa.Column("by", sa.String(length=300), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["participant_id"], ["participants.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["stage_id"], ["staggered_stages.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("staggered_reminders", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_staggered_reminders_stage_id"), ["stage_id"], unique=False
        )
        where = sa.text("by IS NULL")
        batch_op.create_index(
            "uq_staggered_reminders_sweep",
            ["stage_id", "participant_id", "reason"],
            unique=True,
            sqlite_where=where,
            postgresql_where=where,
        )


def downgrade() -> None:
    with op.batch_alter_table("staggered_reminders", schema=None) as batch_op:
        batch_op.drop_index("uq_staggered_reminders_sweep")
        batch_op.drop_index(batch_op.f("ix_staggered_reminders_stage_id"))
    op.drop_table("staggered_reminders")
