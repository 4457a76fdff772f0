"""Downloading the transcript's PDF sealed with a recording (docs/architecture.md#transcript):
the same leave as the recording (the bench of its court, a party the court granted it), 404
before one is sealed, byte ranges for PDF viewers, every request audited, wrong people and
malformed requests refused with a 4xx."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from sqlalchemy import select

from config import Settings
from hearing_server.db.database import Database
from hearing_server.db.models import AuditEntry
from hearing_server.records.archive import recording_storage
from hearing_server.records.transcript_seal import SealedTranscript, seal_transcript
from tests.callers import Caller, NewCaller, World, holder, invite, schedule_hearing
from tests.functional.test_recordings_api import (  # noqa: F401 (archive_mp4 is a fixture)
    archive_mp4,
    colleague,
    fetch,
)
from tests.sealed_recording import CASE_NUMBER, Sealed
from tests.transcript_documents import sample_document


async def seal(sealed: Sealed, database: Database, settings: Settings) -> SealedTranscript:
    return await seal_transcript(
        database,
        recording_storage(settings),
        settings.signing_key_path,
        sealed.hearing_id,
        sample_document(entries=30, signers=3),
    )


async def test_the_bench_reads_the_sealed_pdf_and_sees_it_in_the_detail(
    sealed: Sealed, judge: Caller, clerk: Caller, database: Database, settings: Settings
) -> None:
    path = f"/recordings/{sealed.recording_id}"
    status, body = await judge.status("GET", path + "/transcript.pdf")
    assert status == 404 and body["error"]["code"] == "no_transcript"
    assert (await judge.call("GET", path))["transcript"] is None

    pdf = await seal(sealed, database, settings)
    stored = recording_storage(settings).read(pdf.key)
    for staff in (judge, clerk):
        response = await fetch(staff, path + "/transcript.pdf")
        assert response.status == 200 and await response.read() == stored
        assert response.headers["Content-Type"] == "application/pdf"
        assert response.headers["ETag"] == f'"{pdf.sha256}"'
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Disposition"].startswith("inline;")
    download = await fetch(judge, path + "/transcript.pdf?download=true")
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert quote(f"{CASE_NUMBER} 2026-03-02 庭审笔录.pdf", safe="") in disposition
    detail = await clerk.call("GET", path)
    assert detail["transcript"] == {
        "url": f"/api/v1{path}/transcript.pdf",
        "bytes": len(stored),
        "sha256": pdf.sha256,
    }
    assert {"kind": "transcript", "path": pdf.key, "sha256": pdf.sha256} in [
        {k: f[k] for k in ("kind", "path", "sha256")} for f in detail["files"]
    ]
    verified = await clerk.call("GET", path + "/verify")
    assert verified["ok"] and verified["files"] == 4


async def test_parties_download_it_only_with_the_courts_grant(
    sealed: Sealed,
    judge: Caller,
    clerk: Caller,
    database: Database,
    settings: Settings,
    new_caller: NewCaller,
) -> None:
    path = f"/recordings/{sealed.recording_id}"
    pdf = await seal(sealed, database, settings)
    party = sealed.party
    response = await fetch(party, path + "/transcript.pdf")
    assert response.status == 403 and (await response.json())["error"]["code"] == "not_granted"
    await clerk.call("POST", path + "/grants", {"participant_id": sealed.party_id}, expect=201)
    response = await fetch(party, path + "/transcript.pdf")
    assert response.status == 200
    assert await response.read() == recording_storage(settings).read(pdf.key)
    assert (await party.call("GET", path))["transcript"]["url"].endswith("/transcript.pdf")

    other = await schedule_hearing(judge, "(2026)浙0402民初9号")
    stranger = await holder(
        new_caller, (await invite(judge, other["id"], name="李四"))["invitation"]["token"]
    )
    assert (await fetch(stranger, path + "/transcript.pdf")).status == 404
    witness = await holder(
        new_caller,
        (await invite(clerk, sealed.hearing_id, role="witness", name="王五"))["invitation"][
            "token"
        ],
    )
    assert (await fetch(witness, path + "/transcript.pdf")).status == 403

    await judge.call("DELETE", f"{path}/grants/{sealed.party_id}", expect=204)
    assert (await fetch(party, path + "/transcript.pdf")).status == 403


async def test_other_staff_and_strangers_do_not_get_it(
    sealed: Sealed,
    other_judge: Caller,
    admin: Caller,
    new_caller: NewCaller,
    database: Database,
    settings: Settings,
    world: World,
) -> None:
    path = f"/recordings/{sealed.recording_id}/transcript.pdf"
    await seal(sealed, database, settings)
    assert (await fetch(other_judge, path)).status == 404  # another court's
    assert (await fetch(admin, path)).status == 403
    same_court = await colleague(new_caller, database, world)
    response = await fetch(same_court, path)
    assert response.status == 403 and "own cases" in (await response.json())["error"]["message"]
    anonymous = await new_caller()
    assert (await fetch(anonymous, path)).status == 401
    terminal = await new_caller()
    await terminal.terminal_login(world.terminal_id)
    assert (await fetch(terminal, path)).status == 403


async def test_ranges_malformed_requests_and_a_missing_file_are_4xx(
    sealed: Sealed, judge: Caller, database: Database, settings: Settings
) -> None:
    path = f"/recordings/{sealed.recording_id}/transcript.pdf"
    pdf = await seal(sealed, database, settings)
    stored = recording_storage(settings).read(pdf.key)
    part = await fetch(judge, path, Range="bytes=0-99")
    assert part.status == 206 and await part.read() == stored[:100]
    assert part.headers["Content-Range"] == f"bytes 0-99/{len(stored)}"
    tail = await fetch(judge, path, Range="bytes=-10")
    assert tail.status == 206 and await tail.read() == stored[-10:]
    beyond = await fetch(judge, path, Range=f"bytes={len(stored)}-")
    assert beyond.status == 416
    for bad in (
        "/recordings/abc/transcript.pdf",
        "/recordings/0/transcript.pdf",
        f"/recordings/{2**70}/transcript.pdf",
        f"/recordings/{sealed.recording_id + 99}/transcript.pdf",
        f"/recordings/{sealed.recording_id}/transcript.pdf.exe",
    ):
        response = await fetch(judge, bad)
        assert 400 <= response.status < 500, bad
        assert response.headers["Content-Type"].startswith("application/json"), bad
    for query in ("download=perhaps", "download=" + "x" * 2000):
        response = await fetch(judge, f"{path}?{query}")
        assert response.status == 422, query[:40]
    repeated = await fetch(judge, f"{path}?download=1&download=%00")
    assert repeated.status == 400
    oversized = await fetch(judge, f"{path}?download=" + "x" * 10_000)
    assert oversized.status == 400  # a request line past aiohttp's limit
    (settings.recordings_dir / pdf.key).unlink()
    status, body = await judge.status("GET", path)
    assert status == 404 and body["error"]["code"] == "transcript_missing"


@pytest.mark.parametrize("download", [False, True])
async def test_every_request_is_audited(
    download: bool, sealed: Sealed, judge: Caller, database: Database, settings: Settings
) -> None:
    path = f"/recordings/{sealed.recording_id}/transcript.pdf"
    pdf = await seal(sealed, database, settings)
    await (await fetch(judge, path + ("?download=true" if download else ""))).read()
    await (await fetch(judge, path, Range="bytes=0-9")).read()
    async with database.session() as db:
        rows = list(
            await db.scalars(
                select(AuditEntry)
                .where(AuditEntry.action.in_(("view_transcript", "download_transcript")))
                .order_by(AuditEntry.id)
            )
        )
    assert [r.action for r in rows] == [
        "download_transcript" if download else "view_transcript",
        "view_transcript",
    ]
    assert all(r.actor.endswith(":judge") and r.object_id == str(sealed.recording_id) for r in rows)
    assert rows[0].detail is not None and rows[0].detail["bytes"] == pdf.size
    assert rows[1].detail == {
        "range": f"bytes 0-9/{pdf.size}",
        "bytes": 10,
        "sha256": pdf.sha256,
    }
