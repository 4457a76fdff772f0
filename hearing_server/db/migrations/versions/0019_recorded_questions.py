"""recorded questions: a staggered hearing's question may be a video the bench recorded (its
file's key, type, length, size and SHA-256), and its upload on the way

Revision ID: 0019
Revises: 0018
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "staggered_question_uploads"


def upgrade() -> None:
    with op.batch_alter_table("staggered_questions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("media_path", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("media_type", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("duration_s", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("size_bytes", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("sha256", sa.String(length=64), nullable=True))
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stage_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("media_type", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["participant_id"], ["participants.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["question_id"], ["staggered_questions.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["stage_id"], ["staggered_stages.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{TABLE}_stage_id"), ["stage_id"], unique=False)
        batch_op.create_index(batch_op.f(f"ix_{TABLE}_expires_at"), ["expires_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_index(batch_op.f(f"ix_{TABLE}_expires_at"))
        batch_op.drop_index(batch_op.f(f"ix_{TABLE}_stage_id"))
    op.drop_table(TABLE)
    with op.batch_alter_table("staggered_questions", schema=None) as batch_op:
        for column in ("sha256", "size_bytes", "duration_s", "media_type", "media_path"):
            batch_op.drop_column(column)
