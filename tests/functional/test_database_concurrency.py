"""Readers and writers of one database at once, as a busy hearing makes them: pages polling
while the clerk writes. On SQLite's default journal a commit waited for every open reader
and failed after the busy timeout ("database is locked", a 500 in a CI run)."""

from __future__ import annotations

import asyncio
import time

from sqlalchemy import text

from hearing_server.db.database import Database

COMMIT_WITHIN = 5.0
"""Far below the busy timeout a blocked commit would wait before failing."""


async def test_a_reader_in_a_transaction_holds_up_no_commit(database_url: str) -> None:
    db = Database(database_url)
    try:
        async with db.engine.begin() as conn:
            await conn.execute(text("CREATE TABLE polls (n INTEGER)"))
            await conn.execute(text("INSERT INTO polls (n) VALUES (1)"))
        async with db.engine.connect() as reader:
            if db.engine.dialect.name == "sqlite":
                await reader.exec_driver_sql("BEGIN")  # the driver would begin at a write only
            assert (await reader.execute(text("SELECT count(*) FROM polls"))).scalar() == 1

            started = time.monotonic()
            async with db.session() as writer:
                await writer.execute(text("INSERT INTO polls (n) VALUES (2)"))
                await asyncio.wait_for(writer.commit(), COMMIT_WITHIN)
            assert time.monotonic() - started < COMMIT_WITHIN

            async with db.session() as fresh:
                assert (await fresh.execute(text("SELECT count(*) FROM polls"))).scalar() == 2
            await reader.rollback()
    finally:
        await db.close()


async def test_writers_take_turns_instead_of_failing(database_url: str) -> None:
    """A writer that finds another's transaction open waits for its commit."""
    db = Database(database_url)
    try:
        async with db.engine.begin() as conn:
            await conn.execute(text("CREATE TABLE turns (n INTEGER)"))
        first = db.sessions()
        await first.execute(text("INSERT INTO turns (n) VALUES (1)"))

        async def second() -> None:
            async with db.session() as db2:
                await db2.execute(text("INSERT INTO turns (n) VALUES (2)"))
                await db2.commit()

        waiting = asyncio.create_task(second())
        await asyncio.sleep(0.5)
        await first.commit()
        await first.close()
        await asyncio.wait_for(waiting, COMMIT_WITHIN)
        async with db.session() as check:
            rows = (await check.execute(text("SELECT n FROM turns ORDER BY n"))).scalars()
            assert list(rows) == [1, 2]
    finally:
        await db.close()
