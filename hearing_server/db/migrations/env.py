"""Alembic environment: migrations run on a connection handed in by Database.migrate."""

from alembic import context

from hearing_server.db.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "run migrations with `hearing-server migrate`, which supplies the connection"
    )

context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
