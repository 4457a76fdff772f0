"""A closed hearing's sealed recording, made the way the server makes one, for the tests of
retrieving recordings (the REST API, the command line, the archive pages in a browser)."""

from __future__ import annotations

import asyncio
import os
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from config import Settings
from hearing_server.db.database import Database
from hearing_server.db.models import HearingEvent, Recording, Segment, Track
from hearing_server.records.archive import recording_storage
from hearing_server.records.live import LiveRecording
from hearing_server.records.seal import Sealer
from recording.seal import ManifestBuilder, load_or_create_key, write_manifest
from tests.callers import Caller, NewCaller, holder, invite, schedule_hearing

T0 = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)  # 09:30 in the court's time zone
CASE_NUMBER = "(2026)浙0402民初1234号"
SEGMENTS = {"judge-video-00000.mkv": b"\x1a\x45\xdf\xa3 judge video", "party-audio-00000.mkv": b"a"}


def make_archive_mp4(
    path: Path,
    chapters: list[tuple[int, int, str]],
    *,
    width: int = 160,
    height: int = 90,
    frames: int = 30,
) -> bytes:
    """``frames`` pictures (10 a second, each a shade lighter) of real H.264 in a faststart
    MP4, as the archive renderer writes, with ``chapters`` (start and end in ms, title)."""
    with av.open(str(path), "w", options={"movflags": "faststart"}) as out:
        stream = out.add_stream("libx264", rate=10)
        stream.width, stream.height = width, height
        stream.pix_fmt = "yuv420p"
        for index in range(frames):
            picture = np.full((height, width, 3), index * (240 // frames), np.uint8)
            out.mux(stream.encode(av.VideoFrame.from_ndarray(picture, format="rgb24")))
        out.mux(stream.encode(None))
        out.set_chapters(
            [
                {
                    "id": n,
                    "start": start,
                    "end": end,
                    "time_base": Fraction(1, 1000),
                    "metadata": {"title": title},
                }
                for n, (start, end, title) in enumerate(chapters, 1)
            ]
        )
    return path.read_bytes()


@dataclass
class Sealed:
    hearing_id: int
    recording_id: int
    prefix: str
    party_id: int
    party: Caller
    archive: bytes


async def seal_recording(
    judge: Caller, new_caller: NewCaller, database: Database, settings: Settings, mp4: bytes
) -> Sealed:
    """A closed hearing's sealed recording made the way the server makes one: files in the
    recordings folder, a signed manifest listing them, and the rows pointing at them."""
    hearing = await schedule_hearing(judge, CASE_NUMBER, public=True)
    created = await invite(judge, hearing["id"], name="张三", side="plaintiff")
    party = await holder(new_caller, created["invitation"]["token"])
    prefix = f"hearing-{hearing['id']}"
    root = settings.recordings_dir
    builder = ManifestBuilder(f"{CASE_NUMBER}/hearing-{hearing['id']}")
    builder.add_event("in_session", T0)
    for name, data in SEGMENTS.items():
        (root / prefix).mkdir(parents=True, exist_ok=True)
        (root / prefix / name).write_bytes(data)
        builder.add_local_file(root, f"{prefix}/{name}", T0 + timedelta(seconds=4))
    (root / prefix / "archive.mp4").write_bytes(mp4)
    archive = builder.add_local_file(root, f"{prefix}/archive.mp4", T0 + timedelta(minutes=5))
    builder.add_event("closed", T0 + timedelta(minutes=5))
    key = load_or_create_key(settings.signing_key_path)
    write_manifest(builder.seal(key, T0 + timedelta(minutes=5)), root / prefix / "manifest.json")
    async with database.session() as db:
        recording = Recording(
            hearing_id=hearing["id"],
            state="sealed",
            started_at=T0,
            ended_at=T0 + timedelta(minutes=5),
            archive_path=f"{prefix}/archive.mp4",
            archive_sha256=archive["data"]["sha256"],
            manifest_path=f"{prefix}/manifest.json",
        )
        db.add(recording)
        await db.flush()
        for seq, (name, data) in enumerate(SEGMENTS.items()):
            track = Track(recording_id=recording.id, kind="video", codec="VP8", anchor_at=T0)
            db.add(track)
            await db.flush()
            db.add(
                Segment(
                    track_id=track.id,
                    seq=seq,
                    path=f"{prefix}/{name}",
                    sha256="-",
                    size_bytes=len(data),
                    started_at=T0,
                )
            )
        party_id = created["participant"]["id"]
        events = [
            ("state", "open", "in_session", None, 0),
            ("admitted", "waiting", "in_hearing", party_id, 10),
            ("identity_verified", None, None, party_id, 20),
            ("phase", None, "investigation", None, 30),
            ("message", None, "98", None, 40),
            ("state", "in_session", "recess", None, 60),
            ("state", "recess", "in_session", None, 120),
            ("phase", "investigation", "debate", None, 150),
        ]
        for kind, was, now, who, seconds in events:
            db.add(
                HearingEvent(
                    hearing_id=hearing["id"],
                    at=T0 + timedelta(seconds=seconds),
                    kind=kind,
                    actor="user:1:judge",
                    from_value=was,
                    to_value=now,
                    data={"participant_id": who} if who else {"text": "private"},
                )
            )
        await db.commit()
        return Sealed(hearing["id"], recording.id, prefix, party_id, party, mp4)


async def run_verify(settings: Settings, *args: str) -> tuple[int, str]:
    """`hearing-server verify ARGS` as a process of its own against the test's settings: its
    exit status and what it printed."""
    env = {
        **os.environ,
        "HEARING_DATABASE_URL": settings.database_url,
        "HEARING_RECORDINGS_DIR": str(settings.recordings_dir),
        "HEARING_SIGNING_KEY_PATH": str(settings.signing_key_path),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "hearing_server",
        "verify",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    assert process.returncode is not None
    return process.returncode, output.decode()


async def seal_at_close(database: Database, settings: Settings, hearing_id: int) -> int:
    """Close the hearing's record as the server does at close: a recording row, then the seal
    of whatever the database holds for the hearing and its case (exhibit files, identity
    stills...); the recording's id."""
    async with database.session() as db:
        recording = Recording(hearing_id=hearing_id, state="recording", started_at=T0)
        db.add(recording)
        await db.commit()
        recording_id = recording.id
    live = LiveRecording(hearing_id, settings.recordings_dir / f"hearing-{hearing_id}")
    live.recording_id = recording_id
    try:
        sealer = Sealer(
            database,
            recording_storage(settings),
            settings.recordings_dir,
            settings.signing_key_path,
        )
        await sealer.seal(live)
    finally:
        live.worker.cancel()
    return recording_id
