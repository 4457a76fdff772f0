"""A recorded video of a staggered hearing arriving in chunks (docs/architecture.md#staggered-hearings):
a party's statement (turn_uploads_api.py) or the court's recorded question
(question_uploads_api.py). What both do alike is here: one chunk at a time per upload, a chunk
only from the offset the server holds (409 with that offset in ``Upload-Offset`` else), the
expired upload gone with its bytes, and, once the last byte arrived, the file probed
(statement_media.py: 422 ``bad_media``), hashed as it arrived, and kept byte for byte in the
recordings' storage under its SHA-256. Who may continue, and what the file becomes, is the
caller's."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from aiohttp import web

from config import Settings
from hearing_server.api.chunk_body import OFFSET
from hearing_server.api.errors import ApiError
from hearing_server.api.routing import Ctx
from hearing_server.audit import audit
from hearing_server.db.models import utcnow
from hearing_server.db.staggered_rows import QuestionUpload, TurnUpload
from hearing_server.exhibit_store import exhibit_limits
from hearing_server.records.archive import recording_storage
from hearing_server.statement_media import EXTENSIONS, BadMedia, Probed, file_sha256, probe
from hearing_server.upload_folder import discard, received


@contextmanager
def one_chunk_at_a_time(busy: set[int], upload_id: int) -> Iterator[None]:
    """Refuse a second chunk of the same upload while one is arriving (in this process)."""
    if upload_id in busy:
        raise ApiError(
            409, "upload_busy", "another chunk of this upload is arriving; ask for the offset"
        )
    busy.add(upload_id)
    try:
        yield
    finally:
        busy.discard(upload_id)


def offset_answer(offset: int) -> web.Response:
    """204 with the offset reached (a chunk taken, or HEAD)."""
    return web.Response(status=204, headers={OFFSET: str(offset)})


async def offset_held(path: Path) -> int:
    return await asyncio.to_thread(received, path)


async def refuse_expired(ctx: Ctx, upload: TurnUpload | QuestionUpload, path: Path) -> None:
    """An upload past its time goes with its bytes: 404 ``upload_expired``."""
    if upload.expires_at > utcnow():
        return
    upload_id = upload.id
    await ctx.db.delete(upload)
    await ctx.db.commit()
    await asyncio.to_thread(discard, path)
    raise ApiError(404, "upload_expired", f"upload {upload_id} expired: start it again")


async def drop_refused(
    ctx: Ctx, upload: TurnUpload | QuestionUpload, path: Path, subject: tuple[str, str], why: str
) -> None:
    """A finished upload the court refused goes with its bytes, the refusal audited as
    ``subject`` (action, object type) with its code ``why``."""
    await ctx.db.delete(upload)
    action, object_type = subject
    detail = {"stage_id": upload.stage_id, "reason": why}
    audit(ctx.db, ctx.user.label, action, object_type, upload.id, ctx.client_ip, detail)
    await ctx.db.commit()
    await asyncio.to_thread(discard, path)


async def probe_video(settings: Settings, path: Path, media_type: str) -> Probed:
    """What the arrived file holds (statement_media.py), or 422 ``bad_media`` saying why."""
    try:
        return await probe(path, media_type, exhibit_limits(settings))
    except BadMedia as exc:
        raise ApiError(422, "bad_media", str(exc)) from exc


async def keep_video(
    settings: Settings, path: Path, folder: str, media_type: str, what: str
) -> tuple[str, str]:
    """Store the arrived file byte for byte at ``{folder}/{sha256}.{ext}`` in the recordings'
    storage; its key and SHA-256. Storage failing: 503 (the client sends an empty chunk at the
    end to try again; the bytes stay)."""
    sha256 = await asyncio.to_thread(file_sha256, path)
    key = f"{folder}/{sha256}.{EXTENSIONS[media_type]}"
    try:
        await asyncio.to_thread(recording_storage(settings).put, key, path)
    except OSError as exc:
        raise ApiError(
            503,
            "storage_unavailable",
            f"the {what} arrived whole but could not be stored; send an empty chunk at its "
            "end to try again",
        ) from exc
    return key, sha256
