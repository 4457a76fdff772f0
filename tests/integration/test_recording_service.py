"""The recording service in the real app: headless participants publish, the hearing goes in
session, takes a recess, changes phase and closes; the record is sealed and rendered."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
from datetime import timedelta

import av
from aiohttp.test_utils import TestServer
from sqlalchemy import select

from config import Settings
from hearing_server.app import create_app
from hearing_server.db.database import Database
from hearing_server.db.models import Segment, Track
from hearing_server.records.archive import server_public_key
from hearing_server.records.service import RecordingService
from recording.digest import sha256_file
from recording.recorder import REANCHOR_SECONDS
from recording.seal import IDENTITY_STILL
from recording.verify import verify
from signaling.cluster.placement import LocalPlacement, Node, PlacementUnavailable
from tests.integration.archive_frames import archived, eventually, sidecar_state
from tests.integration.courtroom import Courtroom, receiving, room_shows, start
from tests.integration.recorder_child import record_until_killed
from tests.integration.records import event_times, recording_of, recording_state_is

CODE = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")
RECESS_CARD_SECONDS = 3.0
"""The renderer's default card standing for a recess in the archive."""


async def test_a_hearing_is_recorded_sealed_and_rendered_without_its_recess(
    courtroom: Courtroom, database: Database, settings: Settings
) -> None:
    people = await start(courtroom, "party_a", "party_b")
    judge, party_a = people["judge"], people["party_a"]
    witness = await courtroom.join("witness")  # publishes, but waits outside all along
    for source in ("party_a", "party_b"):
        await receiving(judge, courtroom.id(source), frames=10)
    await receiving(party_a, courtroom.id("judge"), frames=10)
    assert (await judge.signal.call("set_phase", {"phase": "investigation"})) == {"ok": True}
    await asyncio.sleep(2)

    assert (await judge.signal.call("recess")) == {"ok": True}
    await room_shows(party_a, lambda room: room["state"] == "recess")
    await eventually(lambda: recording_state_is(database, courtroom.hearing_id, "paused"), 5)
    await asyncio.sleep(3)
    assert (await judge.signal.call("resume")) == {"ok": True}
    await room_shows(party_a, lambda room: room["state"] == "in_session")
    await asyncio.sleep(2)
    assert (await judge.signal.call("set_phase", {"phase": "debate"})) == {"ok": True}
    await asyncio.sleep(2)

    assert (await judge.signal.call("close")) == {"ok": True}
    codes = {(await p.signal.wait_for("closed"))["verification_code"] for p in people.values()}
    assert len(codes) == 1 and CODE.fullmatch(code := codes.pop()), codes

    recording = await recording_of(database, courtroom.hearing_id)
    assert recording.state == "sealed" and recording.manifest_path is not None
    assert recording.started_at is not None and recording.ended_at is not None
    session = (recording.ended_at - recording.started_at).total_seconds()
    [paused] = await event_times(database, courtroom.hearing_id, "recording_paused")
    [resumed] = await event_times(database, courtroom.hearing_id, "recording_resumed")

    async with database.session() as db:
        tracks = list(await db.scalars(select(Track).where(Track.recording_id == recording.id)))
        segments = list(
            await db.scalars(select(Segment).where(Segment.track_id.in_([t.id for t in tracks])))
        )
    recorded = {(t.participant_id, t.kind) for t in tracks}
    publishers = {courtroom.id(name) for name in ("judge", "party_a", "party_b")}
    assert recorded == {(pid, kind) for pid in publishers for kind in ("audio", "video")}
    assert courtroom.id("witness") not in {t.participant_id for t in tracks}
    assert witness.signal.room["you"]["presence"] == "waiting"
    assert {t.id for t in tracks} == {s.track_id for s in segments}
    for segment in segments:
        assert segment.sha256 == sha256_file(settings.recordings_dir / segment.path)
        assert segment.ended_at is not None
        # Media time comes from an anchor taken at a frame's arrival: it is off by the jitter
        # (under load, up to the re-anchoring bound), but no segment starts in the recess.
        jitter = timedelta(seconds=0.5)
        inside = paused + jitter < segment.started_at < resumed - jitter
        assert not inside, (segment.path, segment.started_at, paused, resumed)
        overlap = min(segment.ended_at, resumed) - max(segment.started_at, paused)
        assert overlap.total_seconds() < REANCHOR_SECONDS, (segment.path, segment.ended_at, paused)

    manifest = settings.recordings_dir / recording.manifest_path
    public_key = server_public_key(settings.signing_key_path)
    report = verify(manifest, public_key=public_key)  # the files beside the manifest
    assert report.ok and report.key_trusted, report.problems
    # the segments, and the stills of the identity checks made before the parties were admitted
    sealed = json.loads(manifest.read_text())["entries"]
    stills = [e for e in sealed if e["data"].get("kind") == IDENTITY_STILL]
    assert stills and report.verification_code == code
    assert report.files == len(segments) + len(stills)
    assert report.archive in ("pending", "sealed")

    await eventually(lambda: archived(database, courtroom.hearing_id), 25)
    recording = await recording_of(database, courtroom.hearing_id)
    assert recording.archive_path is not None
    archive = settings.recordings_dir / recording.archive_path
    assert sha256_file(archive) == recording.archive_sha256
    # the archive's hash is appended to the signed chain; the code given at close still holds
    [appended] = json.loads(manifest.read_text())["appended"]
    assert appended["data"]["path"] == recording.archive_path
    assert appended["data"]["sha256"] == recording.archive_sha256
    report = verify(manifest, public_key=public_key)
    assert report.ok and report.archive == "sealed" and report.verification_code == code
    assert report.files == len(segments) + len(stills) + 1
    with av.open(str(archive)) as container:
        assert container.duration is not None
        duration = container.duration / av.time_base
        chapters = [c["metadata"]["title"] for c in container.chapters()]
        assert chapters == ["核对身份", "法庭调查", "法庭辩论"]  # words, in the court language
        frames = sum(1 for _ in container.decode(video=0))
    recess = (resumed - paused).total_seconds()
    assert abs(duration - (session - recess + RECESS_CARD_SECONDS)) < 2, (duration, session)
    assert frames > 0


async def test_segments_a_killed_process_left_open_are_recovered_at_start(
    courtroom: Courtroom, database: Database, settings: Settings
) -> None:
    folder = settings.recordings_dir / f"hearing-{courtroom.hearing_id}"
    folder.mkdir(parents=True)
    await asyncio.to_thread(record_until_killed, folder, 75)
    left_open = sorted(p for p in folder.glob("*.json") if sidecar_state(p) == "recording")
    assert left_open, "the child was killed between segments"

    restarted = TestServer(create_app(settings))
    await restarted.start_server()
    await restarted.close()

    async with database.session() as db:
        segments = {s.path: s for s in await db.scalars(select(Segment))}
    for sidecar in left_open:
        assert sidecar_state(sidecar) == "recovered"
        key = sidecar.with_suffix(".mkv").relative_to(settings.recordings_dir).as_posix()
        assert segments[key].sha256 == sha256_file(settings.recordings_dir / key)
    recovered = await event_times(database, courtroom.hearing_id, "recording_recovered")
    assert len(recovered) == len(left_open)


class _HeldElsewhere(LocalPlacement):
    """A registry that says a live sibling process holds every hearing."""

    async def holder(self, hearing_id: int) -> Node | None:
        return Node("sibling", "http://sibling.test")


class _Unreachable(LocalPlacement):
    """A registry nobody can reach."""

    async def holder(self, hearing_id: int) -> Node | None:
        raise PlacementUnavailable("the placement registry is unreachable")


async def test_open_segments_of_a_hearing_held_elsewhere_wait_until_it_is_placed_here(
    courtroom: Courtroom, database: Database, settings: Settings
) -> None:
    async def alert(hearing_id: int, message: str) -> None:
        return None

    folder = settings.recordings_dir / f"hearing-{courtroom.hearing_id}"
    folder.mkdir(parents=True)
    await asyncio.to_thread(record_until_killed, folder, 75)
    left_open = sorted(p for p in folder.glob("*.json") if sidecar_state(p) == "recording")
    assert left_open
    local = Node("here", "http://here.test")
    for registry in (_HeldElsewhere(local), _Unreachable(local)):
        service = RecordingService(database, settings, alert)
        await service.recover(registry)  # a sibling writes them, or nobody can tell
        await service.shutdown()
        assert {sidecar_state(p) for p in left_open} == {"recording"}
        assert not await event_times(database, courtroom.hearing_id, "recording_recovered")
        assert not await event_times(database, courtroom.hearing_id, "recording_interrupted")

    service = RecordingService(database, settings, alert)
    await service.placed(courtroom.hearing_id)  # the holder died: the hearing is placed here
    await service.placed(courtroom.hearing_id)  # placed again before anyone published
    await service.shutdown()
    assert {sidecar_state(p) for p in left_open} == {"recovered"}
    assert len(await event_times(database, courtroom.hearing_id, "recording_recovered")) == len(
        left_open
    )
    assert len(await event_times(database, courtroom.hearing_id, "recording_interrupted")) == 1


async def test_a_recording_failure_alerts_the_bench_at_once(
    courtroom: Courtroom, database: Database, settings: Settings
) -> None:
    people = await start(courtroom, "party_a")
    judge = people["judge"]
    clerk = await courtroom.join("clerk", publish=False)
    await receiving(judge, courtroom.id("party_a"), frames=10)
    folder = settings.recordings_dir / f"hearing-{courtroom.hearing_id}"
    shutil.rmtree(folder)
    folder.write_text("the recordings disk is gone")  # the next segment cannot be opened

    for bench in (judge, clerk):
        alert = await bench.signal.wait_for(
            "alert", lambda a: a["kind"] == "recording_failed", within=10
        )
        assert "Recording failed" in alert["message"]
    await eventually(lambda: recording_state_is(database, courtroom.hearing_id, "failed"), 5)
    assert await event_times(database, courtroom.hearing_id, "recording_failed")
    assert "recording_failed" not in {a["kind"] for a in people["party_a"].signal.received["alert"]}
