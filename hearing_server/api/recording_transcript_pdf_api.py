"""A recording's transcript PDF (docs/architecture.md#transcript), as sealed into its manifest:
read in the browser or downloaded by whoever may retrieve the recording (`recording_access.py`:
the bench of its court, parties the court granted it), with byte ranges as PDF viewers ask
for them. Every request is written to the audit log with the bytes it got."""

from __future__ import annotations

import asyncio

from aiohttp import web
from pydantic import BaseModel, Field

from hearing_server.api.errors import ApiError
from hearing_server.api.file_response import StoredFileResponse, asked_range, content_disposition
from hearing_server.api.recording_access import Access, retrieve
from hearing_server.api.routing import Api, Binary, Ctx
from hearing_server.audit import audit
from hearing_server.keys import SETTINGS
from hearing_server.records.archive import recording_storage


class TranscriptQuery(BaseModel):
    download: bool = Field(
        default=False, description="Save as a file (attachment) instead of showing it inline."
    )


def register(api: Api) -> None:
    @api.route(
        "GET",
        "/recordings/{recording_id}/transcript.pdf",
        summary="Read or download the transcript's PDF sealed with the recording",
        tag="recordings",
        query=TranscriptQuery,
        binary=Binary("application/pdf", "the confirmed transcript (PDF)", ranges=True),
    )
    async def transcript_pdf(ctx: Ctx, query: TranscriptQuery) -> web.StreamResponse:
        access = await retrieve(ctx)
        recording = access.recording
        key = recording.transcript_path
        if key is None:
            raise ApiError(
                404,
                "no_transcript",
                f"no transcript is sealed with recording {recording.id} yet: it is sealed "
                "once the participants have confirmed it and the court closed the record",
            )
        storage = recording_storage(ctx.request.app[SETTINGS])
        try:
            size = await asyncio.to_thread(storage.size, key)
        except (OSError, ValueError) as exc:
            raise ApiError(
                404,
                "transcript_missing",
                "the transcript's PDF is missing from storage; check the recording with /verify",
            ) from exc
        etag = f'"{recording.transcript_sha256}"'
        part = asked_range(ctx.request, size, etag)
        start, length = (0, size) if part is None else (part.start, part.length)
        headers = {
            "Content-Type": "application/pdf",
            "Accept-Ranges": "bytes",
            "Cache-Control": "private, no-cache",
            "X-Content-Type-Options": "nosniff",
            "ETag": etag,
            "Content-Disposition": content_disposition(
                "attachment" if query.download else "inline",
                _download_name(access, ctx),
                f"hearing-{access.hearing.id}-transcript.pdf",
            ),
        }
        if part is not None:
            headers["Content-Range"] = part.content_range(size)
        audit(
            ctx.db,
            access.who.label,
            "download_transcript" if query.download else "view_transcript",
            "recording",
            recording.id,
            ctx.client_ip,
            {
                "range": f"bytes {start}-{start + length - 1}/{size}",
                "bytes": length,
                "sha256": recording.transcript_sha256,
            },
        )
        return StoredFileResponse(
            storage, key, start, length, status=200 if part is None else 206, headers=headers
        )


def _download_name(access: Access, ctx: Ctx) -> str:
    """E.g. "(2026)浙0402民初1234号 2026-03-01 庭审笔录.pdf", as the archive video is named."""
    when = access.recording.started_at or access.hearing.scheduled_start
    day = when.astimezone(ctx.request.app[SETTINGS].zone).date().isoformat()
    return f"{access.case.number} {day} 庭审笔录.pdf"
