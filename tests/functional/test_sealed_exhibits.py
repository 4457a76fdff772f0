"""A case's exhibit files in its hearing's seal: sealed by the server's own code at close, checked
by `hearing-server verify` (a real process) and the verify endpoint, on both databases; a
changed byte or a missing file names the exhibit, and a manifest sealed before exhibits were
listed still verifies."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from pathlib import Path

from config import Settings
from court.exhibits import ExhibitSide
from court.roles import Role
from hearing_server.db.database import Database
from hearing_server.db.models import Exhibit, ExhibitFile, Hearing
from hearing_server.exhibit_store import exhibit_key, store_once
from hearing_server.records.archive import recording_storage
from recording.seal import EXHIBIT
from tests.callers import Caller, schedule_hearing
from tests.functional.test_recordings_api import archive_mp4  # noqa: F401 (a fixture)
from tests.sealed_recording import CASE_NUMBER, T0, Sealed, run_verify, seal_at_close

CONTRACT = b"%PDF-1.4 the contract signed on 2025-06-01"


async def close_with_exhibit(
    judge: Caller, database: Database, settings: Settings, tmp_path: Path
) -> tuple[int, int, str]:
    """A hearing of a case holding one withdrawn-after-exchange exhibit (its file stored once
    as the upload step stores it) sealed at close; the hearing's, the recording's ids and
    the exhibit file's storage key. Works on whichever storage `settings` name."""
    hearing = await schedule_hearing(judge, CASE_NUMBER)
    source = tmp_path / "contract.pdf"
    source.write_bytes(CONTRACT)
    digest = hashlib.sha256(CONTRACT).hexdigest()
    store_once(recording_storage(settings), source, digest)
    async with database.session() as db:
        row = await db.get(Hearing, hearing["id"])
        assert row is not None
        exhibit = Exhibit(
            case_id=row.case_id,
            side=ExhibitSide.PLAINTIFF,
            number=1,
            title="借款合同",
            purpose="借贷关系成立",
            submitted_by="张三",
            submitted_by_role=Role.PARTY,
            submitted_at=T0,
            withdrawn_at=T0 + timedelta(days=1),
            withdrawn_by="张三",
        )
        db.add(exhibit)
        await db.flush()
        db.add(
            ExhibitFile(
                exhibit_id=exhibit.id,
                seq=1,
                sha256=digest,
                media_type="application/pdf",
                size_bytes=len(CONTRACT),
                original_name="contract.pdf",
                display_name="contract.pdf",
                added_at=T0,
                notarised_sha256=digest,
                notary="至信链 证书 ZX-2026-001",
            )
        )
        await db.commit()
    recording_id = await seal_at_close(database, settings, hearing["id"])
    return hearing["id"], recording_id, exhibit_key(digest)


async def test_the_seal_covers_the_case_exhibit_files(
    judge: Caller, clerk: Caller, database: Database, settings: Settings, tmp_path: Path
) -> None:
    hearing_id, recording_id, key = await close_with_exhibit(judge, database, settings, tmp_path)
    stored = settings.recordings_dir / key
    manifest = json.loads(
        (settings.recordings_dir / f"hearing-{hearing_id}" / "manifest.json").read_text()
    )
    [entry] = [e["data"] for e in manifest["entries"] if e["data"].get("kind") == EXHIBIT]
    assert entry["path"] == exhibit_key(hashlib.sha256(CONTRACT).hexdigest())
    assert (entry["bytes"], entry["exhibit"], entry["exhibit_zh"]) == (
        len(CONTRACT),
        "Plaintiff's exhibit 1",
        "原告证据1",
    )
    assert entry["submitted_by"] == "张三" and entry["withdrawn_at"]
    assert (entry["notarised_sha256"], entry["notary"]) == (
        entry["sha256"],
        "至信链 证书 ZX-2026-001",
    )
    path = f"/recordings/{recording_id}/verify"
    subject = f"{entry['path']} (exhibit Plaintiff's exhibit 1)"

    intact = await clerk.call("GET", path)
    assert intact["ok"] and intact["files"] == 1, intact
    code, output = await run_verify(settings, str(hearing_id))
    assert code == 0 and "OK: 1 files intact (1 exhibit files)" in output, output

    original = stored.read_bytes()
    stored.write_bytes(original[:5] + bytes([original[5] ^ 1]) + original[6:])
    changed = await clerk.call("GET", path)
    assert [(p["kind"], p["subject"]) for p in changed["problems"]] == [("file_changed", subject)]
    code, output = await run_verify(settings, str(hearing_id))
    assert code == 1 and f"CHANGED file_changed: {subject}" in output, output

    stored.unlink()
    missing = await clerk.call("GET", path)
    assert [(p["kind"], p["subject"]) for p in missing["problems"]] == [("file_missing", subject)]
    code, output = await run_verify(settings, str(hearing_id))
    assert code == 1 and f"CHANGED file_missing: {subject}" in output, output


async def test_a_manifest_sealed_before_exhibits_were_listed_still_verifies(
    sealed: Sealed, clerk: Caller, database: Database, settings: Settings
) -> None:
    async with database.session() as db:
        row = await db.get(Hearing, sealed.hearing_id)
        assert row is not None
        db.add(
            Exhibit(
                case_id=row.case_id,
                side=ExhibitSide.COURT,
                number=1,
                title="庭审笔录",
                purpose="-",
                submitted_by="法官",
                submitted_by_role=Role.JUDGE,
            )
        )
        await db.commit()
    report = await clerk.call("GET", f"/recordings/{sealed.recording_id}/verify")
    assert report["ok"] and report["files"] == 3, report
    code, output = await run_verify(settings, str(sealed.hearing_id))
    assert code == 0 and "OK: 3 files intact, signature valid" in output, output
