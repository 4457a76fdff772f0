"""a staggered hearing turned live: when the court turned it into a live hearing

Revision ID: 0020
Revises: 0019
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("staggered_starts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("live_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("staggered_starts", schema=None) as batch_op:
        batch_op.drop_column("live_at")
