"""The database rows of a hearing's record as the recording service writes them: the
recording, its tracks and segments, and the timeline's recording events. The writes of a live
hearing run in its queue (`live.LiveRecording`), in order."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hearing_server.db.database import Database
from hearing_server.db.models import HearingEvent, Recording, Segment, Track
from hearing_server.records.files import storage_key
from hearing_server.records.live import LiveRecording, Tracked
from recording.anchor import Anchor
from recording.segment import SegmentInfo

UNFINISHED = ("recording", "paused", "failed")
"""Recording states a restarted server carries on with (the hearing is still in session)."""


def utc(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def add_event(
    db: AsyncSession, hearing_id: int, kind: str, at: datetime, data: dict[str, Any] | None = None
) -> None:
    db.add(HearingEvent(hearing_id=hearing_id, at=at, kind=kind, actor="recording", data=data))


def segment_row(track_id: int, info: SegmentInfo, key: str) -> Segment:
    return Segment(
        track_id=track_id,
        seq=info.index,
        path=key,
        sha256=info.sha256,
        size_bytes=info.size,
        started_at=utc(info.start),
        ended_at=utc(info.end),
    )


class RecordingRows:
    """The rows of live hearings' recordings, in ``database``; segment paths are keyed
    relative to ``root`` (the recordings folder)."""

    def __init__(self, database: Database, root: Path) -> None:
        self.database = database
        self.root = root

    async def open_recording(self, hearing: LiveRecording, at: datetime) -> None:
        """A new recording, or the unfinished one of a hearing a restarted server resumes."""
        async with self.database.session() as db:
            recording = await db.scalar(
                select(Recording)
                .where(Recording.hearing_id == hearing.id, Recording.state.in_(UNFINISHED))
                .order_by(Recording.id.desc())
                .limit(1)
            )
            if recording is None:
                recording = Recording(hearing_id=hearing.id, state="recording", started_at=at)
                db.add(recording)
            hearing.failed = recording.state == "failed"
            add_event(db, hearing.id, "recording_started", at)
            await db.commit()
            hearing.recording_id = recording.id

    async def add_track(self, hearing: LiveRecording, tracked: Tracked) -> None:
        assert hearing.recording_id is not None
        async with self.database.session() as db:
            row = Track(
                recording_id=hearing.recording_id,
                participant_id=tracked.participant_id,
                kind=tracked.track.kind,
                source=tracked.source,
                codec=tracked.track.codec.mimeType,
            )
            db.add(row)
            await db.commit()
            tracked.row_id = row.id

    async def anchor(self, tracked: Tracked, anchor: Anchor) -> None:
        async with self.database.session() as db:
            row = await db.get(Track, tracked.row_id)
            if row is not None and row.anchor_at is None:
                row.anchor_at = utc(anchor.wall_clock)
                await db.commit()

    async def add_segment(self, tracked: Tracked, info: SegmentInfo) -> None:
        assert tracked.row_id is not None
        async with self.database.session() as db:
            db.add(segment_row(tracked.row_id, info, storage_key(self.root, info.path)))
            await db.commit()

    async def set_paused(self, hearing: LiveRecording, paused: bool, at: datetime) -> None:
        async with self.database.session() as db:
            recording = await db.get(Recording, hearing.recording_id)
            if recording is not None and recording.state != "failed":
                recording.state = "paused" if paused else "recording"
            add_event(db, hearing.id, "recording_paused" if paused else "recording_resumed", at)
            await db.commit()

    async def write_failure(self, hearing: LiveRecording, message: str, at: datetime) -> None:
        hearing.failed = True
        async with self.database.session() as db:
            recording = await db.get(Recording, hearing.recording_id)
            if recording is not None:
                recording.state = "failed"
            add_event(db, hearing.id, "recording_failed", at, {"error": message})
            await db.commit()

    async def left_unfinished(self, hearing_id: int) -> Recording | None:
        """The hearing's latest recording left unfinished and unsealed, if any."""
        async with self.database.session() as db:
            return await db.scalar(
                select(Recording)
                .where(
                    Recording.hearing_id == hearing_id,
                    Recording.state.in_(UNFINISHED),
                    Recording.manifest_path.is_(None),
                )
                .order_by(Recording.id.desc())
                .limit(1)
            )
