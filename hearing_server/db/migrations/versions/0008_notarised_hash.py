"""notarised hashes: the SHA-256 a notary (a blockchain evidence platform) certified for an
exhibit file, and who certified it, kept with the upload and the file

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("exhibit_uploads", "exhibit_files")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("notarised_sha256", sa.String(64), nullable=True))
            batch.add_column(sa.Column("notary", sa.String(200), nullable=True))


def downgrade() -> None:
    for table in reversed(TABLES):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("notary")
            batch.drop_column("notarised_sha256")
