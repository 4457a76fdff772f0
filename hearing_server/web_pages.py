"""Serves the built browser client (web_client/dist): one HTML page per screen, hashed assets."""

from __future__ import annotations

import io
import re
from collections.abc import Awaitable, Callable
from functools import cache
from pathlib import Path

from aiohttp import web
from PIL import Image, ImageDraw

from hearing_server.api.errors import error_response

PAGES = {
    "/": "index.html",  # staff login, today's hearings, scheduling
    "/join": "join.html",  # an invitation link: self-test, waiting room, hearing
    "/hearing/{hearing_id}": "hearing.html",  # staff in a live hearing (judge console)
    "/terminal": "terminal.html",  # detention-centre kiosk
    "/archive": "archive.html",  # clerk archive
    "/public/courts/{court_id}": "public.html",  # a court's public hearings (no login)
    "/public/hearing/{hearing_id}": "public.html",  # one public hearing's live broadcast
}

ASSET_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,199}")

NOT_BUILT = (
    "the browser client is not built: run `make run` (or `npm --prefix web_client ci && "
    "npm --prefix web_client run build`)"
)


def add_web_pages(app: web.Application, dist: Path) -> None:
    """Route every screen to its page; assets are content-hashed, so they may be cached for good."""

    def page(name: str) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def serve(request: web.Request) -> web.StreamResponse:
            path = dist / name
            if not path.is_file():
                return error_response(503, "client_not_built", NOT_BUILT)
            return web.FileResponse(path, headers={"Cache-Control": "no-cache"})

        return serve

    for route, name in PAGES.items():
        app.router.add_get(route, page(name))

    async def asset(request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        # Vite names every asset `<name>-<hash>.<ext>`: anything else (NUL, separators, dot
        # segments, names too long for the file system) is refused before the disk is asked
        if not ASSET_NAME.fullmatch(name):
            return error_response(404, "not_found", "no such file")
        path = (dist / "assets" / name).resolve()
        if path.parent != (dist / "assets").resolve() or not path.is_file():
            return error_response(404, "not_found", "no such file")
        return web.FileResponse(
            path, headers={"Cache-Control": "public, max-age=31536000, immutable"}
        )

    app.router.add_get("/assets/{name}", asset)

    async def favicon(request: web.Request) -> web.StreamResponse:
        return web.Response(
            body=_favicon(), content_type="image/png", headers={"Cache-Control": "max-age=86400"}
        )

    app.router.add_get("/favicon.ico", favicon)  # browsers ask for it on every page


@cache
def _favicon() -> bytes:
    """The tab icon: a pair of scales, white on the client's blue (any browser takes a PNG
    under the .ico name)."""
    size, blue, white = 64, (30, 78, 156), (255, 255, 255)
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, size - 1, size - 1), radius=12, fill=blue)
    draw.line((32, 12, 32, 50), fill=white, width=4)  # the post
    draw.line((14, 18, 50, 18), fill=white, width=4)  # the beam
    draw.rectangle((22, 48, 42, 52), fill=white)  # the foot
    for x in (16, 48):  # the pans
        draw.line((x - 2, 20, x - 8, 34), fill=white, width=2)
        draw.line((x + 2, 20, x + 8, 34), fill=white, width=2)
        draw.chord((x - 10, 28, x + 10, 40), 0, 180, fill=white)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
