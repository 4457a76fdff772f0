"""A hearing's record as the database has it, for the tests that check it: the recording row,
its state, and when the timeline says something happened."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from hearing_server.db.database import Database
from hearing_server.db.models import HearingEvent, Recording


async def recording_of(database: Database, hearing_id: int) -> Recording:
    async with database.session() as db:
        recording = await db.scalar(select(Recording).where(Recording.hearing_id == hearing_id))
    assert recording is not None
    return recording


async def recording_state_is(database: Database, hearing_id: int, state: str) -> bool:
    async with database.session() as db:
        found = await db.scalar(select(Recording.state).where(Recording.hearing_id == hearing_id))
    return found == state


async def event_times(database: Database, hearing_id: int, kind: str) -> list[datetime]:
    """When each timeline event of ``kind`` happened, in order."""
    async with database.session() as db:
        rows = await db.scalars(
            select(HearingEvent.at)
            .where(HearingEvent.hearing_id == hearing_id, HearingEvent.kind == kind)
            .order_by(HearingEvent.at)
        )
        return list(rows)
