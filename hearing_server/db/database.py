"""The async engine, sessions, and the migration check that guards start-up."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from hearing_server.db.errors import NotMigratedError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


SQLITE_BUSY_SECONDS = 30.0


class Database:
    """Owns the engine and hands out sessions."""

    def __init__(self, url: str) -> None:
        parsed = make_url(url)
        sqlite = parsed.get_backend_name() == "sqlite"
        if sqlite and parsed.database not in (None, "", ":memory:"):
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        self.url = url
        self.engine: AsyncEngine = create_async_engine(
            url,
            pool_pre_ping=True,
            connect_args={"timeout": SQLITE_BUSY_SECONDS} if sqlite else {},
        )
        if sqlite:
            event.listen(self.engine.sync_engine, "connect", _write_ahead_log)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self.sessions() as session:
            yield session

    async def ping(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def migrate(self) -> tuple[str | None, str | None]:
        """Bring the schema up to the newest revision; returns the revisions before and after
        (before is None for an empty database)."""
        async with self.engine.begin() as conn:
            return await conn.run_sync(_upgrade)

    async def check_migrated(self) -> None:
        """Raise :class:`NotMigratedError` unless the schema is at the newest revision."""
        async with self.engine.connect() as conn:
            current = await conn.run_sync(_current_revision)
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        if current != head:
            state = "empty" if current is None else f"at revision {current}"
            raise NotMigratedError(
                f"the database is {state}, this server needs revision {head}: run `hearing-server migrate`"
            )

    async def close(self) -> None:
        await self.engine.dispose()


def _write_ahead_log(dbapi_connection: Any, _record: object) -> None:
    """SQLite's write-ahead log, so that a reader never blocks a writer's commit nor a
    commit a reader. In SQLite's default rollback journal a commit waits for every reader to
    finish and blocks new ones meanwhile: on a loaded machine a page's poll and a clerk's
    write ran into each other, and after the busy timeout one of them failed with "database
    is locked", a 500 for the person. Writers still take turns, each waiting up to
    `SQLITE_BUSY_SECONDS` for the one before. (An in-memory database keeps its journal.)"""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
    finally:
        cursor.close()


@contextmanager
def _quiet_alembic() -> Iterator[None]:
    """Alembic logs its routine progress ("Context impl SQLiteImpl.", "Running upgrade ...")
    at INFO, which the command line would print on stderr among real errors; callers say
    what was done instead."""
    logger = logging.getLogger("alembic")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def _current_revision(connection: Connection) -> str | None:
    with _quiet_alembic():
        return MigrationContext.configure(connection).get_current_revision()


def _upgrade(connection: Connection) -> tuple[str | None, str | None]:
    before = _current_revision(connection)
    config = alembic_config()
    config.attributes["connection"] = connection
    with _quiet_alembic():
        command.upgrade(config, "head")
    return before, _current_revision(connection)
