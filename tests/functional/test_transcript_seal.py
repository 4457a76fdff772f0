"""The confirmed transcript's PDF sealed with the recording (docs/architecture.md#transcript):
appended to the manifest sealed at close (the verification code stays), checked byte for byte
by `verify_stored` and by `hearing-server verify` (a real process), named when changed, missing
or no longer listed; appends of the archive and the transcript at once both land."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from sqlalchemy import select

from config import Settings
from hearing_server.db.database import Database
from hearing_server.db.models import HearingEvent, Recording
from hearing_server.records.archive import (
    read_manifest,
    recording_storage,
    server_public_key,
    transcript_check,
    verify_stored,
)
from hearing_server.records.manifest import seal_archive
from hearing_server.records.manifest_lock import manifest_held
from hearing_server.records.transcript_seal import (
    TranscriptNotSealable,
    seal_transcript,
)
from recording.seal import TRANSCRIPT
from recording.verify import Report
from tests.callers import Caller, schedule_hearing
from tests.sealed_recording import CASE_NUMBER, T0, run_verify, seal_at_close
from tests.transcript_documents import sample_document


async def closed_hearing(judge: Caller, database: Database, settings: Settings) -> tuple[int, int]:
    """A hearing sealed at close as the server seals it: its id and its recording's."""
    hearing = await schedule_hearing(judge, CASE_NUMBER)
    return hearing["id"], await seal_at_close(database, settings, hearing["id"])


async def seal(database: Database, settings: Settings, hearing_id: int, entries: int = 20) -> str:
    sealed = await seal_transcript(
        database,
        recording_storage(settings),
        settings.signing_key_path,
        hearing_id,
        sample_document(entries=entries, signers=3),
    )
    return sealed.key


async def verified(database: Database, settings: Settings, recording_id: int) -> Report:
    async with database.session() as db:
        recording = await db.get(Recording, recording_id)
    assert recording is not None and recording.manifest_path is not None
    key = server_public_key(settings.signing_key_path)
    return await asyncio.to_thread(
        verify_stored,
        recording_storage(settings),
        recording.manifest_path,
        key,
        None,
        transcript_check(recording),
    )


def flip(path: Path, offset: int = 300) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


async def test_the_transcript_is_appended_signed_and_the_code_given_at_close_stays(
    judge: Caller, database: Database, settings: Settings
) -> None:
    hearing_id, recording_id = await closed_hearing(judge, database, settings)
    storage = recording_storage(settings)
    before = read_manifest(storage, f"hearing-{hearing_id}/manifest.json")
    assert before is not None
    sealed = await seal_transcript(
        database,
        storage,
        settings.signing_key_path,
        hearing_id,
        sample_document(entries=20, signers=3),
    )
    assert sealed.key == f"hearing-{hearing_id}/transcript.pdf"
    assert sealed.recording_id == recording_id
    assert sealed.verification_code == before["verification_code"]
    after = read_manifest(storage, f"hearing-{hearing_id}/manifest.json")
    assert after is not None
    assert after["verification_code"] == before["verification_code"]
    assert after["entries"] == before["entries"]
    [entry] = after["appended"]
    assert entry["data"] == {
        "path": sealed.key,
        "sha256": sealed.sha256,
        "bytes": sealed.size,
        "kind": TRANSCRIPT,
        "media_type": "application/pdf",
    }
    report = await verified(database, settings, recording_id)
    assert report.ok, report.problems
    assert report.transcript == sealed.key and report.key_trusted
    assert report.verification_code == before["verification_code"]

    # the PDF names the manifest it belongs to, on every page
    pdf = pdfium.PdfDocument(storage.read(sealed.key))
    for index in range(len(pdf)):
        text = pdf[index].get_textpage().get_text_range()
        assert before["manifest_hash"] in text and before["verification_code"] in text
    async with database.session() as db:
        recording = await db.get(Recording, recording_id)
        assert recording is not None
        assert (recording.transcript_path, recording.transcript_sha256) == (
            sealed.key,
            sealed.sha256,
        )
        event = await db.scalar(
            select(HearingEvent).where(
                HearingEvent.hearing_id == hearing_id, HearingEvent.kind == "transcript_sealed"
            )
        )
        assert event is not None and event.data == {
            "path": sealed.key,
            "sha256": sealed.sha256,
            "bytes": sealed.size,
        }


async def test_sealing_the_same_pdf_again_changes_nothing_another_is_refused(
    judge: Caller, database: Database, settings: Settings
) -> None:
    hearing_id, _ = await closed_hearing(judge, database, settings)
    storage = recording_storage(settings)
    key = await seal(database, settings, hearing_id)
    (settings.recordings_dir / key).unlink()  # a retry after a lost write stores it again
    async with database.session() as db:  # ...and the row, after a crash before its commit
        recording = await db.scalar(select(Recording).where(Recording.hearing_id == hearing_id))
        assert recording is not None
        recording.transcript_path = recording.transcript_sha256 = None
        await db.commit()
    assert await seal(database, settings, hearing_id) == key
    async with database.session() as db:
        recording = await db.scalar(select(Recording).where(Recording.hearing_id == hearing_id))
        assert recording is not None and recording.transcript_path == key
    assert (settings.recordings_dir / key).is_file()
    manifest = read_manifest(storage, f"hearing-{hearing_id}/manifest.json")
    assert manifest is not None and len(manifest["appended"]) == 1
    with pytest.raises(TranscriptNotSealable) as refused:
        await seal(database, settings, hearing_id, entries=21)
    assert refused.value.code == "already_sealed"
    async with database.session() as db:
        events = await db.scalars(
            select(HearingEvent).where(HearingEvent.kind == "transcript_sealed")
        )
        assert len(list(events)) == 2  # the first seal, and the row made good


async def test_a_hearing_without_a_sealed_record_has_no_transcript_sealed(
    judge: Caller, database: Database, settings: Settings
) -> None:
    hearing = await schedule_hearing(judge, CASE_NUMBER)
    with pytest.raises(TranscriptNotSealable) as refused:
        await seal(database, settings, hearing["id"])
    assert refused.value.code == "not_sealed"
    async with database.session() as db:
        db.add(Recording(hearing_id=hearing["id"], state="finalizing", started_at=T0))
        await db.commit()
    with pytest.raises(TranscriptNotSealable, match="no sealed recording"):
        await seal(database, settings, hearing["id"])


async def test_a_changed_missing_or_unlisted_transcript_is_named(
    judge: Caller, database: Database, settings: Settings
) -> None:
    hearing_id, recording_id = await closed_hearing(judge, database, settings)
    key = await seal(database, settings, hearing_id)
    pdf = settings.recordings_dir / key
    original = pdf.read_bytes()

    flip(pdf)
    report = await verified(database, settings, recording_id)
    assert [(p.kind, p.subject) for p in report.problems] == [
        ("file_changed", f"{key} (transcript)")
    ]
    pdf.unlink()
    report = await verified(database, settings, recording_id)
    assert [(p.kind, p.subject) for p in report.problems] == [
        ("file_missing", f"{key} (transcript)")
    ]

    # the entry taken out of the manifest: the file beside the archive, and the database,
    # say a transcript was sealed
    pdf.write_bytes(original)
    manifest_path = settings.recordings_dir / f"hearing-{hearing_id}" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    del manifest["appended"]
    manifest_path.write_text(json.dumps(manifest))
    report = await verified(database, settings, recording_id)
    assert {p.kind for p in report.problems} == {"transcript_unsealed"}
    assert all(p.subject == f"{key} (transcript)" for p in report.problems)
    assert len(report.problems) == 2
    pdf.unlink()
    report = await verified(database, settings, recording_id)
    assert [p.kind for p in report.problems] == ["transcript_unsealed"]


async def test_the_archive_and_the_transcript_appended_at_once_both_land(
    judge: Caller, database: Database, settings: Settings
) -> None:
    hearing_id, recording_id = await closed_hearing(judge, database, settings)
    storage = recording_storage(settings)
    folder = settings.recordings_dir / f"hearing-{hearing_id}"
    (folder / "archive.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42 the archive video")

    async def archive() -> None:  # as the renderer appends it
        async with manifest_held(database, recording_id):
            await asyncio.to_thread(
                seal_archive,
                storage,
                settings.signing_key_path,
                f"hearing-{hearing_id}/manifest.json",
                f"hearing-{hearing_id}/archive.mp4",
                folder / "archive.mp4",
                T0 + timedelta(hours=1),
            )

    await asyncio.gather(archive(), seal(database, settings, hearing_id), archive())
    manifest = read_manifest(storage, f"hearing-{hearing_id}/manifest.json")
    assert manifest is not None
    kinds = sorted(entry["data"]["kind"] for entry in manifest["appended"])
    assert kinds == ["archive", "archive", TRANSCRIPT]
    report = await verified(database, settings, recording_id)
    assert report.ok, report.problems
    assert report.archive == "sealed" and report.transcript


async def test_hearing_server_verify_checks_the_transcript(
    judge: Caller, database: Database, settings: Settings
) -> None:
    hearing_id, _ = await closed_hearing(judge, database, settings)
    key = await seal(database, settings, hearing_id)
    status, output = await run_verify(settings, str(hearing_id))
    assert status == 0, output
    assert "(the transcript PDF), signature valid (the server's key)" in output
    flip(settings.recordings_dir / key)
    status, output = await run_verify(settings, str(hearing_id))
    assert status == 1
    assert f"CHANGED file_changed: {key} (transcript): content differs from its hash" in output
    manifest = settings.recordings_dir / f"hearing-{hearing_id}" / "manifest.json"
    status, output = await run_verify(settings, str(manifest))
    assert status == 1 and f"CHANGED file_changed: {key} (transcript)" in output
