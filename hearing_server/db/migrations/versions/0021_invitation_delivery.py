"""invitation delivery: a participant's contacts, language and zone; mail and SMS attempts

Revision ID: 0021
Revises: 0020
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("phone", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("language", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("time_zone", sa.String(length=64), nullable=True))
    op.create_table(
        "invitation_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("address", sa.String(length=320), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=True),
        sa.Column("detail", sa.String(length=500), nullable=True),
        sa.Column("requested_by", sa.String(length=300), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["participant_id"], ["participants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("invitation_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_invitation_deliveries_participant_id"), ["participant_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("invitation_deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invitation_deliveries_participant_id"))
    op.drop_table("invitation_deliveries")
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.drop_column("time_zone")
        batch_op.drop_column("language")
        batch_op.drop_column("phone")
        batch_op.drop_column("email")
