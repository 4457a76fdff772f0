"""An archive render that fails every time is not retried at every start for ever: after
MAX_RENDER_ATTEMPTS it is marked failed, the timeline says so, and the bench is alerted if
anyone is listening. Both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from config import Settings
from court.kinds import HearingKind
from hearing_server.db.database import Database
from hearing_server.db.models import HearingEvent, Recording, Segment, Track
from hearing_server.records.render import MAX_RENDER_ATTEMPTS
from hearing_server.records.service import RecordingService
from tests.callers import Caller, World, add_hearing

T0 = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)


async def _sealed_without_its_files(database: Database, world: World, number: str) -> int:
    """A sealed recording whose segment file is gone: its render can never succeed."""
    async with database.session() as db:
        hearing = await add_hearing(db, world, number, HearingKind.CIVIL_TRIAL, T0)
        recording = Recording(
            hearing_id=hearing.id,
            state="sealed",
            started_at=T0,
            ended_at=T0 + timedelta(minutes=1),
            manifest_path=f"hearing-{hearing.id}/manifest.json",
        )
        db.add(recording)
        await db.flush()
        track = Track(recording_id=recording.id, kind="video", codec="video/VP8")
        db.add(track)
        await db.flush()
        db.add(
            Segment(
                track_id=track.id,
                seq=0,
                path=f"hearing-{hearing.id}/lost-00000.mkv",
                started_at=T0,
                ended_at=T0 + timedelta(seconds=4),
            )
        )
        await db.commit()
        return recording.id


async def _start_and_stop(database: Database, settings: Settings, alerts: list[str]) -> None:
    """One server start (recovery and the renders it starts) and stop."""

    async def alert(hearing_id: int, message: str) -> None:
        alerts.append(message)

    service = RecordingService(database, settings, alert)
    await service.recover()
    await service.shutdown()  # waits for the renders it started


async def _events(database: Database, recording_id: int, kind: str) -> list[HearingEvent]:
    async with database.session() as db:
        recording = await db.get(Recording, recording_id)
        assert recording is not None
        return list(
            await db.scalars(
                select(HearingEvent).where(
                    HearingEvent.hearing_id == recording.hearing_id, HearingEvent.kind == kind
                )
            )
        )


async def _recording(database: Database, recording_id: int) -> Recording:
    async with database.session() as db:
        recording = await db.get(Recording, recording_id)
        assert recording is not None
        return recording


async def test_a_failing_render_is_given_up_after_its_attempts(
    database: Database, settings: Settings, world: World
) -> None:
    recording_id = await _sealed_without_its_files(database, world, "(2026)A民初1号")
    alerts: list[str] = []
    for attempt in range(1, MAX_RENDER_ATTEMPTS + 1):
        await _start_and_stop(database, settings, alerts)
        recording = await _recording(database, recording_id)
        assert recording.render_attempts == attempt
        failures = await _events(database, recording_id, "render_failed")
        assert len(failures) == attempt
        assert failures[-1].data is not None and failures[-1].data["attempt"] == attempt
    assert recording.render_state == "failed" and recording.archive_path is None
    [abandoned] = await _events(database, recording_id, "render_abandoned")
    assert abandoned.data is not None and abandoned.data["attempts"] == MAX_RENDER_ATTEMPTS
    assert len(alerts) == 1 and "could not be made" in alerts[0]

    await _start_and_stop(database, settings, alerts)  # not tried again
    assert len(await _events(database, recording_id, "render_failed")) == MAX_RENDER_ATTEMPTS
    assert (await _recording(database, recording_id)).render_attempts == MAX_RENDER_ATTEMPTS
    assert len(alerts) == 1


async def test_the_api_says_the_render_was_given_up(
    database: Database, settings: Settings, world: World, clerk: Caller
) -> None:
    recording_id = await _sealed_without_its_files(database, world, "(2026)A民初3号")
    detail = await clerk.call("GET", f"/recordings/{recording_id}")
    assert detail["render_state"] is None and not detail["archive_available"]
    for _ in range(MAX_RENDER_ATTEMPTS):
        await _start_and_stop(database, settings, [])
    detail = await clerk.call("GET", f"/recordings/{recording_id}")
    assert detail["render_state"] == "failed" and detail["sealed"]


async def test_a_render_that_died_on_its_last_attempt_is_given_up_at_start(
    database: Database, settings: Settings, world: World
) -> None:
    recording_id = await _sealed_without_its_files(database, world, "(2026)A民初2号")
    async with database.session() as db:
        recording = await db.get(Recording, recording_id)
        assert recording is not None
        recording.render_attempts, recording.render_state = MAX_RENDER_ATTEMPTS, "rendering"
        await db.commit()
    alerts: list[str] = []
    await _start_and_stop(database, settings, alerts)
    recording = await _recording(database, recording_id)
    assert recording.render_state == "failed"
    assert await _events(database, recording_id, "render_abandoned")
    assert not await _events(database, recording_id, "render_failed"), "not run again"
    assert len(alerts) == 1
