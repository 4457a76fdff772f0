"""An exhibit file's pages as pictures for the screen (docs/architecture.md#exhibits): page n of
a PDF, or an image as its one page, upright and without its metadata, as WebP at one of a few
widths. Drawn on the first request under the evidence budget (exhibit_pictures.py), once at a
time in this process, and kept in storage, so any later request is a plain read. Reached as the
file itself is (exhibit_file_access.py) and audited as a view of it, with the page."""

from __future__ import annotations

import asyncio

from aiohttp import web
from pydantic import Field

from evidence import Refusal, Refused
from hearing_server.api.errors import ApiError
from hearing_server.api.exhibit_file_access import LinkQuery, file_access
from hearing_server.api.file_response import StoredFileResponse
from hearing_server.api.routing import Api, Binary, Ctx
from hearing_server.audit import audit
from hearing_server.exhibit_pictures import DEFAULT_WIDTH, WIDTHS, page_key, pictured, stored_page
from hearing_server.exhibit_store import exhibit_limits
from hearing_server.keyed_locks import KeyedLocks
from hearing_server.keys import SETTINGS
from hearing_server.records.archive import recording_storage

DRAWING = KeyedLocks()
"""Pictures being drawn in this process, by storage key: a second request for the same one
waits for the first and then reads what it stored."""


class PageQuery(LinkQuery):
    width: int = Field(
        default=DEFAULT_WIDTH,
        description=f"Pixels: one of {', '.join(map(str, WIDTHS))} (400 otherwise).",
    )


def register(api: Api) -> None:
    @api.route(
        "GET",
        "/exhibit-files/{exhibit_file_id}/pages/{page}",
        summary="A page of an exhibit file (a PDF's, or an image as its page 1) as a picture",
        tag="exhibits",
        query=PageQuery,
        binary=Binary("image/webp", "the page, drawn to the width asked for"),
        errors=(409, 503),
        signed_links=True,
    )
    async def get_exhibit_page(ctx: Ctx, query: PageQuery) -> web.StreamResponse:
        access = await file_access(ctx, query.link)
        row, number = access.file, ctx.ids["page"]
        if query.width not in WIDTHS:
            raise ApiError(
                400,
                "bad_width",
                f"width must be one of {', '.join(map(str, WIDTHS))}, not {query.width}",
            )
        if not pictured(row.media_type):
            raise ApiError(
                409,
                "no_pages",
                f"a file of type {row.media_type} has no pages; play it at "
                f"/api/v1/exhibit-files/{row.id}",
            )
        if row.pages is not None and number > row.pages:
            raise _no_such_page(f"there is no page {number}: this file has {row.pages}")
        settings = ctx.request.app[SETTINGS]
        storage = recording_storage(settings)
        key = page_key(row.sha256, query.width, number)
        async with DRAWING.hold(key):
            try:
                size, drawn = await asyncio.to_thread(
                    stored_page,
                    storage,
                    row.sha256,
                    row.media_type,
                    number,
                    query.width,
                    exhibit_limits(settings),
                )
            except Refused as refused:
                if refused.code is Refusal.NO_SUCH_PAGE:
                    raise _no_such_page(refused.message) from refused
                raise ApiError(422, str(refused.code), refused.message) from refused
            except OSError as exc:
                raise ApiError(
                    503, "storage_unavailable", "the page cannot be drawn or read now"
                ) from exc
        audit(
            ctx.db,
            access.standing.who.label,
            "view_exhibit_page",
            "exhibit_file",
            row.id,
            ctx.client_ip,
            {
                "exhibit_id": access.exhibit.id,
                "sha256": row.sha256,
                "page": number,
                "width": query.width,
                "drawn_now": drawn,
                "via": access.via,
            },
        )
        headers = {
            "Content-Type": "image/webp",
            "Cache-Control": "private, max-age=3600",
            "ETag": f'"{row.sha256}-{query.width}-{number}"',
            "X-Content-Type-Options": "nosniff",
        }
        return StoredFileResponse(storage, key, 0, size, status=200, headers=headers)


def _no_such_page(message: str) -> ApiError:
    return ApiError(404, "no_such_page", message)
