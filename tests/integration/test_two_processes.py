"""Two server processes, one system: shared PostgreSQL and Redis (DESIGN §8, issue 6)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.conftest import postgres_database
from tests.headless import HeadlessParticipant, SendTimes
from tests.integration.courtroom import receiving
from tests.live_server import LiveServer
from tests.signal_client import SignalClient

pytestmark = pytest.mark.postgres


@pytest.fixture
async def database_url() -> AsyncIterator[str]:
    """The shared database of the two processes: PostgreSQL, as the scaled deployment uses."""
    async with postgres_database() as url:
        yield url


@pytest.fixture
def pair(tmp_path: Path, database_url: str) -> Iterator[tuple[LiveServer, LiveServer]]:
    """Processes A and B on one database, one Redis and one recordings folder."""
    shared = {
        "database_url": database_url,
        "redis_url": "redis://127.0.0.1:6379/0",
        "redis_prefix": f"test-{uuid.uuid4().hex[:8]}",
        "recordings_dir": str(tmp_path / "recordings"),
        "signing_key_path": str(tmp_path / "keys" / "archive.pem"),
    }
    servers = []
    for name in ("a", "b"):
        workdir = tmp_path / name
        workdir.mkdir()
        servers.append(LiveServer(workdir, module="tests.integration.server_child", **shared))
    a, b = servers
    for server in servers:  # each announces its own address to the clients it redirects
        server.env["HEARING_NODE_URL"] = server.url
        server.env["HEARING_PUBLIC_URL"] = a.url
    assert a.run("migrate").returncode == 0
    with ExitStack() as stack:
        stack.enter_context(a)
        stack.enter_context(b)
        yield a, b


class Staff:
    """A logged-in judge talking REST to one process."""

    def __init__(self, http: aiohttp.ClientSession, api: str, csrf: str) -> None:
        self.http, self.api, self.csrf = http, api, csrf

    async def call(self, method: str, path: str, body: Any = None) -> Any:
        async with self.http.request(
            method, self.api + path, json=body, headers={"X-CSRF-Token": self.csrf}
        ) as response:
            assert response.status < 300, await response.text()
            return await response.json()

    @property
    def cookie(self) -> str:
        return next(c.value for c in self.http.cookie_jar if c.key == "hs_session")


async def login(http: aiohttp.ClientSession, server: LiveServer, password: str) -> Staff:
    api = server.url + "/api/v1"
    async with http.post(
        api + "/auth/login", json={"username": "judge1", "password": password}
    ) as response:
        assert response.status == 200, await response.text()
        return Staff(http, api, (await response.json())["csrf_token"])


async def schedule(judge: Staff, number: str) -> tuple[int, str]:
    """A hearing with one party; its id and the party's invitation token."""
    case = await judge.call(
        "POST", "/cases", {"number": number, "title": "案件", "kind": "civil_trial"}
    )
    hearing = await judge.call(
        "POST", f"/cases/{case['id']}/hearings", {"scheduled_start": datetime.now(UTC).isoformat()}
    )
    party = await judge.call(
        "POST",
        f"/hearings/{hearing['id']}/participants",
        {"role": "party", "name": "张三", "side": "plaintiff"},
    )
    return hearing["id"], party["invitation"]["token"]


async def test_a_join_on_either_process_lands_in_the_one_hearing_and_messages_cross(
    pair: tuple[LiveServer, LiveServer],
) -> None:
    a, b = pair
    made = a.run("create-user", "judge1", "--role", "judge", "--court", "c1")
    password = made.stdout.split(" / ")[1].strip()
    send_times = SendTimes()
    people: list[HeadlessParticipant] = []
    jar_a, jar_b = aiohttp.CookieJar(unsafe=True), aiohttp.CookieJar(unsafe=True)  # IP hosts
    async with (
        aiohttp.ClientSession(cookie_jar=jar_a) as http,
        aiohttp.ClientSession(cookie_jar=jar_b) as http_b,
    ):
        judge = await login(http, a, password)
        hearing_id, invitation = await schedule(judge, "(2026)c1民初7号")
        try:
            bench = HeadlessParticipant(a.url, send_times, cookie=judge.cookie)
            people.append(bench)
            await bench.join(hearing_id)
            for event in ("open", "start_session"):
                assert (await bench.signal.call(event)).get("ok") is True, event
            party = HeadlessParticipant(b.url, send_times, invitation=invitation)
            people.append(party)
            await party.join(hearing_id)  # B tells it the hearing is held by A
            assert party.signal.url == a.url
            assert [r["code"] for r in party.signal.refusals] == ["moved"]
            assert (await bench.signal.call("admit", {"participant_id": party.id})).get(
                "ok"
            ) is True
            await receiving(party, bench.id, frames=15)
            await receiving(bench, party.id, frames=15)

            # a notice posted through B's REST API reaches the clients connected to A
            judge_b = await login(http_b, b, password)
            await judge_b.call("POST", f"/hearings/{hearing_id}/notices", {"text": "十分钟后继续"})
            for person in (bench, party):
                notice = await person.signal.wait_for("notice", within=5)
                assert notice["text"] == "十分钟后继续" and notice["hearing_id"] == hearing_id

            # a second hearing goes to the quieter process, whichever one is asked
            other_id, _ = await schedule(judge, "(2026)c1民初8号")
            watcher = SignalClient(a.url)
            await watcher.connect(other_id, cookie=judge.cookie)
            assert watcher.url == b.url
            await watcher.sio.disconnect()
        finally:
            for person in people:
                await person.close()
