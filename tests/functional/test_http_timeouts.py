"""Slow, silent or garbled HTTP clients cannot hold the server's connections or fill its log:
a real `serve` process with short limits, real sockets."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import aiohttp
import pytest

from tests.live_server import LiveServer

IDLE, BODY = 1.0, 1.0
SLACK = 2.0
"""How much later than its limit a connection may end on a loaded machine."""


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    workdir = tmp_path_factory.mktemp("timeouts")
    server = LiveServer(
        workdir,
        database_url=f"sqlite+aiosqlite:///{workdir / 'h.db'}",
        http_idle_seconds=str(IDLE),
        http_body_seconds=str(BODY),
    )
    assert server.run("migrate").returncode == 0
    with server:
        yield server


async def dribble(
    writer: asyncio.StreamWriter, data: bytes, answered: asyncio.Task[bytes], pause: float
) -> int:
    """Send ``data`` a byte every ``pause`` seconds until it is all sent or ``answered`` is
    done (the server answered or hung up); how many bytes were sent."""
    sent = 0
    while sent < len(data) and not answered.done():
        writer.write(data[sent : sent + 1])
        sent += 1
        await asyncio.sleep(pause)
    return sent


async def test_a_connection_that_sends_nothing_is_closed(live: LiveServer) -> None:
    loop = asyncio.get_running_loop()
    reader, writer = await asyncio.open_connection("127.0.0.1", live.port)
    start = loop.time()
    try:
        assert await asyncio.wait_for(reader.read(), IDLE + SLACK + 5) == b""
    finally:
        writer.close()
    assert IDLE * 0.9 <= loop.time() - start < IDLE + SLACK


async def test_headers_dribbled_byte_by_byte_are_cut_off(live: LiveServer) -> None:
    loop = asyncio.get_running_loop()
    request = b"GET /healthz HTTP/1.1\r\nHost: x\r\nUser-Agent: " + b"a" * 200 + b"\r\n\r\n"
    reader, writer = await asyncio.open_connection("127.0.0.1", live.port)
    start = loop.time()
    answer = asyncio.create_task(reader.read())
    try:
        sent = await dribble(writer, request, answer, 0.05)
        assert await asyncio.wait_for(answer, SLACK) == b""
    finally:
        writer.close()
    assert sent < len(request), "the whole request went through at 20 bytes/s"
    assert loop.time() - start < IDLE + SLACK


async def test_a_body_that_does_not_arrive_in_time_gets_408(live: LiveServer) -> None:
    loop = asyncio.get_running_loop()
    body = json.dumps({"username": "nobody", "password": "x" * 100}).encode()
    head = (
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    reader, writer = await asyncio.open_connection("127.0.0.1", live.port)
    writer.write(head)
    start = loop.time()
    status_line = asyncio.create_task(reader.readline())
    try:
        await dribble(writer, body, status_line, 0.1)
        line = await asyncio.wait_for(status_line, SLACK)
        rest = await asyncio.wait_for(reader.read(4096), SLACK)
    finally:
        writer.close()
    assert line.startswith(b"HTTP/1.1 408"), line
    assert b'"request_timeout"' in rest
    assert BODY * 0.9 <= loop.time() - start < BODY + SLACK


async def test_a_quiet_websocket_outlives_the_idle_limit(live: LiveServer) -> None:
    url = live.url + "/socket.io/?EIO=4&transport=websocket"
    async with aiohttp.ClientSession() as http, http.ws_connect(url) as ws:
        opened = await ws.receive_str(timeout=5)
        assert opened.startswith("0")
        await asyncio.sleep(IDLE * 3)
        await ws.send_str("40/hearing,{}")  # no credentials: refused, but answered
        answer = await ws.receive_str(timeout=5)
        assert answer.startswith("44/hearing,"), answer


async def test_an_unparsable_request_gets_400_and_one_log_line(live: LiveServer) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", live.port)
    try:
        writer.write(b"GET /" + b"b" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        line = await asyncio.wait_for(reader.readline(), 5)
    finally:
        writer.close()
    assert line.startswith(b"HTTP/1.0 400") or line.startswith(b"HTTP/1.1 400"), line
    for _ in range(50):  # the server's output reaches the file a moment later
        if "LineTooLong (400)" in live.log.read_text():
            break
        await asyncio.sleep(0.1)
    text = live.log.read_text()
    assert "LineTooLong (400)" in text and "Traceback" not in text, text[-2000:]
