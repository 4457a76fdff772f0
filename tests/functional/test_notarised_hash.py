"""A hash notarised on a blockchain evidence platform, given with an exhibit's file: compared
with the file's own once it has arrived, the result kept with the file and shown to everyone
who sees it, audited and on the case's timeline; a mismatch is taken and shown, not refused;
malformed hashes are refused before anything starts. On SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib

from sqlalchemy import func, select

from hearing_server.db.database import Database
from hearing_server.db.models import AuditEntry, ExhibitUpload, HearingEvent
from tests.callers import Caller, NewCaller
from tests.functional.test_exhibit_uploads import picture, send
from tests.functional.test_exhibits_api import submit, trial
from tests.pdf_files import made_by_pdfium

NOTARY = "至信链 存证证书 ZX-2026-0001"


async def upload_notarised(
    caller: Caller, exhibit_id: int, data: bytes, notarised: str, notary: str | None
) -> dict[str, object]:
    notarisation = {"sha256": notarised} | ({} if notary is None else {"notary": notary})
    body = {"name": "录音截图.png", "size": len(data), "notarised": notarisation}
    status, started = await caller.status("POST", f"/exhibits/{exhibit_id}/uploads", body)
    assert status == 201, started
    status, answer, _ = await send(caller, started["upload_id"], 0, data)
    assert status == 200, answer
    file: dict[str, object] = answer["file"]
    return file


async def test_the_notarised_hash_is_compared_and_the_result_shown(
    judge: Caller, new_caller: NewCaller, database: Database
) -> None:
    t = await trial(judge, new_caller)
    exhibit = await submit(t.plaintiff, t.case_id, "区块链存证的聊天记录")
    photo = picture("PNG", 64, 48)
    digest = hashlib.sha256(photo).hexdigest()
    same = await upload_notarised(t.plaintiff, exhibit["id"], photo, digest.upper(), NOTARY)
    assert (same["notarised_sha256"], same["notary"], same["notarised_match"]) == (
        digest,  # kept in lower case, as the file's own
        NOTARY,
        True,
    )
    other = made_by_pdfium(1)
    wrong = await upload_notarised(t.plaintiff, exhibit["id"], other, digest, None)
    assert (wrong["notarised_match"], wrong["notary"]) == (False, None)  # taken, and flagged
    # the bench sees both results on the exhibit
    seen = await judge.call("GET", f"/exhibits/{exhibit['id']}")
    assert [f["notarised_match"] for f in seen["files"]] == [True, False]

    async with database.session() as db:
        details = list(
            await db.scalars(
                select(AuditEntry.detail)
                .where(AuditEntry.action == "add_exhibit_file")
                .order_by(AuditEntry.id)
            )
        )
        assert [((d or {})["notarised_match"], (d or {}).get("notary")) for d in details] == [
            (True, NOTARY),
            (False, None),
        ]
        added = list(
            await db.scalars(
                select(HearingEvent.data)
                .where(
                    HearingEvent.hearing_id == t.hearing_id,
                    HearingEvent.kind == "exhibit_file_added",
                )
                .order_by(HearingEvent.id)
            )
        )
    assert [(e or {})["notarised_match"] for e in added] == [True, False]


async def test_malformed_notarisations_are_refused_before_anything_starts(
    judge: Caller, new_caller: NewCaller, database: Database
) -> None:
    t = await trial(judge, new_caller)
    exhibit = await submit(t.plaintiff, t.case_id)
    good = "ab" * 32
    for notarised in (
        {"sha256": good[:-1]},
        {"sha256": good[:-1] + "g"},
        {"sha256": good + "00"},
        {"sha256": 12345},
        {"notary": NOTARY},  # a notary without the hash they certified
        {"sha256": good, "notary": ""},
        {"sha256": good, "notary": "链" * 201},
        {"sha256": good, "extra": 1},
        good,
    ):
        body = {"name": "a.pdf", "size": 10, "notarised": notarised}
        status, answer = await t.plaintiff.status(
            "POST", f"/exhibits/{exhibit['id']}/uploads", body
        )
        assert status == 422, (notarised, answer)
        assert answer["error"]["code"] == "invalid_request", answer
    async with database.session() as db:
        assert await db.scalar(select(func.count()).select_from(ExhibitUpload)) == 0
