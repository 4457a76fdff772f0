"""votes: a creditors' meeting's claims, motions and ballots

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=32)


def upgrade() -> None:
    op.create_table(
        "vote_claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hearing_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column(
            "group",
            _enum("claim_group", "secured", "employees", "taxes", "ordinary"),
            nullable=False,
        ),
        sa.Column("set_by", sa.String(length=300), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["hearing_id"], ["hearings.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["participant_id"], ["participants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("participant_id"),
    )
    with op.batch_alter_table("vote_claims", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vote_claims_hearing_id"), ["hearing_id"], unique=False)
    op.create_table(
        "vote_motions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hearing_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column(
            "rule",
            _enum("vote_rule", "ordinary", "ordinary_unsecured", "reorganisation"),
            nullable=False,
        ),
        sa.Column("state", _enum("motion_state", "draft", "open", "closed"), nullable=False),
        sa.Column("created_by", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["hearing_id"], ["hearings.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("hearing_id", "seq"),
    )
    with op.batch_alter_table("vote_motions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vote_motions_hearing_id"), ["hearing_id"], unique=False
        )
    op.create_table(
        "vote_ballots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("motion_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("cast_by_id", sa.Integer(), nullable=False),
        sa.Column("choice", _enum("ballot_choice", "for", "against", "abstain"), nullable=False),
        sa.Column("cast_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["cast_by_id"], ["participants.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["motion_id"], ["vote_motions.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["participant_id"], ["participants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("motion_id", "participant_id"),
    )
    with op.batch_alter_table("vote_ballots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vote_ballots_motion_id"), ["motion_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("vote_ballots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vote_ballots_motion_id"))
    op.drop_table("vote_ballots")
    with op.batch_alter_table("vote_motions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vote_motions_hearing_id"))
    op.drop_table("vote_motions")
    with op.batch_alter_table("vote_claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vote_claims_hearing_id"))
    op.drop_table("vote_claims")
