"""Exhibit uploads that do not go to plan (docs/architecture.md#exhibits): a connection cut in
the middle of a chunk, an upload left unfinished; on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import UTC, datetime, timedelta

from aiohttp.test_utils import TestServer
from sqlalchemy import select, update

from config import Settings
from hearing_server.api.chunk_body import PIECE
from hearing_server.db.database import Database
from hearing_server.db.models import ExhibitFile, ExhibitUpload
from tests.callers import Caller, NewCaller
from tests.functional.test_exhibit_uploads import fetch, picture, send, start
from tests.functional.test_exhibits_api import submit, trial


async def test_an_upload_left_unfinished_expires_with_its_bytes(
    judge: Caller, new_caller: NewCaller, database: Database, settings: Settings
) -> None:
    t = await trial(judge, new_caller)
    exhibit = await submit(t.plaintiff, t.case_id)
    left = await start(t.plaintiff, exhibit["id"], "a.pdf", 100)
    forgotten = await start(t.plaintiff, exhibit["id"], "b.pdf", 100)
    for started in (left, forgotten):
        assert (await send(t.plaintiff, started["upload_id"], 0, b"x" * 10))[0] == 200
    assert len(list(settings.uploads_dir.glob("*.part"))) == 2
    async with database.session() as db:
        await db.execute(
            update(ExhibitUpload).values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
        await db.commit()
    status, body = await t.plaintiff.status("GET", f"/uploads/{left['upload_id']}")
    assert status == 404 and body["error"]["code"] == "upload_expired"
    assert len(list(settings.uploads_dir.glob("*.part"))) == 1
    await start(t.plaintiff, exhibit["id"], "c.pdf", 100)  # sweeps what expired
    assert not list(settings.uploads_dir.glob("*.part"))
    async with database.session() as db:
        waiting = list(await db.scalars(select(ExhibitUpload.original_name)))
        files = list(await db.scalars(select(ExhibitFile.id)))
    assert waiting == ["c.pdf"] and files == []


async def test_a_connection_cut_in_the_middle_of_a_chunk_keeps_what_arrived(
    judge: Caller, new_caller: NewCaller, server: TestServer
) -> None:
    t = await trial(judge, new_caller)
    exhibit = await submit(t.plaintiff, t.case_id)
    photo = picture(width=2400, height=1800)
    half = len(photo) // 2
    assert half > PIECE  # so that the server writes some of it out while the rest is awaited
    started = await start(t.plaintiff, exhibit["id"], "photo.jpg", len(photo))
    upload_id = started["upload_id"]
    _, writer = await asyncio.open_connection(server.host, server.port)
    writer.write(
        f"PATCH /api/v1/uploads/{upload_id} HTTP/1.1\r\nHost: courts.test\r\n"
        f"Authorization: Invitation {t.plaintiff.invitation}\r\n"
        "Content-Type: application/octet-stream\r\nUpload-Offset: 0\r\n"
        f"Content-Length: {len(photo)}\r\n\r\n".encode()
        + photo[:half]
    )
    await writer.drain()
    for _ in range(200):
        if (await t.plaintiff.call("GET", f"/uploads/{upload_id}"))["offset"]:
            break
        await asyncio.sleep(0.05)
    writer.close()  # the phone loses its line half way through
    await writer.wait_closed()
    for _ in range(200):  # the server notices, and keeps what came
        state = await t.plaintiff.call("GET", f"/uploads/{upload_id}")
        if state["offset"] == half:
            break
        await asyncio.sleep(0.05)
    assert state["offset"] == half
    status, body, _ = await send(t.plaintiff, upload_id, half, photo[half:])
    assert status == 200, body
    assert body["file"]["sha256"] == hashlib.sha256(photo).hexdigest()
    assert (await fetch(t.plaintiff, body["file"]["id"]))[1] == photo
