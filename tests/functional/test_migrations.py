"""Migrations from empty, on SQLite and PostgreSQL, and the start-up guard."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, inspect

from hearing_server.db.database import Database
from hearing_server.db.errors import NotMigratedError
from hearing_server.db.models import Base


async def test_empty_database_is_refused_with_instructions(database_url: str) -> None:
    db = Database(database_url)
    try:
        with pytest.raises(NotMigratedError, match="hearing-server migrate"):
            await db.check_migrated()
    finally:
        await db.close()


async def test_migrate_from_empty_creates_every_table_and_is_repeatable(database_url: str) -> None:
    db = Database(database_url)
    try:
        await db.migrate()
        await db.migrate()  # a second run finds nothing to do
        await db.check_migrated()
        async with db.engine.connect() as conn:
            tables = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
        assert set(Base.metadata.tables) <= tables
    finally:
        await db.close()


def _differences(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_migrations_match_the_models(database_url: str) -> None:
    """A model change without its migration fails here, on both databases."""
    db = Database(database_url)
    try:
        await db.migrate()
        async with db.engine.connect() as conn:
            differences = await conn.run_sync(_differences)
        assert differences == []
    finally:
        await db.close()
