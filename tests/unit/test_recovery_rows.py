"""A server killed after closing a segment but before writing its row: recovery at start-up
gives the closed segment its row, so the seal and the archive keep it
(docs/architecture.md#recording-and-archive).

The recorder's writer thread finishes a segment (file closed, hashed, sidecar "closed") and
only then reports it; the hearing's database queue commits the row a moment later, longer on
a loaded machine. A kill in between used to leave that segment (seconds of media just before
the kill) out of the database, hence out of the manifest and the archive, while recovery
only looked at the segments left open.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from config import Settings
from court.kinds import HearingKind
from hearing_server.db.database import Database
from hearing_server.db.models import HearingEvent, Recording, Segment, Track
from hearing_server.records.service import RecordingService
from recording.anchor import Anchor
from recording.digest import sha256_file
from recording.frames import Vp8Assembler
from recording.packets import Arrived, EncodedFrame
from recording.segment import SegmentInfo, SegmentSpec, SegmentWriter
from tests.callers import World, add_hearing
from tests.integration.synthetic_rtp import SyntheticVideo

TRACK = "p9-video-abcd1234"
TICKS_PER_FRAME = 3000
FRAMES_PER_SEGMENT = 15


def _frames(segments: int) -> list[EncodedFrame]:
    """VP8 pictures from aiortc's encoder, a keyframe at the start of each segment."""
    video, assembler = SyntheticVideo(), Vp8Assembler()
    frames: list[EncodedFrame] = []
    index = 0
    for number in range(segments * FRAMES_PER_SEGMENT):
        for packet in video.next_frame(keyframe=number % FRAMES_PER_SEGMENT == 0):
            frames += assembler.push(Arrived(packet, index, time.time()))
            index += 1
    assert len(frames) == segments * FRAMES_PER_SEGMENT
    return frames


def _segment(folder: Path, index: int, anchor: Anchor, frames: list[EncodedFrame]) -> SegmentWriter:
    """A segment holding ``frames`` (the ``index``-th of the track), still open."""
    first = index * FRAMES_PER_SEGMENT
    writer = SegmentWriter(
        SegmentSpec(
            path=folder / f"{TRACK}-{index:05d}.mkv",
            track=TRACK,
            index=index,
            kind="video",
            codec="vp8",
            anchor=anchor,
            width=frames[0].width,
            height=frames[0].height,
            first_ticks=first * TICKS_PER_FRAME,
        )
    )
    for number, frame in enumerate(frames, start=first):
        writer.write(frame, number * TICKS_PER_FRAME)
    return writer


async def _hearing_in_session(database: Database, world: World) -> tuple[int, int]:
    """A hearing whose recording was going on, with its video track's row: (hearing, track)."""
    async with database.session() as db:
        hearing = await add_hearing(
            db, world, "(2026)A刑初31号", HearingKind.CRIMINAL_TRIAL, datetime.now(UTC)
        )
        recording = Recording(
            hearing_id=hearing.id, state="recording", started_at=datetime.now(UTC)
        )
        db.add(recording)
        await db.flush()
        track = Track(recording_id=recording.id, kind="video", codec="video/VP8")
        db.add(track)
        await db.commit()
        return hearing.id, track.id


async def _add_row(database: Database, track_id: int, info: SegmentInfo, key: str) -> None:
    """What the service writes when the writer reports a closed segment in time."""
    async with database.session() as db:
        db.add(
            Segment(
                track_id=track_id,
                seq=info.index,
                path=key,
                sha256=info.sha256,
                size_bytes=info.size,
                started_at=datetime.fromtimestamp(info.start, UTC),
                ended_at=datetime.fromtimestamp(info.end, UTC),
            )
        )
        await db.commit()


async def _alert(hearing_id: int, message: str) -> None:
    return None


async def test_a_segment_closed_but_never_written_down_gets_its_row_at_recovery(
    database: Database, settings: Settings, world: World
) -> None:
    hearing_id, track_id = await _hearing_in_session(database, world)
    folder = settings.recordings_dir / f"hearing-{hearing_id}"
    frames = _frames(3)
    anchor = Anchor(time.time() - 10, frames[0].timestamp, 90000, "rtcp")
    chunks = [frames[i : i + FRAMES_PER_SEGMENT] for i in range(0, len(frames), FRAMES_PER_SEGMENT)]

    def key(info: SegmentInfo) -> str:
        return info.path.relative_to(settings.recordings_dir).as_posix()

    reported = _segment(folder, 0, anchor, chunks[0]).close()
    await _add_row(database, track_id, reported, key(reported))
    unreported = _segment(folder, 1, anchor, chunks[1]).close()  # killed before its row
    left_open = _segment(folder, 2, anchor, chunks[2])
    left_open.abandon()  # what the kill left of the open one (its sidecar still "recording")

    service = RecordingService(database, settings, _alert)
    await service.recover()
    await service.shutdown()

    async with database.session() as db:
        rows = {s.path: s for s in await db.scalars(select(Segment))}
        events = {
            e.kind: e
            for e in await db.scalars(
                select(HearingEvent).where(HearingEvent.hearing_id == hearing_id)
            )
        }
        recovered = list(
            await db.scalars(select(HearingEvent).where(HearingEvent.kind == "recording_recovered"))
        )
    open_key = (folder / f"{TRACK}-00002.mkv").relative_to(settings.recordings_dir).as_posix()
    assert set(rows) == {key(reported), key(unreported), open_key}
    row = rows[key(unreported)]
    assert row.track_id == track_id, "the closed segment joins its track"
    assert row.sha256 == unreported.sha256 == sha256_file(unreported.path)
    assert row.size_bytes == unreported.size
    assert row.ended_at is not None
    assert abs(row.ended_at.replace(tzinfo=UTC).timestamp() - unreported.end) < 0.01
    assert rows[open_key].track_id == track_id
    # the timeline notes what was left open; the closed segment was finished before the kill
    assert [e.data and e.data["path"] for e in recovered] == [open_key]
    interrupted = events["recording_interrupted"]
    assert interrupted.data is not None and interrupted.data["segments_recovered"] == 1
    # the gap starts after the media kept, the closed segment's included
    assert interrupted.at.replace(tzinfo=UTC).timestamp() >= unreported.end - 0.01
