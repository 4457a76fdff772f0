"""Identity stills in the hearing's seal (docs/architecture.md#identity-check): stored by hash,
listed as `identity_still` file entries at close (without the document's digits), re-hashed by
`hearing-server verify` (a real process) and the verify endpoint; a changed byte names the
still."""

from __future__ import annotations

import json
from pathlib import Path

from config import Settings
from hearing_server.db.database import Database
from hearing_server.db.models import IdentityCheckRow, Participant
from hearing_server.identity_stills import still_key, store_still
from hearing_server.records.archive import recording_storage
from recording.seal import IDENTITY_STILL
from tests.callers import Caller, invite, schedule_hearing
from tests.sealed_recording import CASE_NUMBER, T0, run_verify, seal_at_close

STILL = b"\xff\xd8\xff\xe0 a picture of the party \xff\xd9"


async def close_with_still(
    judge: Caller, database: Database, settings: Settings
) -> tuple[int, int, str, int]:
    """A hearing with one identity check whose still is stored, sealed at close: the hearing's
    and recording's ids, the still's key and the checked participant's id."""
    hearing = await schedule_hearing(judge, CASE_NUMBER)
    party = await invite(judge, hearing["id"], role="party", name="张三", side="plaintiff")
    participant_id = party["participant"]["id"]
    digest = store_still(recording_storage(settings), hearing["id"], STILL)
    async with database.session() as db:
        assert await db.get(Participant, participant_id) is not None
        db.add(
            IdentityCheckRow(
                hearing_id=hearing["id"],
                participant_id=participant_id,
                document_type="resident_id",
                digits="8642X",
                checked_by="user:2:clerk",
                checked_at=T0,
                still_sha256=digest,
                still_bytes=len(STILL),
            )
        )
        db.add(
            IdentityCheckRow(
                hearing_id=hearing["id"],
                participant_id=participant_id,
                document_type="passport",
                digits="5678",
                checked_by="user:2:clerk",
                checked_at=T0,
                no_still="no camera video from this person reaches the server",
            )
        )
        await db.commit()
    recording_id = await seal_at_close(database, settings, hearing["id"])
    return hearing["id"], recording_id, still_key(hearing["id"], digest), participant_id


def flip_a_byte(path: Path) -> None:
    original = path.read_bytes()
    path.write_bytes(original[:5] + bytes([original[5] ^ 1]) + original[6:])


async def test_the_seal_covers_the_identity_stills(
    judge: Caller, clerk: Caller, database: Database, settings: Settings
) -> None:
    hearing_id, recording_id, key, participant_id = await close_with_still(
        judge, database, settings
    )
    manifest = json.loads(
        (settings.recordings_dir / f"hearing-{hearing_id}" / "manifest.json").read_text()
    )
    [entry] = [e["data"] for e in manifest["entries"] if e["data"].get("kind") == IDENTITY_STILL]
    assert entry["path"] == key and entry["bytes"] == len(STILL)
    assert entry["participant_id"] == participant_id and entry["document_type"] == "resident_id"
    assert "8642X" not in json.dumps(manifest)  # the digits stay with the bench and the archive
    subject = f"{key} (identity still of participant {participant_id})"
    path = f"/recordings/{recording_id}/verify"

    intact = await clerk.call("GET", path)
    assert intact["ok"] and intact["files"] == 1, intact
    code, output = await run_verify(settings, str(hearing_id))
    assert code == 0 and "OK: 1 files intact" in output, output

    flip_a_byte(settings.recordings_dir / key)
    changed = await clerk.call("GET", path)
    assert [(p["kind"], p["subject"]) for p in changed["problems"]] == [("file_changed", subject)]
    code, output = await run_verify(settings, str(hearing_id))
    assert code == 1 and f"CHANGED file_changed: {subject}" in output, output
