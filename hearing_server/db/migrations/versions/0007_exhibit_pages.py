"""exhibit pages: a file's page count, and when an exhibit was first shown in court

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("exhibit_files") as batch:
        batch.add_column(sa.Column("pages", sa.Integer(), nullable=True))
    with op.batch_alter_table("exhibits") as batch:
        batch.add_column(sa.Column("first_shown_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("exhibits") as batch:
        batch.drop_column("first_shown_at")
    with op.batch_alter_table("exhibit_files") as batch:
        batch.drop_column("pages")
