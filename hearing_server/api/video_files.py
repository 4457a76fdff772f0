"""A staggered hearing's recorded video played from the recordings' storage
(docs/architecture.md#staggered-hearings): a party's statement (turns_api.py) or the court's
recorded question (questions_api.py), with byte ranges (a ``<video>`` seeks), its SHA-256 as the
ETag, and every request audited with the range sent. Who may see it is the caller's."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from aiohttp import web

from hearing_server.api.errors import ApiError
from hearing_server.api.file_response import StoredFileResponse, asked_range, content_disposition
from hearing_server.api.routing import Binary, Ctx
from hearing_server.audit import audit
from hearing_server.keys import SETTINGS
from hearing_server.records.archive import recording_storage
from hearing_server.statement_media import EXTENSIONS


def video_binary(what: str) -> Binary:
    """The route's description of the file it answers (WebM, or a phone's MP4)."""
    return Binary("video/webm", what, True, ("video/mp4",))


@dataclass(frozen=True)
class StoredVideo:
    key: str
    """Its key in the recordings' storage."""
    media_type: str | None
    sha256: str
    name: str
    """The file's name for a download, without its extension."""


async def play_video(
    ctx: Ctx, viewer: str, video: StoredVideo, subject: tuple[str, str, int]
) -> web.StreamResponse:
    """The range of ``video`` the request asks for (all of it else), the request audited as
    ``subject`` (action, object type, object id) by ``viewer``."""
    storage = recording_storage(ctx.request.app[SETTINGS])
    try:
        size = await asyncio.to_thread(storage.size, video.key)
    except (OSError, ValueError) as exc:
        raise ApiError(
            404, "file_missing", "the file is missing from storage; the clerk must restore it"
        ) from exc
    etag = f'"{video.sha256}"'
    part = asked_range(ctx.request, size, etag)
    start, length = (0, size) if part is None else (part.start, part.length)
    media_type = video.media_type or "video/webm"
    name = f"{video.name}.{EXTENSIONS.get(media_type, 'webm')}"
    headers = {
        "Content-Type": media_type,
        "Accept-Ranges": "bytes",
        "Cache-Control": "private, no-cache",
        "ETag": etag,
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": content_disposition("inline", name, name),
    }
    if part is not None:
        headers["Content-Range"] = part.content_range(size)
    action, object_type, object_id = subject
    audit(
        ctx.db,
        viewer,
        action,
        object_type,
        object_id,
        ctx.client_ip,
        {"sha256": video.sha256, "range": f"bytes {start}-{start + length - 1}/{size}"},
    )
    return StoredFileResponse(
        storage,
        video.key,
        start,
        length,
        status=200 if part is None else 206,
        headers=headers,
    )
