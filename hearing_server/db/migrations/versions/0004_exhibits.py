"""exhibits: a case's evidence, its files, the exchange between the sides and the parties'
opinions on it (质证)

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "evidence_exchanges",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("deadline", sa.DateTime(), nullable=True),
        sa.Column("opened_at", sa.DateTime(), nullable=True),
        sa.Column("set_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("case_id"),
    )
    op.create_table(
        "exhibits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column(
            "side",
            sa.Enum(
                "court",
                "plaintiff",
                "defendant",
                "third_party",
                "prosecution",
                "defence",
                name="exhibit_side",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("submitted_by_participant_id", sa.Integer(), nullable=True),
        sa.Column("submitted_by_user_id", sa.Integer(), nullable=True),
        sa.Column("submitted_by", sa.String(length=200), nullable=False),
        sa.Column(
            "submitted_by_role",
            sa.Enum(
                "admin",
                "judge",
                "clerk",
                "prosecutor",
                "party",
                "agent",
                "counsel",
                "detainee",
                "creditor",
                "interpreter",
                "witness",
                "observer",
                name="exhibit_submitter_role",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.Column("withdrawn_by", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["submitted_by_participant_id"], ["participants.id"], ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_user_id"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_id", "side", "number"),
    )
    with op.batch_alter_table("exhibits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exhibits_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_exhibits_submitted_by_participant_id"),
            ["submitted_by_participant_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_exhibits_submitted_by_user_id"), ["submitted_by_user_id"], unique=False
        )

    op.create_table(
        "exhibit_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exhibit_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("original_name", sa.Text(), nullable=False),
        sa.Column("display_name", sa.String(length=500), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["exhibit_id"], ["exhibits.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("exhibit_id", "seq"),
    )
    with op.batch_alter_table("exhibit_files", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exhibit_files_exhibit_id"), ["exhibit_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_exhibit_files_sha256"), ["sha256"], unique=False)

    op.create_table(
        "exhibit_opinions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exhibit_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("given_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "aspect",
            sa.Enum(
                "authenticity",
                "legality",
                "relevance",
                name="exhibit_aspect",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "opinion",
            sa.Enum("admitted", "disputed", name="exhibit_opinion", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["exhibit_id"], ["exhibits.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["given_by_id"], ["participants.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["party_id"], ["participants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("exhibit_id", "party_id", "aspect"),
    )
    with op.batch_alter_table("exhibit_opinions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exhibit_opinions_exhibit_id"), ["exhibit_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_exhibit_opinions_party_id"), ["party_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("exhibit_opinions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exhibit_opinions_party_id"))
        batch_op.drop_index(batch_op.f("ix_exhibit_opinions_exhibit_id"))

    op.drop_table("exhibit_opinions")
    with op.batch_alter_table("exhibit_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exhibit_files_sha256"))
        batch_op.drop_index(batch_op.f("ix_exhibit_files_exhibit_id"))

    op.drop_table("exhibit_files")
    with op.batch_alter_table("exhibits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exhibits_submitted_by_user_id"))
        batch_op.drop_index(batch_op.f("ix_exhibits_submitted_by_participant_id"))
        batch_op.drop_index(batch_op.f("ix_exhibits_case_id"))

    op.drop_table("exhibits")
    op.drop_table("evidence_exchanges")
