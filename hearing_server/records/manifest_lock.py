"""One append at a time to a sealed manifest.

Appending is read, add, write (`recording.seal.append_file` on the stored JSON): the archive
rendered while the transcript is sealed, each reading the manifest before the other wrote it,
would lose one entry. So an append holds its recording: within a process an asyncio lock per
recording, across processes the recording's row locked (`SELECT ... FOR UPDATE` on PostgreSQL;
SQLite serves a single process, where the first lock is enough).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hearing_server.db.database import Database
from hearing_server.db.models import Recording
from hearing_server.keyed_locks import KeyedLocks

_APPENDING = KeyedLocks()
"""Shared by every appender in the process (the renderer, the transcript's seal), as the
manifests they append to are."""


@asynccontextmanager
async def manifest_held(
    database: Database, recording_id: int
) -> AsyncIterator[tuple[AsyncSession, Recording]]:
    """The recording's row, locked until the session given with it commits or ends."""
    async with _APPENDING.hold(f"recording-{recording_id}"), database.session() as db:
        recording = await db.scalar(
            select(Recording).where(Recording.id == recording_id).with_for_update()
        )
        if recording is None:
            raise LookupError(f"recording {recording_id}")
        yield db, recording


async def sealed_recording(database: Database, hearing_id: int) -> Recording | None:
    """The hearing's latest recording with a sealed manifest, which files made after the seal
    (the transcript, a mediation's agreement) are appended to; None when there is none."""
    async with database.session() as db:
        return await db.scalar(
            select(Recording)
            .where(Recording.hearing_id == hearing_id, Recording.manifest_path.is_not(None))
            .order_by(Recording.id.desc())
            .limit(1)
        )
