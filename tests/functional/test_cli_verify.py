"""`hearing-server verify` and `migrate` as an operator or a party runs them, in real processes,
on a record sealed (and its archive appended) by the server's own code."""

from __future__ import annotations

import asyncio
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from config import Settings
from hearing_server.db.models import HearingEvent, Segment, Track
from hearing_server.records.manifest import build_manifest, seal_archive, write_seal
from hearing_server.records.transcript_seal import store_transcript
from hearing_server.transcript_pdf import render_pdf
from recording.digest import sha256_file
from recording.storage import LocalStorage
from tests.functional.test_recordings_api import archive_mp4  # noqa: F401 (a fixture)
from tests.live_server import LiveServer
from tests.sealed_recording import Sealed
from tests.transcript_documents import sample_document

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HEARING = "hearing-7"
SEGMENTS = {"p1-video-00000.mkv": b"\x1a\x45\xdf\xa3 video", "p1-audio-00000.mkv": b"audio"}


@pytest.fixture
def cli(tmp_path: Path) -> LiveServer:
    """Settings for running commands (the server is not started)."""
    return LiveServer(
        tmp_path,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'var' / 'h.db'}",
        recordings_dir=str(tmp_path / "recordings"),
        signing_key_path=str(tmp_path / "keys" / "seal.pem"),
    )


def seal(root: Path, key_path: Path) -> Path:
    """Seal two segments at close, then append the rendered archive, as the server does."""
    folder = root / HEARING
    folder.mkdir(parents=True)
    segments = []
    for name, data in SEGMENTS.items():
        (folder / name).write_bytes(data)
        segment = Segment(
            path=f"{HEARING}/{name}",
            sha256=sha256_file(folder / name),
            size_bytes=len(data),
            started_at=T0,
            ended_at=T0 + timedelta(seconds=4),
        )
        segments.append((segment, Track(participant_id=1, kind=name.split("-")[1], codec="x")))
    events = [HearingEvent(kind="transition", at=T0, actor="judge", to_value="in_session")]
    closed = T0 + timedelta(minutes=5)
    manifest_key = f"{HEARING}/manifest.json"
    builder = build_manifest(
        "(2026)示0101民初1号/hearing-7", events, segments, f"{HEARING}/archive.mp4", closed
    )
    storage = LocalStorage(root)
    files = [s.path for s, _ in segments]
    write_seal(storage, root, key_path, builder, files, manifest_key, closed)
    (folder / "archive.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42 the archive video")
    seal_archive(
        storage, key_path, manifest_key, f"{HEARING}/archive.mp4", folder / "archive.mp4", closed
    )
    return folder / "manifest.json"


def flip(path: Path, offset: int = 10) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def test_the_manifest_alone_covers_the_archive(cli: LiveServer, tmp_path: Path) -> None:
    manifest = seal(tmp_path / "recordings", tmp_path / "keys" / "seal.pem")
    intact = cli.run("verify", str(manifest))
    assert intact.returncode == 0, intact.stdout + intact.stderr
    assert "OK: 3 files intact, signature valid (the server's key)" in intact.stdout
    assert f"files checked in {manifest.parent}" in intact.stdout
    flip(manifest.parent / "archive.mp4")
    changed = cli.run("verify", str(manifest))
    assert changed.returncode == 1
    assert f"CHANGED file_changed: {HEARING}/archive.mp4" in changed.stdout


def test_a_copied_record_is_checked_beside_its_manifest_or_in_the_folder_given(
    cli: LiveServer, tmp_path: Path
) -> None:
    manifest = seal(tmp_path / "recordings", tmp_path / "keys" / "seal.pem")
    copy = tmp_path / "downloaded" / "my hearing"
    shutil.copytree(manifest.parent, copy)
    flip(manifest.parent / "p1-audio-00000.mkv", 2)  # the server's file, not the party's copy
    beside = cli.run("verify", str(copy / "manifest.json"))
    assert beside.returncode == 0, beside.stdout
    assert f"files checked in {copy}" in beside.stdout and "OK: 3 files intact" in beside.stdout

    alone = tmp_path / "mail"
    alone.mkdir()
    shutil.copy(copy / "manifest.json", alone)
    told = cli.run("verify", str(alone / "manifest.json"), "--files", str(copy))
    assert told.returncode == 0, told.stdout
    assert f"files checked in {copy}" in told.stdout
    flip(copy / "archive.mp4")
    told = cli.run("verify", str(alone / "manifest.json"), "--files", str(copy))
    assert told.returncode == 1 and f"file_changed: {HEARING}/archive.mp4" in told.stdout
    nothing = cli.run("verify", str(alone / "manifest.json"))
    assert nothing.returncode == 1 and f"files checked in {alone}" in nothing.stdout
    assert nothing.stdout.count("CHANGED file_missing") == 3
    wrong = cli.run("verify", str(alone / "manifest.json"), "--files", str(alone / "none"))
    assert wrong.returncode == 2 and "is not a folder" in wrong.stderr


def test_migrate_and_verify_leave_stderr_to_errors(cli: LiveServer) -> None:
    first = cli.run("migrate")
    assert first.returncode == 0 and first.stderr == ""
    assert "upgraded from empty to the newest revision" in first.stdout
    again = cli.run("migrate")
    assert again.returncode == 0 and again.stderr == "" and "nothing to do" in again.stdout
    missing = cli.run("verify", "5")
    assert missing.returncode == 2
    assert missing.stderr == "hearing-server: hearing 5 has no sealed recording\n"


async def test_a_hearing_checked_against_a_copy_of_its_folder(
    sealed: Sealed,
    settings: Settings,
    tmp_path: Path,
) -> None:
    copy = tmp_path / "copy of the record"
    shutil.copytree(settings.recordings_dir / sealed.prefix, copy)
    command = LiveServer(
        tmp_path,
        database_url=settings.database_url,
        recordings_dir=str(settings.recordings_dir),
        signing_key_path=str(settings.signing_key_path),
    )
    intact = await asyncio.to_thread(
        command.run, "verify", str(sealed.hearing_id), "--files", str(copy)
    )
    assert intact.returncode == 0, intact.stdout + intact.stderr
    assert f"files checked in {copy}" in intact.stdout and "OK: 3 files intact" in intact.stdout
    flip(copy / "judge-video-00000.mkv", 2)
    changed = await asyncio.to_thread(
        command.run, "verify", str(sealed.hearing_id), "--files", str(copy)
    )
    assert changed.returncode == 1
    assert f"CHANGED file_changed: {sealed.prefix}/judge-video-00000.mkv" in changed.stdout


def test_a_copied_record_checks_its_transcript_pdf(cli: LiveServer, tmp_path: Path) -> None:
    key_path = tmp_path / "keys" / "seal.pem"
    manifest = seal(tmp_path / "recordings", key_path)
    pdf = render_pdf(sample_document(entries=5, signers=1))
    store_transcript(
        LocalStorage(tmp_path / "recordings"),
        key_path,
        f"{HEARING}/manifest.json",
        f"{HEARING}/transcript.pdf",
        pdf,
        T0 + timedelta(hours=1),
    )
    copy = tmp_path / "downloaded"
    shutil.copytree(manifest.parent, copy)
    intact = cli.run("verify", str(copy / "manifest.json"))
    assert intact.returncode == 0, intact.stdout
    assert "OK: 4 files intact (the transcript PDF), signature valid" in intact.stdout
    flip(copy / "transcript.pdf", 200)
    changed = cli.run("verify", str(copy / "manifest.json"))
    assert changed.returncode == 1
    assert f"CHANGED file_changed: {HEARING}/transcript.pdf (transcript)" in changed.stdout
    (copy / "transcript.pdf").unlink()
    missing = cli.run("verify", str(copy / "manifest.json"))
    assert f"CHANGED file_missing: {HEARING}/transcript.pdf (transcript)" in missing.stdout
