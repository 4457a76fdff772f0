"""staggered: a staggered hearing's stages, extensions, start, turns, uploads, questions and
missed deadlines

Revision ID: 0017
Revises: 0016
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=32)


def _index(table: str, column: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def _stage_fk() -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["stage_id"], ["staggered_stages.id"], ondelete="CASCADE")


def _participant_fk() -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["participant_id"], ["participants.id"], ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "staggered_stages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hearing_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            _enum(
                "stage_kind",
                "claims_statement",
                "defence",
                "evidence_examination",
                "court_questions",
                "final_statement",
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("participant_ids", sa.JSON(), nullable=False),
        sa.Column("opens_at", sa.DateTime(), nullable=False),
        sa.Column("deadline", sa.DateTime(), nullable=False),
        sa.Column("visibility", _enum("stage_visibility", "on_submit", "on_close"), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("created_by", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["hearing_id"], ["hearings.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("hearing_id", "seq"),
    )
    _index("staggered_stages", "hearing_id")
    op.create_table(
        "staggered_extensions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stage_id", sa.Integer(), nullable=False),
        sa.Column("previous", sa.DateTime(), nullable=False),
        sa.Column("deadline", sa.DateTime(), nullable=False),
        sa.Column("by", sa.String(length=300), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        _stage_fk(),
        sa.PrimaryKeyConstraint("id"),
    )
    _index("staggered_extensions", "stage_id")
    op.create_table(
        "staggered_starts",
        sa.Column("hearing_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("started_by", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(["hearing_id"], ["hearings.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("hearing_id"),
    )
    op.create_table(
        "staggered_turns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stage_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("media_path", sa.Text(), nullable=True),
        sa.Column("media_type", sa.String(length=64), nullable=True),
        sa.Column("duration_s", sa.Float(), nullable=True),
        sa.Column("size_bytes", sa.BigInteger(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["corrects_id"], ["staggered_turns.id"], ondelete="CASCADE"),
        _participant_fk(),
        _stage_fk(),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("corrects_id"),
    )
    _index("staggered_turns", "stage_id")
    with op.batch_alter_table("staggered_turns", schema=None) as batch_op:
        where = sa.text("corrects_id IS NULL")
        batch_op.create_index(
            "uq_staggered_turns_first",
            ["stage_id", "participant_id"],
            unique=True,
            sqlite_where=where,
            postgresql_where=where,
        )
    op.create_table(
        "staggered_turn_uploads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stage_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("media_type", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.Column("turn_id", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["corrects_id"], ["staggered_turns.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["turn_id"], ["staggered_turns.id"], ondelete="SET NULL"),
        _participant_fk(),
        _stage_fk(),
        sa.PrimaryKeyConstraint("id"),
    )
    _index("staggered_turn_uploads", "stage_id")
    _index("staggered_turn_uploads", "expires_at")
    op.create_table(
        "staggered_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stage_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("asked_by", sa.String(length=300), nullable=False),
        sa.Column("asked_at", sa.DateTime(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        _participant_fk(),
        _stage_fk(),
        sa.PrimaryKeyConstraint("id"),
    )
    _index("staggered_questions", "stage_id")
    op.create_table(
        "staggered_missed",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stage_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("deadline", sa.DateTime(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        _participant_fk(),
        _stage_fk(),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("stage_id", "participant_id"),
    )
    _index("staggered_missed", "stage_id")


def downgrade() -> None:
    for table in ("staggered_missed", "staggered_questions"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_stage_id"))
        op.drop_table(table)
    with op.batch_alter_table("staggered_turn_uploads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staggered_turn_uploads_expires_at"))
        batch_op.drop_index(batch_op.f("ix_staggered_turn_uploads_stage_id"))
    op.drop_table("staggered_turn_uploads")
    with op.batch_alter_table("staggered_turns", schema=None) as batch_op:
        batch_op.drop_index("uq_staggered_turns_first")
        batch_op.drop_index(batch_op.f("ix_staggered_turns_stage_id"))
    op.drop_table("staggered_turns")
    op.drop_table("staggered_starts")
    with op.batch_alter_table("staggered_extensions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staggered_extensions_stage_id"))
    op.drop_table("staggered_extensions")
    with op.batch_alter_table("staggered_stages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staggered_stages_hearing_id"))
    op.drop_table("staggered_stages")
