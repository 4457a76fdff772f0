"""The live HLS files of public hearings, served to anyone (docs/architecture.md#public-broadcast).

Only a playlist or a segment name is served, only of a hearing that is broadcast (asked of the
database at most every few seconds per hearing: a thousand viewers poll the playlist every
couple of seconds), with the caching a CDN in front needs: the playlist changes with every
segment and is cached for a second at most; a segment or a part never changes once written
(the writer renames it into place whole) and is cached for a day. Anything else is the API's
plain 404. A low-latency player's request for the playlist to come (`_HLS_msn`, `_HLS_part`)
is held until the playlist names that part, three target durations at most (503 then), as
low-latency HLS's blocking reload asks; malformed or too far ahead, 400.

The files are answered from memory (`LiveFiles`): each is read once, and again only when the
folder shows it changed (the playlist, renamed into place with each segment). aiohttp's
`FileResponse` hands a stat and an open to a thread for every request, which cost the server
~0.8 ms of CPU a request: 0.4 cores for 500 viewers, where the target is 0.3.
"""

from __future__ import annotations

import asyncio
import os
import re
import stat
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web
from sqlalchemy import select

from court.broadcast import broadcastable
from court.kinds import HearingKind
from hearing_server.api.errors import error_response
from hearing_server.broadcasts import hearing_output
from hearing_server.db.models import Hearing
from hearing_server.keys import DATABASE, SETTINGS
from recording.broadcast.playlist import PLAYLIST, SEGMENT_NAME

REMEMBER_SECONDS = 5.0
BLOCK_STEP = 0.05
"""How often a held playlist request looks again (a part lasts 0.2 s)."""
BLOCKING_NUMBER = re.compile(r"[0-9]{1,9}")
LISTED = re.compile(rb"seg-([0-9]{5,9})(?:\.([0-9]{1,3}))?\.ts")
TARGET = re.compile(rb"#EXT-X-TARGETDURATION:([0-9]{1,2})")
ENDED = b"#EXT-X-ENDLIST"
PLAYLIST_CACHE = "public, max-age=1"
SEGMENT_CACHE = "public, max-age=86400, immutable"
MEMORY_BYTES = 64 * 1024 * 1024
"""Bytes of live files held in memory, the least recently asked for dropped first: the live
window (6 segments) of about twenty broadcasts at their 1.8 Mbit/s cap."""


@dataclass(frozen=True, slots=True)
class LiveFile:
    body: bytes
    etag: str
    stamp: tuple[int, int, int]
    """Inode, modification time and size when it was read: a file renamed into place or
    rewritten differs in one."""


class LiveFiles:
    def __init__(self, limit: int = MEMORY_BYTES) -> None:
        self._limit = limit
        self._files: OrderedDict[Path, LiveFile] = OrderedDict()
        self._bytes = 0

    @property
    def held_bytes(self) -> int:
        return self._bytes

    async def get(self, path: Path) -> LiveFile | None:
        """The regular file at `path` (None if there is none), from memory while unchanged."""
        try:
            status = os.stat(path)  # a local folder: the stat costs microseconds
        except OSError:
            return None
        if not stat.S_ISREG(status.st_mode):
            return None
        stamp = (status.st_ino, status.st_mtime_ns, status.st_size)
        held = self._files.get(path)
        if held is not None and held.stamp == stamp:
            self._files.move_to_end(path)
            return held
        try:
            body = await asyncio.to_thread(path.read_bytes)
        except OSError:
            return None
        read = LiveFile(body, '"{:x}-{:x}-{:x}"'.format(*stamp), stamp)
        self._forget(path)
        if len(body) <= self._limit:
            self._files[path] = read
            self._bytes += len(body)
            while self._bytes > self._limit:
                self._forget(next(iter(self._files)))
        return read

    def _forget(self, path: Path) -> None:
        dropped = self._files.pop(path, None)
        if dropped is not None:
            self._bytes -= len(dropped.body)


def add_broadcast_files(app: web.Application) -> None:
    known: dict[int, tuple[float, bool]] = {}
    files = LiveFiles()

    async def broadcast(hearing_id: int) -> bool:
        now = time.monotonic()
        remembered = known.get(hearing_id)
        if remembered is not None and remembered[0] > now:
            return remembered[1]
        async with app[DATABASE].session() as db:
            row = (
                await db.execute(
                    select(Hearing.kind, Hearing.public).where(Hearing.id == hearing_id)
                )
            ).first()
        on = row is not None and broadcastable(HearingKind(row[0]), row[1])
        if len(known) > 10_000:
            known.clear()
        known[hearing_id] = (now + REMEMBER_SECONDS, on)
        return on

    async def serve(request: web.Request) -> web.StreamResponse:
        hearing_id = int(request.match_info["hearing_id"])
        name = request.match_info["name"]
        if not (name == PLAYLIST or SEGMENT_NAME.fullmatch(name)) or not await broadcast(
            hearing_id
        ):
            return error_response(404, "not_found", "no such file")
        path = hearing_output(app[SETTINGS], hearing_id) / name
        live = await files.get(path)
        if live is None:
            return error_response(404, "not_found", "no such file")
        playlist = name == PLAYLIST
        if playlist and ("_HLS_msn" in request.query or "_HLS_part" in request.query):
            wanted = _wanted(request.query.get("_HLS_msn"), request.query.get("_HLS_part"))
            if wanted is None:
                return error_response(400, "bad_request", "_HLS_msn and _HLS_part: numbers")
            if wanted[0] > _position(live.body)[0] + 2:
                return error_response(400, "bad_request", "_HLS_msn is too far ahead")
            live = await _held(files, path, live, wanted)
            if live is None:
                return error_response(503, "unavailable", "the playlist has not grown that far")
        headers = {
            "Cache-Control": PLAYLIST_CACHE if playlist else SEGMENT_CACHE,
            "Access-Control-Allow-Origin": "*",
            "ETag": live.etag,
        }
        if request.headers.get("If-None-Match") == live.etag:
            return web.Response(status=304, headers=headers)
        return web.Response(
            body=live.body,
            headers=headers,
            content_type="application/vnd.apple.mpegurl" if playlist else "video/mp2t",
        )

    app.router.add_get(r"/public/hearings/{hearing_id:[1-9][0-9]{0,8}}/live/{name}", serve)


def _wanted(msn: str | None, part: str | None) -> tuple[int, int | None] | None:
    """A blocking reload's `_HLS_msn` and `_HLS_part` (None: malformed, or a part without
    a segment)."""
    if msn is None or not BLOCKING_NUMBER.fullmatch(msn):
        return None
    if part is not None and not BLOCKING_NUMBER.fullmatch(part):
        return None
    return int(msn), None if part is None else int(part)


def _position(playlist: bytes) -> tuple[int, float]:
    """The newest segment a playlist names, and its newest part (infinite once whole)."""
    newest = (-1, -1.0)
    for match in LISTED.finditer(playlist):
        number, part = int(match[1]), match[2]
        newest = max(newest, (number, float("inf") if part is None else float(part)))
    return newest


async def _held(
    files: LiveFiles, path: Path, live: LiveFile, wanted: tuple[int, int | None]
) -> LiveFile | None:
    """Low-latency HLS's blocking reload: the playlist once it names segment `msn` (its part
    `part`, or a later segment), held at most three target durations; None: not by then.
    A playlist that has ended is answered at once."""
    msn, part = wanted
    target = TARGET.search(live.body)
    deadline = time.monotonic() + 3 * (int(target[1]) if target else 10)
    while True:
        number, newest = _position(live.body)
        if number > msn or (number == msn and newest >= (part or 0)) or ENDED in live.body:
            return live
        if time.monotonic() >= deadline:
            return None
        await asyncio.sleep(BLOCK_STEP)
        again = await files.get(path)
        if again is None:
            return None
        live = again
