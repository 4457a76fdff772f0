"""A recording's archive video: streamed with byte ranges (a <video> element seeks with
them) or downloaded, with the caller's credentials or a short-lived signed link
(recording_links.py) that stands for them. Every request is written to the audit log with
the bytes it got."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from datetime import datetime

from aiohttp import web
from pydantic import BaseModel, Field

from hearing_server.api import recording_links
from hearing_server.api.errors import ApiError
from hearing_server.api.file_response import StoredFileResponse, asked_range, content_disposition
from hearing_server.api.link_access import link_principal
from hearing_server.api.recording_access import Access, retrieve
from hearing_server.api.routing import Api, Binary, Ctx
from hearing_server.audit import audit
from hearing_server.db.models import Recording
from hearing_server.keys import SETTINGS
from hearing_server.records.archive import recording_storage
from recording.storage import Storage


class ArchiveQuery(BaseModel):
    download: bool = Field(
        default=False, description="Save as a file (attachment) instead of playing inline."
    )
    by: str | None = Field(
        default=None,
        max_length=40,
        description="Signed link (from POST …/archive/link): whom it was made for.",
    )
    expires: int | None = Field(
        default=None, ge=0, le=2**40, description="Signed link: when it expires (UNIX seconds)."
    )
    signature: str | None = Field(
        default=None,
        max_length=100,
        description="Signed link: its HMAC. With by and expires it stands for the credentials "
        "of whom it was made for; a changed or expired link gets 403.",
    )


class ArchiveLink(BaseModel):
    url: str = Field(
        description="Streams the archive (Range requests, so a <video> element can seek) "
        "without credentials until it expires; add `&download=true` to save it."
    )
    expires_at: datetime


def register(api: Api) -> None:
    @api.route(
        "GET",
        "/recordings/{recording_id}/archive",
        summary="Stream or download the archive video",
        tag="recordings",
        query=ArchiveQuery,
        binary=Binary("video/mp4", "the archive video (H.264 + AAC, MP4)", ranges=True),
        errors=(409, 503),
        signed_links=True,
    )
    async def stream_archive(ctx: Ctx, query: ArchiveQuery) -> web.StreamResponse:
        via = await _present_link(ctx, query)
        access = await retrieve(ctx)
        recording, who = access.recording, access.who
        key = recording.archive_path
        if key is None:
            raise _no_archive_yet(recording)
        storage = recording_storage(ctx.request.app[SETTINGS])
        size = await _stored_size(storage, key)
        etag = f'"{recording.archive_sha256}"' if recording.archive_sha256 else None
        part = asked_range(ctx.request, size, etag)
        headers = _archive_headers(access, ctx, query.download, etag)
        start, length = (0, size) if part is None else (part.start, part.length)
        if part is not None:
            headers["Content-Range"] = part.content_range(size)
        audit(
            ctx.db,
            who.label,
            "download_recording" if query.download else "stream_recording",
            "recording",
            recording.id,
            ctx.client_ip,
            {
                "range": f"bytes {start}-{start + length - 1}/{size}",
                "bytes": length,
                "via": via,
            },
        )
        return StoredFileResponse(
            storage, key, start, length, status=200 if part is None else 206, headers=headers
        )

    @api.route(
        "POST",
        "/recordings/{recording_id}/archive/link",
        summary="A link to the archive video that works for a few minutes without credentials, "
        "for a browser's <video> element (which cannot send them)",
        tag="recordings",
        response=ArchiveLink,
        status=201,
        errors=(503,),
    )
    async def link_archive(ctx: Ctx) -> ArchiveLink:
        access = await retrieve(ctx)
        recording, who = access.recording, access.who
        if recording.archive_path is None:
            raise _no_archive_yet(recording)
        key = await _link_secret(ctx)
        query, expires = recording_links.signed_query(key, recording.id, who, time.time())
        expires_at = datetime.fromtimestamp(expires, dt.UTC)
        audit(
            ctx.db,
            who.label,
            "link_recording",
            "recording",
            recording.id,
            ctx.client_ip,
            {"expires_at": expires_at.isoformat()},
        )
        return ArchiveLink(
            url=f"/api/v1/recordings/{recording.id}/archive?{query}", expires_at=expires_at
        )


async def _present_link(ctx: Ctx, query: ArchiveQuery) -> str:
    """How the caller came: with a signed link in the query (checked, it stands for the
    credentials of whom it was made for) or with their own credentials."""
    if query.by is None and query.expires is None and query.signature is None:
        return "credentials"
    secret = await _link_secret(ctx)
    match = recording_links.check(
        secret, ctx.ids["recording_id"], query.by, query.expires, query.signature
    )
    ctx.principal = await link_principal(ctx.db, match)
    return "signed_link"


def _archive_headers(access: Access, ctx: Ctx, download: bool, etag: str | None) -> dict[str, str]:
    headers = {
        "Content-Type": "video/mp4",
        "Accept-Ranges": "bytes",
        "Cache-Control": "private, no-cache",
        "Content-Disposition": content_disposition(
            "attachment" if download else "inline",
            _download_name(access, ctx),
            f"hearing-{access.hearing.id}-recording-{access.recording.id}.mp4",
        ),
    }
    if etag is not None:
        headers["ETag"] = etag
    return headers


def _no_archive_yet(recording: Recording) -> ApiError:
    return ApiError(
        409,
        "not_ready",
        f"recording {recording.id} has no archive video yet (it is {recording.state})",
    )


async def _link_secret(ctx: Ctx) -> bytes:
    path = ctx.request.app[SETTINGS].signing_key_path
    try:
        return await asyncio.to_thread(recording_links.secret, path)
    except (OSError, ValueError) as exc:
        raise ApiError(
            503, "signing_key_unavailable", f"signed links are unavailable: {exc}"
        ) from exc


async def _stored_size(storage: Storage, key: str) -> int:
    try:
        return await asyncio.to_thread(storage.size, key)
    except (OSError, ValueError) as exc:
        raise ApiError(
            404,
            "archive_missing",
            "the archive video is missing from storage; check the recording with /verify",
        ) from exc


def _download_name(access: Access, ctx: Ctx) -> str:
    """E.g. "(2026)浙0402民初1234号 2026-03-01 庭审录像 3.mp4": the case number is how a
    court files things; the date and recording number tell one hearing's video from another."""
    when = access.recording.started_at or access.hearing.scheduled_start
    day = when.astimezone(ctx.request.app[SETTINGS].zone).date().isoformat()
    return f"{access.case.number} {day} 庭审录像 {access.recording.id}.mp4"
