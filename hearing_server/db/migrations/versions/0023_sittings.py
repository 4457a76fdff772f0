"""sittings: a mediation sitting's queue of cases

Revision ID: 0023
Revises: 0022
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sittings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("court_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["court_id"], ["courts.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("sittings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sittings_court_id"), ["court_id"], unique=False)
    op.create_table(
        "sitting_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sitting_id", sa.Integer(), nullable=False),
        sa.Column("hearing_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("called_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["hearing_id"], ["hearings.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["sitting_id"], ["sittings.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("hearing_id"),
        sa.UniqueConstraint("sitting_id", "position"),
    )
    with op.batch_alter_table("sitting_cases", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sitting_cases_sitting_id"), ["sitting_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("sitting_cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sitting_cases_sitting_id"))
    op.drop_table("sitting_cases")
    with op.batch_alter_table("sittings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sittings_court_id"))
    op.drop_table("sittings")
