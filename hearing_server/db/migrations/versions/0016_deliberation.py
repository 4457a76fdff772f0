"""deliberation: a ballot's opinion (a panel's or a judicial committee's vote)

Revision ID: 0016
Revises: 0015
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("vote_ballots", schema=None) as batch_op:
        batch_op.add_column(sa.Column("opinion", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("vote_ballots", schema=None) as batch_op:
        batch_op.drop_column("opinion")
