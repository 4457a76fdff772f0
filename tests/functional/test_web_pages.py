"""The server hands out the built browser client, and says so clearly when it is not built."""

import io
from pathlib import Path

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from PIL import Image

from hearing_server.web_pages import PAGES, add_web_pages


async def client_for(dist: Path) -> TestClient[web.Request, web.Application]:
    app = web.Application()
    add_web_pages(app, dist)
    client = TestClient(TestServer(app))
    await client.start_server()
    return client


async def test_each_screen_gets_its_page_and_assets_are_immutable(tmp_path: Path) -> None:
    (tmp_path / "assets").mkdir()
    for name in set(PAGES.values()):
        (tmp_path / name).write_text(f"<title>{name}</title>")
    (tmp_path / "assets" / "join-abc123.js").write_text("console.log(1)")
    client = await client_for(tmp_path)
    try:
        for route, name in (
            ("/", "index.html"),
            ("/join", "join.html"),
            ("/hearing/42", "hearing.html"),
        ):
            response = await client.get(route)
            assert response.status == 200, route
            assert name in await response.text()
            assert response.headers["Cache-Control"] == "no-cache"
        asset = await client.get("/assets/join-abc123.js")
        assert asset.status == 200
        assert "immutable" in asset.headers["Cache-Control"]
        for bad in ("/assets/missing.js", "/assets/..%2Fjoin.html"):
            response = await client.get(bad)
            assert response.status == 404, bad
            assert (await response.json())["error"]["code"] == "not_found"
    finally:
        await client.close()


async def test_an_unbuilt_client_is_a_clear_503(tmp_path: Path) -> None:
    client = await client_for(tmp_path / "nothing-here")
    try:
        response = await client.get("/join")
        assert response.status == 503
        error = (await response.json())["error"]
        assert error["code"] == "client_not_built"
        assert "make run" in error["message"]
    finally:
        await client.close()


async def test_the_tab_icon_is_there_even_before_the_client_is_built(tmp_path: Path) -> None:
    client = await client_for(tmp_path / "nothing-here")
    try:
        response = await client.get("/favicon.ico")
        assert response.status == 200
        assert response.content_type == "image/png"
        icon = Image.open(io.BytesIO(await response.read()))
        assert icon.size == (64, 64)
    finally:
        await client.close()
