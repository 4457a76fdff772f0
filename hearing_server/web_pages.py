"""Serves the built browser client (web_client/dist): one HTML page per screen, hashed assets."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import web

from hearing_server.api.errors import error_response

PAGES = {
    "/": "index.html",  # staff login, today's hearings, scheduling
    "/join": "join.html",  # an invitation link: self-test, waiting room, hearing
    "/hearing/{hearing_id}": "hearing.html",  # staff in a live hearing (judge console)
    "/terminal": "terminal.html",  # detention-centre kiosk
    "/archive": "archive.html",  # clerk archive
}

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
        path = (dist / "assets" / name).resolve()
        if "/" in name or path.parent != (dist / "assets").resolve() or not path.is_file():
            return error_response(404, "not_found", "no such file")
        return web.FileResponse(
            path, headers={"Cache-Control": "public, max-age=31536000, immutable"}
        )

    app.router.add_get("/assets/{name}", asset)
