"""exhibit uploads: files on their way into an exhibit, resumed after a dropped connection

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "exhibit_uploads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exhibit_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("original_name", sa.Text(), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("exhibit_file_id", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["exhibit_id"], ["exhibits.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["exhibit_file_id"], ["exhibit_files.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["participant_id"], ["participants.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("exhibit_uploads", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exhibit_uploads_exhibit_id"), ["exhibit_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_exhibit_uploads_expires_at"), ["expires_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("exhibit_uploads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exhibit_uploads_expires_at"))
        batch_op.drop_index(batch_op.f("ix_exhibit_uploads_exhibit_id"))

    op.drop_table("exhibit_uploads")
