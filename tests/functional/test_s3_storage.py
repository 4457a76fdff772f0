"""Recording files in an S3-compatible bucket: a local S3 server (moto's server mode, over
HTTP) started by the test. The storage contract (ranged reads, sizes, listing, missing keys);
then a hearing's record sealed into the bucket, its archive rendered and uploaded, and the
API streaming it with byte ranges and checking its seal from the bucket alone."""

from __future__ import annotations

import asyncio
import hashlib
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from sqlalchemy import select

from config import Settings
from court.kinds import HearingKind
from hearing_server.db.database import Database
from hearing_server.db.models import HearingEvent, Recording, Segment, Track
from hearing_server.records.archive import recording_storage
from hearing_server.records.service import RecordingService
from recording.digest import sha256_file
from recording.render import Interval
from recording.storage import S3Storage
from tests.callers import Caller, World, add_hearing
from tests.functional.test_sealed_exhibits import close_with_exhibit
from tests.integration.recorded_hearing import Person, record_hearing

SESSION = 4.0


@pytest.fixture
def bucket(s3_endpoint: str) -> str:
    name = f"courts-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=s3_endpoint).create_bucket(Bucket=name)
    return name


@pytest.fixture
def settings(database_url: str, tmp_path: Path, s3_endpoint: str, bucket: str) -> Settings:
    return Settings(
        database_url=database_url,
        recordings_dir=tmp_path / "recordings",
        signing_key_path=tmp_path / "keys" / "archive-ed25519.pem",
        public_url="http://courts.test",
        s3_bucket=bucket,
        s3_prefix="court-a",
        s3_endpoint_url=s3_endpoint,
    )


def test_the_storage_contract_on_a_bucket(s3_endpoint: str, bucket: str, tmp_path: Path) -> None:
    store = S3Storage(bucket, prefix="records", endpoint_url=s3_endpoint)
    source = tmp_path / "segment.mkv"
    data = bytes(range(256)) * 40
    source.write_bytes(data)
    assert store.put("hearing-1/a-00000.mkv", source) == len(data)
    store.put_bytes("hearing-1/manifest.json", b"{}")
    store.put_bytes("hearing-2/manifest.json", b"{}")
    assert store.size("hearing-1/a-00000.mkv") == len(data)
    assert store.read("hearing-1/a-00000.mkv") == data
    assert store.read("hearing-1/a-00000.mkv", 100, 50) == data[100:150]
    assert store.read("hearing-1/a-00000.mkv", len(data) - 10) == data[-10:]
    assert store.read("hearing-1/a-00000.mkv", len(data)) == b""
    assert store.read("hearing-1/a-00000.mkv", 5, 0) == b""
    assert store.keys("hearing-1/") == ["hearing-1/a-00000.mkv", "hearing-1/manifest.json"]
    assert len(store.keys()) == 3
    assert store.exists("hearing-2/manifest.json")
    store.delete("hearing-2/manifest.json")
    store.delete("hearing-2/manifest.json")  # unknown keys are ignored
    assert not store.exists("hearing-2/manifest.json")
    for missing in (
        lambda: store.read("hearing-2/manifest.json"),
        lambda: store.read("hearing-2/manifest.json", 0, 0),
        lambda: store.size("nowhere"),
    ):
        with pytest.raises(FileNotFoundError):
            missing()
    for bad in ("../escape", "/absolute", "a//b", "a\\b"):
        with pytest.raises(ValueError):
            store.read(bad)
    # the objects really are under the prefix, in the bucket
    listed = boto3.client("s3", endpoint_url=s3_endpoint).list_objects_v2(Bucket=bucket)
    assert {o["Key"] for o in listed["Contents"]} == {
        "records/hearing-1/a-00000.mkv",
        "records/hearing-1/manifest.json",
    }


async def _left_recording(
    database: Database, settings: Settings, world: World
) -> tuple[int, int, list[str]]:
    """A hearing recorded until a moment ago, before a restart (the recorders' files and
    rows), and not yet sealed."""
    start = time.time() - SESSION - 0.5
    async with database.session() as db:
        hearing = await add_hearing(
            db,
            world,
            "(2026)A民初5号",
            HearingKind.CIVIL_TRIAL,
            datetime.fromtimestamp(start, UTC),
        )
        await db.commit()
        hearing_id = hearing.id
    folder = settings.recordings_dir / f"hearing-{hearing_id}"
    tracks = await record_hearing(
        folder,
        start,
        [Person("judge", "王法官", "审判长", joins=0.0, leaves=SESSION, tone_level=0.1)],
        SESSION,
        Interval(start + 100, start + 101),
    )
    keys: list[str] = []
    async with database.session() as db:
        recording = Recording(
            hearing_id=hearing_id,
            state="recording",
            started_at=datetime.fromtimestamp(start, UTC),
        )
        db.add(recording)
        await db.flush()
        for plan in tracks:
            track = Track(recording_id=recording.id, kind=plan.kind, codec=f"{plan.kind}/x")
            db.add(track)
            await db.flush()
            for seq, segment in enumerate(plan.segments):
                key = segment.path.relative_to(settings.recordings_dir).as_posix()
                keys.append(key)
                db.add(
                    Segment(
                        track_id=track.id,
                        seq=seq,
                        path=key,
                        sha256=sha256_file(segment.path),
                        size_bytes=segment.path.stat().st_size,
                        started_at=datetime.fromtimestamp(segment.start, UTC),
                        ended_at=datetime.fromtimestamp(segment.end, UTC),
                    )
                )
        db.add(
            HearingEvent(
                hearing_id=hearing_id,
                at=datetime.fromtimestamp(start, UTC),
                kind="recording_started",
                actor="recording",
            )
        )
        await db.commit()
        return hearing_id, recording.id, keys


def _digest(data: bytes) -> tuple[int, str]:
    """What to compare large byte strings by (a failing == on them takes pytest ages)."""
    return len(data), hashlib.sha256(data).hexdigest()


async def _archived(database: Database, recording_id: int) -> Recording:
    async with asyncio.timeout(60):
        while True:
            async with database.session() as db:
                recording = await db.get(Recording, recording_id)
            assert recording is not None
            if recording.render_state in ("done", "failed"):
                return recording
            await asyncio.sleep(0.2)


async def test_a_record_sealed_into_a_bucket_is_streamed_and_verified_from_it(
    database: Database, settings: Settings, world: World, clerk: Caller
) -> None:
    hearing_id, recording_id, segments = await _left_recording(database, settings, world)
    alerts: list[str] = []

    async def alert(hearing: int, message: str) -> None:
        alerts.append(message)

    service = RecordingService(database, settings, alert)
    await service.recover()  # the restart: the recording was interrupted
    # the judge closes before anyone publishes again: the record is sealed all the same
    code = await service.closed(hearing_id)
    assert code is not None
    recording = await _archived(database, recording_id)
    await service.shutdown()
    assert recording.state == "sealed" and recording.render_state == "done", alerts
    assert recording.manifest_path is not None and recording.archive_path is not None

    store = recording_storage(settings)
    assert isinstance(store, S3Storage)
    stored = set(store.keys(f"hearing-{hearing_id}/"))
    assert stored == {*segments, recording.manifest_path, recording.archive_path}
    local = settings.recordings_dir / recording.archive_path
    archive = local.read_bytes()
    assert _digest(store.read(recording.archive_path)) == _digest(archive)
    async with database.session() as db:
        sealed = await db.scalar(
            select(HearingEvent).where(
                HearingEvent.hearing_id == hearing_id, HearingEvent.kind == "recording_sealed"
            )
        )
    assert sealed is not None and sealed.data == {"verification_code": code}

    # the working folder is gone: the API serves everything from the bucket
    for file in settings.recordings_dir.rglob("*"):
        if file.is_file():
            file.unlink()
    url = f"/api/v1/recordings/{recording_id}/archive"
    part = await clerk.client.get(url, headers={"Range": "bytes=1000-4999"})
    assert part.status == 206, part.status
    assert _digest(await part.read()) == _digest(archive[1000:5000])
    assert part.headers["Content-Range"] == f"bytes 1000-4999/{len(archive)}"
    report: dict[str, Any] = await clerk.call("GET", f"/recordings/{recording_id}/verify")
    assert report["ok"] and report["verification_code"] == code, report["problems"]
    assert report["files"] == len(segments) + 1  # and the archive

    # one changed byte in the bucket is found and named
    changed = bytearray(store.read(segments[0]))
    changed[len(changed) // 2] ^= 0xFF
    store.put_bytes(segments[0], bytes(changed))
    report = await clerk.call("GET", f"/recordings/{recording_id}/verify")
    assert not report["ok"]
    assert [p["subject"] for p in report["problems"] if p["kind"] == "file_changed"] == [
        segments[0]
    ]


async def test_exhibit_files_sealed_in_a_bucket_are_verified_from_it(
    judge: Caller, clerk: Caller, database: Database, settings: Settings, tmp_path: Path
) -> None:
    _, recording_id, key = await close_with_exhibit(judge, database, settings, tmp_path)
    path = f"/recordings/{recording_id}/verify"
    assert not (settings.recordings_dir / key).exists()  # only in the bucket
    intact = await clerk.call("GET", path)
    assert intact["ok"] and intact["files"] == 1, intact
    storage = recording_storage(settings)
    data = storage.read(key)
    storage.put_bytes(key, data[:5] + bytes([data[5] ^ 1]) + data[6:])
    subject = f"{key} (exhibit Plaintiff's exhibit 1)"
    changed = await clerk.call("GET", path)
    assert [(p["kind"], p["subject"]) for p in changed["problems"]] == [("file_changed", subject)]
    storage.delete(key)
    missing = await clerk.call("GET", path)
    assert [(p["kind"], p["subject"]) for p in missing["problems"]] == [("file_missing", subject)]
