"""An exhibit's file (docs/architecture.md#exhibits), shown inline or downloaded, with byte
ranges (a viewer seeks in a clip, a phone resumes a download), to whoever sees the exhibit
(exhibit_file_access.py), with their credentials or a signed link standing for them. Every
request is written to the audit log with the bytes it got, as for recordings."""

from __future__ import annotations

import asyncio
import mimetypes

from aiohttp import web
from pydantic import Field

from hearing_server.api.errors import ApiError
from hearing_server.api.exhibit_file_access import LinkQuery, file_access
from hearing_server.api.file_response import StoredFileResponse, asked_range, content_disposition
from hearing_server.api.routing import Api, Binary, Ctx
from hearing_server.audit import audit
from hearing_server.exhibit_store import exhibit_key
from hearing_server.keys import SETTINGS
from hearing_server.records.archive import recording_storage
from recording.storage import Storage

MEDIA_TYPES = (
    "application/pdf",
    "image/jpeg",
    "image/png",
    "image/webp",
    "audio/mpeg",
    "audio/mp4",
    "audio/wav",
    "video/mp4",
)
"""What evidence.inspect_file accepts a file as."""


class ExhibitFileQuery(LinkQuery):
    download: bool = Field(
        default=False, description="Save as a file (attachment) instead of showing it inline."
    )


def register(api: Api) -> None:
    @api.route(
        "GET",
        "/exhibit-files/{exhibit_file_id}",
        summary="Show or download an exhibit's file",
        tag="exhibits",
        query=ExhibitFileQuery,
        binary=Binary(
            MEDIA_TYPES[0], "the file as uploaded", ranges=True, other_types=MEDIA_TYPES[1:]
        ),
        errors=(503,),
        signed_links=True,
    )
    async def get_exhibit_file(ctx: Ctx, query: ExhibitFileQuery) -> web.StreamResponse:
        access = await file_access(ctx, query.link)
        row, exhibit = access.file, access.exhibit
        storage = recording_storage(ctx.request.app[SETTINGS])
        key = exhibit_key(row.sha256)
        size = await _stored_size(storage, key)
        etag = f'"{row.sha256}"'
        part = asked_range(ctx.request, size, etag)
        start, length = (0, size) if part is None else (part.start, part.length)
        fallback = (
            f"exhibit-{exhibit.id}-file-{row.seq}{mimetypes.guess_extension(row.media_type) or ''}"
        )
        headers = {
            "Content-Type": row.media_type,
            "Accept-Ranges": "bytes",
            "Cache-Control": "private, no-cache",
            "ETag": etag,
            "X-Content-Type-Options": "nosniff",
            "Content-Disposition": content_disposition(
                "attachment" if query.download else "inline", row.display_name, fallback
            ),
        }
        if part is not None:
            headers["Content-Range"] = part.content_range(size)
        audit(
            ctx.db,
            access.standing.who.label,
            "download_exhibit_file" if query.download else "view_exhibit_file",
            "exhibit_file",
            row.id,
            ctx.client_ip,
            {
                "exhibit_id": exhibit.id,
                "sha256": row.sha256,
                "range": f"bytes {start}-{start + length - 1}/{size}",
                "bytes": length,
                "via": access.via,
            },
        )
        return StoredFileResponse(
            storage, key, start, length, status=200 if part is None else 206, headers=headers
        )


async def _stored_size(storage: Storage, key: str) -> int:
    try:
        return await asyncio.to_thread(storage.size, key)
    except (OSError, ValueError) as exc:
        raise ApiError(
            404, "file_missing", "the file is missing from storage; the clerk must restore it"
        ) from exc
