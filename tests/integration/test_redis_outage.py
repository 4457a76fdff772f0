"""Redis stops while hearings run: media and signaling go on, joins wait for it, then recover."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest
import socketio

from tests.headless import HeadlessParticipant, SendTimes
from tests.integration.courtroom import receiving
from tests.integration.deployment import login, make_judge, schedule
from tests.live_server import LiveServer, free_port
from tests.signal_client import SignalClient, admit_checked


class PrivateRedis:
    """A redis-server of the test's own, so stopping it disturbs nothing else."""

    def __init__(self, workdir: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is missing")
        self.binary = binary
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                *(self.binary, "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", str(self.workdir)),
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not self.answers():
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)

    def answers(self) -> bool:
        ping = subprocess.run(
            ["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True
        )
        return ping.stdout.strip() == "PONG"

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


async def refusal_of(url: str, hearing_id: int, cookie: str) -> str | None:
    """The code a join is refused with (None: it got in)."""
    client = SignalClient(url)
    try:
        await client.connect(hearing_id, cookie=cookie)
    except socketio.exceptions.ConnectionError:
        return str(client.refusals[-1].get("code")) if client.refusals else "no answer"
    await client.sio.disconnect()
    return None


async def test_hearings_outlive_a_redis_outage_and_joins_recover_with_it(
    tmp_path: Path, redis: PrivateRedis
) -> None:
    workdir = tmp_path / "server"
    workdir.mkdir()
    live = LiveServer(
        workdir,
        module="tests.integration.server_child",
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'h.db'}",
        redis_url=redis.url,
    )
    assert live.run("migrate").returncode == 0
    password = make_judge(live)
    people: list[HeadlessParticipant] = []
    with live:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            judge = await login(http, live, password)
            hearing_id, invitation = await schedule(judge, "(2026)c1民初9号")
            later_id, _ = await schedule(judge, "(2026)c1民初10号")
            try:
                bench = HeadlessParticipant(live.url, SendTimes(), cookie=judge.cookie)
                party = HeadlessParticipant(live.url, SendTimes(), invitation=invitation)
                people += [bench, party]
                await bench.join(hearing_id)
                for event in ("open", "start_session"):
                    assert (await bench.signal.call(event)).get("ok") is True
                await party.join(hearing_id)
                await admit_checked(bench.signal, party.id)
                await receiving(party, bench.id, frames=10)

                redis.stop()
                # the running hearing keeps its media and its signaling
                before = len(party.reception(bench.id).video)
                await receiving(party, bench.id, frames=before + 30)
                reply = await bench.signal.call("mute", {"participant_id": party.id})
                assert reply.get("ok") is True
                # a hearing not yet placed cannot be: a clear refusal, not a hang
                assert await refusal_of(live.url, later_id, judge.cookie) == "unavailable"

                redis.start()
                deadline = time.monotonic() + 15
                while (code := await refusal_of(live.url, later_id, judge.cookie)) is not None:
                    assert time.monotonic() < deadline, f"joins did not recover: {code}"
                    await asyncio.sleep(0.5)
                before = len(party.reception(bench.id).video)
                await receiving(party, bench.id, frames=before + 15)
            finally:
                for person in people:
                    await person.close()
    assert live.process is not None and live.process.returncode is not None
