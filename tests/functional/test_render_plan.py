"""What the archive render is given to draw: a shared screen, recorded as a track of its own,
is kept out of its sharer's tile (which goes on showing their camera; the screen is the main
picture while shared, see test_render_exhibits.py). Both databases."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from config import Settings
from court.kinds import HearingKind
from court.roles import Role
from hearing_server.db.database import Database
from hearing_server.db.models import Participant, Recording, Segment, Track
from hearing_server.records.service import RecordingService
from tests.callers import World, add_hearing

T0 = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)


def _segment_files(folder: Path, name: str) -> str:
    """A finished segment's sidecar (the plan reads only that); returns the segment's name."""
    folder.mkdir(parents=True, exist_ok=True)
    anchor = {"wall_clock": T0.timestamp(), "rtp_timestamp": 0, "clock_rate": 90000}
    sidecar = {"file": f"{name}.mkv", "start": 0.0, "end": 4.0, "anchor": anchor}
    (folder / f"{name}.json").write_text(json.dumps(sidecar))
    return f"{name}.mkv"


async def test_a_shared_screen_is_kept_out_of_its_sharers_tile(
    database: Database, world: World, settings: Settings
) -> None:
    async with database.session() as db:
        hearing = await add_hearing(db, world, "(2026)A民初9号", HearingKind.CIVIL_TRIAL, T0)
        party = Participant(hearing_id=hearing.id, role=Role.PARTY, name="张三")
        recording = Recording(
            hearing_id=hearing.id, state="sealed", started_at=T0, ended_at=T0 + timedelta(seconds=4)
        )
        db.add_all([party, recording])
        await db.flush()
        folder = settings.recordings_dir / f"hearing-{hearing.id}"
        for source in ("camera", "screen"):
            track = Track(
                recording_id=recording.id,
                participant_id=party.id,
                kind="video",
                source=source,
                codec="video/VP8",
            )
            db.add(track)
            await db.flush()
            name = _segment_files(folder, f"p{party.id}-video-{source}")
            db.add(
                Segment(
                    track_id=track.id,
                    seq=0,
                    path=f"hearing-{hearing.id}/{name}",
                    started_at=T0,
                    ended_at=T0 + timedelta(seconds=4),
                )
            )
        await db.commit()

    async def alert(hearing_id: int, message: str) -> None:
        pass

    service = RecordingService(database, settings, alert)
    plan = await service._renderer._plan(hearing.id, recording, settings.recordings_dir / "p")
    [drawn] = plan.tracks
    assert drawn.participant_id == str(party.id) and drawn.name == "张三"
    assert [s.path.name for s in drawn.segments] == [f"p{party.id}-video-camera.mkv"]
    await service.shutdown()
