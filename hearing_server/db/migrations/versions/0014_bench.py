"""bench: which judge of a hearing presides; judges of other courts granted a seat on one hearing

Revision ID: 0014
Revises: 0013

The first judge of every existing hearing presides, as before there was a choice.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "bench_grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hearing_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("granted_by", sa.String(length=200), nullable=False),
        sa.Column("granted_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_by", sa.String(length=200), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["hearing_id"], ["hearings.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["participant_id"], ["participants.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("bench_grants", schema=None) as batch_op:
        batch_op.create_index("ix_bench_grants_hearing_id", ["hearing_id"], unique=False)
        batch_op.create_index("ix_bench_grants_participant_id", ["participant_id"], unique=False)
        batch_op.create_index("ix_bench_grants_user_id", ["user_id"], unique=False)
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("presiding", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    participants = sa.table(
        "participants",
        sa.column("id", sa.Integer()),
        sa.column("hearing_id", sa.Integer()),
        sa.column("role", sa.String()),
        sa.column("presiding", sa.Boolean()),
    )
    first_judges = (
        sa.select(sa.func.min(participants.c.id))
        .where(participants.c.role == "judge")
        .group_by(participants.c.hearing_id)
    )
    op.execute(
        participants.update().where(participants.c.id.in_(first_judges)).values(presiding=sa.true())
    )


def downgrade() -> None:
    op.drop_table("bench_grants")
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.drop_column("presiding")
