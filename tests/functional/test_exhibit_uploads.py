"""Exhibit files (docs/architecture.md#exhibits): uploaded in chunks that survive a dropped
connection, inspected, stored once by SHA-256, downloaded with byte ranges by whoever sees the
exhibit, every download audited; every refusal, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import io
from collections.abc import AsyncIterator, Mapping
from typing import Any

import numpy as np
from PIL import Image
from sqlalchemy import select, update

from config import Settings
from court.states import HearingState
from hearing_server.db.database import Database
from hearing_server.db.models import (
    AuditEntry,
    ExhibitUpload,
    Hearing,
    HearingEvent,
)
from tests.callers import Caller, NewCaller, expire_invitation, holder, invite, schedule_hearing
from tests.functional.test_exhibits_api import submit, trial
from tests.pdf_files import made_by_pdfium
from tests.unit.test_evidence_files import png_claiming

CHUNK = 1024


def picture(format: str = "JPEG", width: int = 320, height: int = 240) -> bytes:
    """A noisy photo: large enough to take several chunks."""
    noise = np.random.default_rng(7).integers(0, 256, (height, width, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(noise).save(buffer, format=format)
    return buffer.getvalue()


async def start(
    caller: Caller, exhibit_id: int, name: str, size: int, expect: int = 201
) -> dict[str, Any]:
    status, body = await caller.status(
        "POST", f"/exhibits/{exhibit_id}/uploads", {"name": name, "size": size}
    )
    assert status == expect, body
    return dict(body)


async def send(
    caller: Caller,
    upload_id: int,
    offset: int | str | None,
    data: Any,
    content_type: str = "application/octet-stream",
) -> tuple[int, Any, Mapping[str, str]]:
    """PATCH a chunk; the status, JSON body and headers of the answer."""
    headers = {**caller.credentials(), "Content-Type": content_type}
    if offset is not None:
        headers["Upload-Offset"] = str(offset)
    response = await caller.client.patch(f"/api/v1/uploads/{upload_id}", data=data, headers=headers)
    body = await response.json() if response.content_type == "application/json" else None
    return response.status, body, response.headers


async def upload(
    caller: Caller, exhibit_id: int, name: str, data: bytes, chunk: int = CHUNK
) -> dict[str, Any]:
    """The whole file in chunks; the last answer."""
    started = await start(caller, exhibit_id, name, len(data))
    offset, answer = 0, started
    while offset < len(data):
        status, answer, _ = await send(
            caller, started["upload_id"], offset, data[offset : offset + chunk]
        )
        assert status == 200, answer
        offset = answer["offset"]
    return answer


async def fetch(
    caller: Caller, file_id: int, headers: dict[str, str] | None = None, query: str = ""
) -> tuple[int, bytes, Mapping[str, str]]:
    response = await caller.client.get(
        f"/api/v1/exhibit-files/{file_id}{query}",
        headers={**caller.credentials(), **(headers or {})},
    )
    return response.status, await response.read(), response.headers


async def test_a_party_uploads_a_pdf_and_a_photo_in_chunks_through_a_dropped_connection(
    judge: Caller, new_caller: NewCaller, database: Database, settings: Settings
) -> None:
    t = await trial(judge, new_caller)
    exhibit = await submit(t.plaintiff, t.case_id)
    document = made_by_pdfium(40)
    assert len(document) > 3 * CHUNK
    started = await start(t.plaintiff, exhibit["id"], "买卖合同.pdf", len(document))
    assert (started["offset"], started["size"], started["file"]) == (0, len(document), None)
    assert started["chunk_size"] > 0
    upload_id = started["upload_id"]
    # two chunks, then the line drops in the middle of the third
    for offset in (0, CHUNK):
        status, body, _ = await send(
            t.plaintiff, upload_id, offset, document[offset : offset + CHUNK]
        )
        assert status == 200 and body["offset"] == offset + CHUNK and body["file"] is None
    # nothing of the file is visible while it is incomplete
    assert (await t.plaintiff.call("GET", f"/exhibits/{exhibit['id']}"))["files"] == []
    # back on line: the phone asks where it stands, and a chunk sent again is refused with it
    state = await t.plaintiff.call("GET", f"/uploads/{upload_id}")
    assert state["offset"] == 2 * CHUNK
    status, body, headers = await send(t.plaintiff, upload_id, CHUNK, document[CHUNK:])
    assert status == 409 and body["error"]["code"] == "wrong_offset"
    assert headers["Upload-Offset"] == str(2 * CHUNK)
    assert body["error"]["details"] == [{"offset": 2 * CHUNK}]
    status, body, _ = await send(t.plaintiff, upload_id, 2 * CHUNK, document[2 * CHUNK :])
    assert status == 200 and body["offset"] == len(document)
    stored = body["file"]
    sha = hashlib.sha256(document).hexdigest()
    assert stored["sha256"] == sha and stored["media_type"] == "application/pdf"
    assert (stored["size_bytes"], stored["seq"], stored["display_name"]) == (
        len(document),
        1,
        "买卖合同.pdf",
    )
    assert (await t.plaintiff.call("GET", f"/uploads/{upload_id}"))["file"] == stored
    assert (await t.plaintiff.call("GET", f"/exhibits/{exhibit['id']}"))["files"] == [stored]
    assert (settings.recordings_dir / "exhibits" / sha).read_bytes() == document
    assert not list(settings.uploads_dir.glob("*.part"))
    status, body, _ = await send(t.plaintiff, upload_id, len(document), b"")
    assert status == 409 and body["error"]["code"] == "upload_finished"

    photo = picture()
    by_agent = await upload(t.agent, exhibit["id"], "IMG_0001.JPG", photo, chunk=7000)
    assert by_agent["file"]["media_type"] == "image/jpeg" and by_agent["file"]["seq"] == 2

    # downloads: the whole file, a range, inline or as an attachment
    status, data, headers = await fetch(t.plaintiff, stored["id"])
    assert status == 200 and data == document
    assert headers["Content-Type"] == "application/pdf"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Accept-Ranges"] == "bytes" and headers["ETag"] == f'"{sha}"'
    assert headers["Content-Disposition"].startswith("inline; ")
    assert "filename*=UTF-8''%E4%B9%B0" in headers["Content-Disposition"]
    status, data, headers = await fetch(t.agent, stored["id"], {"Range": "bytes=100-199"})
    assert status == 206 and data == document[100:200]
    assert headers["Content-Range"] == f"bytes 100-199/{len(document)}"
    status, data, headers = await fetch(
        judge, by_agent["file"]["id"], {"Range": "bytes=-10"}, "?download=true"
    )
    assert status == 206 and data == photo[-10:]
    assert headers["Content-Disposition"].startswith("attachment; ")
    assert headers["Content-Type"] == "image/jpeg"
    status, _, headers = await fetch(
        judge, by_agent["file"]["id"], {"Range": f"bytes={len(photo)}-"}
    )
    assert status == 416 and headers["Content-Range"] == f"bytes */{len(photo)}"
    # the other side once the evidence is exchanged
    assert (await fetch(t.defendant, stored["id"]))[0] == 404
    await judge.call("POST", f"/cases/{t.case_id}/exchange/open")
    assert (await fetch(t.defendant, stored["id"]))[1] == document

    async with database.session() as db:
        audits = list(await db.scalars(select(AuditEntry).order_by(AuditEntry.id)))
        events = list(
            await db.scalars(select(HearingEvent).where(HearingEvent.kind == "exhibit_file_added"))
        )
    downloads = [a for a in audits if a.action in ("view_exhibit_file", "download_exhibit_file")]
    assert [(a.action, a.detail["bytes"] if a.detail else None) for a in downloads] == [
        ("view_exhibit_file", len(document)),
        ("view_exhibit_file", 100),
        ("download_exhibit_file", 10),
        ("view_exhibit_file", len(document)),
    ]
    assert downloads[0].actor.startswith("participant:") and downloads[2].actor.startswith("user:")
    added = [a for a in audits if a.action == "add_exhibit_file"]
    assert [a.detail["sha256"] for a in added if a.detail] == [sha, by_agent["file"]["sha256"]]
    assert len(events) == 2 and events[0].to_value == "Plaintiff's exhibit 1"


async def test_the_same_bytes_are_stored_once(
    judge: Caller, clerk: Caller, new_caller: NewCaller, database: Database, settings: Settings
) -> None:
    t = await trial(judge, new_caller)
    first = await submit(t.plaintiff, t.case_id)
    court = await submit(clerk, t.case_id, "调取的合同")
    document = made_by_pdfium(2)
    a = await upload(t.plaintiff, first["id"], "合同.pdf", document)
    b = await upload(clerk, court["id"], "copy.pdf", document)
    c = await upload(t.plaintiff, first["id"], "again.pdf", document)
    assert a["file"]["sha256"] == b["file"]["sha256"] == c["file"]["sha256"]
    assert len({a["file"]["id"], b["file"]["id"], c["file"]["id"]}) == 3
    assert [p.name for p in (settings.recordings_dir / "exhibits").iterdir()] == [
        a["file"]["sha256"]
    ]
    async with database.session() as db:
        added = list(
            await db.scalars(select(AuditEntry).where(AuditEntry.action == "add_exhibit_file"))
        )
    assert [e.detail["stored_now"] for e in added if e.detail] == [True, False, False]
    assert (await fetch(clerk, b["file"]["id"]))[1] == document


async def test_the_content_decides_the_type_and_a_refused_file_leaves_nothing(
    judge: Caller, new_caller: NewCaller, database: Database, settings: Settings
) -> None:
    t = await trial(judge, new_caller)
    exhibit = await submit(t.defendant, t.case_id)
    png = picture("PNG", 40, 30)
    named = "../../etc/\u202eevil\x07" + "证" * 300 + ".pdf"
    accepted = await upload(t.defendant, exhibit["id"], named, png)
    assert accepted["file"]["media_type"] == "image/png"
    assert accepted["file"]["original_name"] == named
    shown = accepted["file"]["display_name"]
    assert "/" not in shown and "\u202e" not in shown and "\x07" not in shown
    assert shown.endswith(".pdf") and len(shown.encode()) <= 255
    status, _, headers = await fetch(t.defendant, accepted["file"]["id"])
    assert status == 200 and headers["Content-Type"] == "image/png"

    text = b"%PDF? no: just a letter that claims to be a contract.\n" * 50
    started = await start(t.defendant, exhibit["id"], "contract.pdf", len(text))
    status, body, _ = await send(t.defendant, started["upload_id"], 0, text[:1000])
    assert status == 200
    status, body, _ = await send(t.defendant, started["upload_id"], 1000, text[1000:])
    assert status == 415 and body["error"]["code"] == "unsupported_type"
    assert "PDF, JPEG" in body["error"]["message"]
    assert (await t.defendant.status("GET", f"/uploads/{started['upload_id']}"))[0] == 404
    files = (await t.defendant.call("GET", f"/exhibits/{exhibit['id']}"))["files"]
    assert [f["id"] for f in files] == [accepted["file"]["id"]]
    assert not list(settings.uploads_dir.glob("*.part"))
    async with database.session() as db:
        refused = list(
            await db.scalars(select(AuditEntry).where(AuditEntry.action == "refuse_exhibit_file"))
        )
        waiting = list(await db.scalars(select(ExhibitUpload.id)))
    assert [r.detail["code"] if r.detail else None for r in refused] == ["unsupported_type"]
    assert waiting == [accepted["upload_id"]]  # finished: kept until it expires, for asking
    # a PDF that is cut short is refused as such
    broken = made_by_pdfium(3)[:-200]
    started = await start(t.defendant, exhibit["id"], "broken.pdf", len(broken))
    status, body, _ = await send(t.defendant, started["upload_id"], 0, broken)
    assert status == 422 and body["error"]["code"] == "bad_pdf"
    assert "details" not in body["error"]
    # a refusal over a limit names it, and the file's own value, in the details
    bomb = png_claiming(100_000, 100_000)
    started = await start(t.defendant, exhibit["id"], "bomb.png", len(bomb))
    status, body, _ = await send(t.defendant, started["upload_id"], 0, bomb)
    assert status == 422 and body["error"]["code"] == "too_many_pixels"
    limit = {"limit": settings.exhibit_max_pixels, "unit": "pixels", "actual": 10**10}
    assert body["error"]["details"] == [limit]
    async with database.session() as db:
        last = await db.scalar(
            select(AuditEntry)
            .where(AuditEntry.action == "refuse_exhibit_file")
            .order_by(AuditEntry.id.desc())
        )
    assert last is not None and last.detail == {
        "code": "too_many_pixels",
        "name": "bomb.png",
        **limit,
    }


async def test_offsets_sizes_and_headers_are_checked(
    judge: Caller, new_caller: NewCaller, settings: Settings
) -> None:
    t = await trial(judge, new_caller)
    exhibit = await submit(t.plaintiff, t.case_id)
    path = f"/exhibits/{exhibit['id']}/uploads"
    for bad in [
        {"name": "a.pdf", "size": -1},
        {"name": "a.pdf", "size": 0},
        {"name": "a.pdf", "size": 2**60},
        {"name": "a.pdf"},
        {"size": 10},
        {"name": "", "size": 10},
        {"name": "a.pdf", "size": "ten"},
        {"name": "a.pdf", "size": 10, "sha256": "0" * 64},
    ]:
        assert (await t.plaintiff.status("POST", path, bad))[0] == 422, bad
    status, body = await t.plaintiff.status(
        "POST", path, {"name": "film.mp4", "size": settings.exhibit_max_bytes + 1}
    )
    assert status == 413 and body["error"]["code"] == "too_large"
    limit, size = settings.exhibit_max_bytes, settings.exhibit_max_bytes + 1
    assert body["error"]["details"] == [{"limit": limit, "unit": "bytes", "actual": size}]
    started = await start(t.plaintiff, exhibit["id"], "a.pdf", 100)
    upload_id = started["upload_id"]
    status, body, _ = await send(t.plaintiff, upload_id, 0, b"x" * 101)
    assert status == 413 and body["error"]["code"] == "past_declared_size"

    async def streamed() -> AsyncIterator[bytes]:  # no Content-Length: found out on the way
        for _ in range(3):
            yield b"y" * 40

    status, body, _ = await send(t.plaintiff, upload_id, 0, streamed())
    assert status == 413 and body["error"]["code"] == "past_declared_size"
    assert (await t.plaintiff.call("GET", f"/uploads/{upload_id}"))["offset"] == 0
    status, body, headers = await send(t.plaintiff, upload_id, 5, b"x")
    assert status == 409 and headers["Upload-Offset"] == "0"
    for offset in (None, "", "abc", "-1", "1.5", "0x10", "9" * 30, " ", "1e3"):
        status, body, _ = await send(t.plaintiff, upload_id, offset, b"x")
        assert status == 400 and body["error"]["code"] == "bad_header", offset
    status, body, _ = await send(t.plaintiff, upload_id, 0, b"x", content_type="text/plain")
    assert status == 415
    status, body, _ = await send(t.plaintiff, upload_id, 0, b"x" * 60)
    assert status == 200 and body["offset"] == 60
    status, body, _ = await send(t.plaintiff, upload_id, 60, b"")
    assert status == 200 and body["offset"] == 60
    for missing in ("/uploads/999999", "/uploads/0", "/uploads/abc", "/exhibit-files/999999"):
        assert (await t.plaintiff.status("GET", missing))[0] == 404, missing
    status, _, _ = await send(t.plaintiff, 999999, 0, b"x")
    assert status == 404


async def test_only_the_exhibits_own_side_uploads_and_only_those_who_see_it_download(
    judge: Caller,
    clerk: Caller,
    anon: Caller,
    new_caller: NewCaller,
    database: Database,
    settings: Settings,
) -> None:
    t = await trial(judge, new_caller)
    exhibit = await submit(t.plaintiff, t.case_id)
    done = await upload(t.plaintiff, exhibit["id"], "a.pdf", made_by_pdfium(1))
    file_id = done["file"]["id"]
    other = await schedule_hearing(judge, "(2026)A民初2号")
    stranger = await holder(
        new_caller, (await invite(judge, other["id"], side="plaintiff"))["invitation"]["token"]
    )
    for caller, adds, reads in [
        (t.defendant, 404, 404),  # before the exchange it does not exist for them
        (stranger, 404, 404),
        (t.observer, 403, 403),
        (t.witness, 403, 403),
        (judge, 403, 200),  # the bench sees it but does not add to a party's list
        (clerk, 403, 200),
        (anon, 401, 401),
    ]:
        assert await start(caller, exhibit["id"], "b.pdf", 10, expect=adds)
        assert (await fetch(caller, file_id))[0] == reads
    # an upload is continued only by whoever started it, even on the same side
    mine = await start(t.plaintiff, exhibit["id"], "c.pdf", 10)
    assert (await t.agent.status("GET", f"/uploads/{mine['upload_id']}"))[0] == 404
    assert (await send(t.agent, mine["upload_id"], 0, b"x"))[0] == 404
    assert (await send(judge, mine["upload_id"], 0, b"x"))[0] == 404
    assert (await send(anon, mine["upload_id"], 0, b"x"))[0] == 401
    # the court's own list: staff upload to it
    court = await submit(clerk, t.case_id, "调取")
    assert (await upload(judge, court["id"], "bank.png", picture("PNG", 8, 8)))["file"]
    assert await start(t.plaintiff, court["id"], "x.pdf", 10, expect=403)
    # after the exchange the other side sees it, and still adds nothing to it
    await judge.call("POST", f"/cases/{t.case_id}/exchange/open")
    assert (await fetch(t.defendant, file_id))[0] == 200
    assert await start(t.defendant, exhibit["id"], "d.pdf", 10, expect=403)
    # a withdrawn exhibit takes no more files, nor chunks of an upload begun before
    await t.plaintiff.call("POST", f"/exhibits/{exhibit['id']}/withdraw")
    status, body = await t.plaintiff.status(
        "POST", f"/exhibits/{exhibit['id']}/uploads", {"name": "e.pdf", "size": 10}
    )
    assert status == 409 and body["error"]["code"] == "withdrawn"
    status, body, _ = await send(t.plaintiff, mine["upload_id"], 0, b"x")
    assert status == 409 and body["error"]["code"] == "withdrawn"
    # an expired invitation
    await expire_invitation(database, t.defendant_id)
    assert (await fetch(t.defendant, file_id))[0] == 401
    second = await submit(t.agent, t.case_id)
    # once the hearing is closed, nothing more is uploaded; what was is still seen
    async with database.session() as db:
        await db.execute(
            update(Hearing).where(Hearing.id == t.hearing_id).values(state=HearingState.CLOSED)
        )
        await db.commit()
    status, body = await t.plaintiff.status(
        "POST", f"/exhibits/{second['id']}/uploads", {"name": "f.pdf", "size": 10}
    )
    assert status == 403 and "closed" in body["error"]["message"]
    assert (await fetch(t.plaintiff, file_id))[0] == 200
