"""The live HLS files of public hearings, served to anyone (docs/architecture.md#public-broadcast).

Only a playlist or a segment name is served, only of a hearing that is broadcast (asked of the
database at most every few seconds per hearing: a thousand viewers poll the playlist every
couple of seconds), with the caching a CDN in front needs: the playlist changes with every
segment and is cached for a second at most; a segment never changes once written (the muxer
renames it into place whole) and is cached for a day. Anything else is the API's plain 404.
"""

from __future__ import annotations

import re
import time

from aiohttp import web
from sqlalchemy import select

from court.broadcast import broadcastable
from court.kinds import HearingKind
from hearing_server.api.errors import error_response
from hearing_server.broadcasts import hearing_output
from hearing_server.db.models import Hearing
from hearing_server.keys import DATABASE, SETTINGS
from recording.broadcast.hls import PLAYLIST

NAME = re.compile(r"index\.m3u8|seg-\d{5}\.ts")
REMEMBER_SECONDS = 5.0
PLAYLIST_CACHE = "public, max-age=1"
SEGMENT_CACHE = "public, max-age=86400, immutable"


def add_broadcast_files(app: web.Application) -> None:
    known: dict[int, tuple[float, bool]] = {}

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
        if not NAME.fullmatch(name) or not await broadcast(hearing_id):
            return error_response(404, "not_found", "no such file")
        path = hearing_output(app[SETTINGS], hearing_id) / name
        if not path.is_file():
            return error_response(404, "not_found", "no such file")
        playlist = name == PLAYLIST
        return web.FileResponse(
            path,
            headers={
                "Cache-Control": PLAYLIST_CACHE if playlist else SEGMENT_CACHE,
                "Content-Type": "application/vnd.apple.mpegurl" if playlist else "video/mp2t",
                "Access-Control-Allow-Origin": "*",
            },
        )

    app.router.add_get(r"/public/hearings/{hearing_id:[1-9][0-9]{0,8}}/live/{name}", serve)
