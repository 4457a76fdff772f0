"""identity checks: the document read, its last digits and the server's still of the person

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "identity_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hearing_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("document_type", sa.String(length=32), nullable=False),
        sa.Column("digits", sa.String(length=8), nullable=False),
        sa.Column("checked_by", sa.String(length=200), nullable=False),
        sa.Column("checked_at", sa.DateTime(), nullable=False),
        sa.Column("still_sha256", sa.String(length=64), nullable=True),
        sa.Column("still_bytes", sa.BigInteger(), nullable=True),
        sa.Column("still_width", sa.Integer(), nullable=True),
        sa.Column("still_height", sa.Integer(), nullable=True),
        sa.Column("no_still", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["hearing_id"], ["hearings.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["participant_id"], ["participants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("identity_checks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_identity_checks_hearing_id"), ["hearing_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("identity_checks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_identity_checks_hearing_id"))
    op.drop_table("identity_checks")
