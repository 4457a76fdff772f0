"""transcript signing: signatures, refusals to sign, correction requests, the record's closing

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _person_columns() -> list[sa.Column[int]]:
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hearing_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
    ]


def _person_keys() -> list[sa.Constraint]:
    return [
        sa.ForeignKeyConstraint(["hearing_id"], ["hearings.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["participant_id"], ["participants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    ]


def _indexes(table: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        for column in ("hearing_id", "participant_id"):
            batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def upgrade() -> None:
    op.create_table(
        "transcript_signatures",
        *_person_columns(),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("signed_at", sa.DateTime(), nullable=False),
        sa.Column("signed_by", sa.String(length=200), nullable=False),
        sa.Column("image", sa.LargeBinary(), nullable=False),
        sa.Column("image_sha256", sa.String(length=64), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        *_person_keys(),
    )
    _indexes("transcript_signatures")
    op.create_table(
        "transcript_refusals",
        *_person_columns(),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("refused_at", sa.DateTime(), nullable=False),
        sa.Column(
            "recorded_by",
            sa.Enum("self", "court", name="refusal_recorded_by", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("actor", sa.String(length=200), nullable=False),
        *_person_keys(),
    )
    _indexes("transcript_refusals")
    op.create_table(
        "transcript_corrections",
        *_person_columns(),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("asked_at", sa.DateTime(), nullable=False),
        sa.Column("accepted", sa.Boolean(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("answered_by_name", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["entry_id"], ["transcript_entries.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["answered_by_id"], ["users.id"]),
        *_person_keys(),
    )
    _indexes("transcript_corrections")
    op.create_table(
        "transcript_closures",
        sa.Column("hearing_id", sa.Integer(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=False),
        sa.Column("closed_by", sa.String(length=200), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["hearing_id"], ["hearings.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("hearing_id"),
    )


def downgrade() -> None:
    op.drop_table("transcript_closures")
    for table in ("transcript_corrections", "transcript_refusals", "transcript_signatures"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in ("participant_id", "hearing_id"):
                batch_op.drop_index(batch_op.f(f"ix_{table}_{column}"))
        op.drop_table(table)
