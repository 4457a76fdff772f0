"""One chunk of an upload arriving: the request body appended to the upload's waiting file
as it comes, a bounded piece at a time, so neither a 100 MB body nor a slow phone holds
more than a piece of memory. What arrived before the connection dropped stays: the client
asks for the offset and goes on from there."""

from __future__ import annotations

import asyncio
from pathlib import Path

from aiohttp import web

from hearing_server.api.errors import ApiError
from hearing_server.api.routing import Ctx
from hearing_server.keys import SETTINGS
from hearing_server.upload_folder import append, cut_back, received

OFFSET = "Upload-Offset"
"""The header saying where a chunk starts, and, answered, the offset the server holds."""
PIECE = 1 << 20
"""Bytes gathered in memory before they are written out."""


def past_declared_size(room: int) -> ApiError:
    return ApiError(
        413,
        "past_declared_size",
        f"this chunk goes past the size declared for the upload: {room} more bytes are expected",
    )


async def receive_chunk(
    request: web.Request, path: Path, offset: int, room: int, idle_seconds: float
) -> int:
    """Append the body to `path`, which holds `offset` bytes; return the new offset.

    At most `room` bytes are taken: a Content-Length past it is refused before anything is
    read, a body that turns out longer is refused and what it added is cut back. A body that
    stops arriving for `idle_seconds` is answered 408, keeping what came.
    """
    declared = request.content_length
    if declared is not None and declared > room:
        raise past_declared_size(room)
    pending = bytearray()
    taken = 0
    try:
        while piece := await _next_piece(request, idle_seconds):
            taken += len(piece)
            if taken > room:
                pending.clear()
                await asyncio.to_thread(cut_back, path, offset)
                raise past_declared_size(room)
            pending += piece
            if len(pending) >= PIECE:
                await _flush(path, pending)
    except ConnectionError:
        pass  # the client is gone (or, where the server cancels its handler, CancelledError)
    finally:
        await _flush(path, pending)  # what arrived stays: the client resumes after it
    return offset + taken


async def _next_piece(request: web.Request, idle_seconds: float) -> bytes:
    try:
        async with asyncio.timeout(idle_seconds):
            return await request.content.readany()
    except TimeoutError as exc:
        raise ApiError(
            408,
            "request_timeout",
            f"nothing arrived for {idle_seconds:g} s; ask for the offset and send the rest",
        ) from exc


async def _flush(path: Path, pending: bytearray) -> None:
    if pending:
        await asyncio.to_thread(append, path, bytes(pending))
        pending.clear()


async def append_chunk(ctx: Ctx, path: Path, size: int, start: int) -> int:
    """Take the request's body as the bytes from ``start`` of a file of ``size`` bytes waiting
    at ``path``; the new offset. From another offset than the one held: 409 ``wrong_offset``;
    past ``size``: 413 (chunk_body.py)."""
    offset = await asyncio.to_thread(received, path)
    if start != offset:
        raise ApiError(
            409,
            "wrong_offset",
            f"the upload holds {offset} bytes: send the chunk that starts there",
            [{"offset": offset}],
            headers={OFFSET: str(offset)},
        )
    await ctx.db.commit()  # nothing of the database is held while the body arrives
    settings = ctx.request.app[SETTINGS]
    return await receive_chunk(ctx.request, path, offset, size - offset, settings.http_body_seconds)
