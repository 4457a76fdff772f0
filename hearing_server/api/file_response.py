"""Sending a stored file over HTTP: one byte range of it (the one the request asks for), and a
name to save it under."""

from __future__ import annotations

import asyncio
import logging
import re
from urllib.parse import quote

from aiohttp import web
from aiohttp.abc import AbstractStreamWriter
from aiohttp.web_request import BaseRequest

from hearing_server.api.byte_ranges import ByteRange, RangeNotSatisfiable, parse_range
from hearing_server.api.errors import ApiError
from recording.storage import Storage

CHUNK = 256 * 1024
log = logging.getLogger(__name__)

_UNSAFE_IN_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


class StoredFileResponse(web.StreamResponse):
    """``length`` bytes of a stored object from ``start``, read in chunks as they are sent
    (an archive may be gigabytes). Like aiohttp's FileResponse, the body goes out in
    ``prepare``, so a handler returns this and the server sends it after the handler's
    transaction has committed."""

    def __init__(
        self,
        storage: Storage,
        key: str,
        start: int,
        length: int,
        *,
        status: int,
        headers: dict[str, str],
    ) -> None:
        super().__init__(status=status, headers=headers)
        self.storage = storage
        self.key = key
        self.start = start
        self.content_length = length

    async def prepare(self, request: BaseRequest) -> AbstractStreamWriter | None:
        writer = await super().prepare(request)
        position, remaining = self.start, self.content_length or 0
        while remaining > 0:
            try:
                chunk = await asyncio.to_thread(
                    self.storage.read, self.key, position, min(CHUNK, remaining)
                )
            except OSError:
                chunk = b""
            if not chunk:
                # The headers are gone already: all that is left is to cut the connection, so
                # the client sees an incomplete body rather than waiting for the rest.
                log.warning("stored file %s unreadable from byte %d", self.key, position)
                if request.transport is not None:
                    request.transport.close()
                break
            await self.write(chunk)
            position += len(chunk)
            remaining -= len(chunk)
        return writer


def asked_range(request: BaseRequest, size: int, etag: str | None) -> ByteRange | None:
    """The byte range the request asks for of a file of ``size`` bytes; None for the whole
    file; 416 for a range it does not have."""
    asked = request.headers.get("Range")
    if_range = request.headers.get("If-Range")
    if if_range is not None and if_range != etag:
        asked = None  # the client's copy is of another file: send this one whole
    try:
        return parse_range(asked, size)
    except RangeNotSatisfiable as exc:
        raise ApiError(
            416, "range_not_satisfiable", str(exc), headers={"Content-Range": f"bytes */{size}"}
        ) from exc


def content_disposition(disposition: str, name: str, fallback: str) -> str:
    """``inline`` or ``attachment`` with ``name`` in any script (RFC 6266 / RFC 5987
    ``filename*``) and an ASCII ``fallback`` for clients that read only ``filename``."""
    safe = _UNSAFE_IN_NAME.sub("_", name).strip(" .") or fallback
    ascii_name = _UNSAFE_IN_NAME.sub("_", fallback).encode("ascii", "replace").decode()
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(safe, safe='')}"
