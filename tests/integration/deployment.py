"""A deployment of two server processes (A and B) on one PostgreSQL, one Redis and one
recordings folder, and a judge talking REST to either (docs/architecture.md#several-processes)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack, asynccontextmanager, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp

from tests.headless import HeadlessParticipant, SendTimes
from tests.integration.courtroom import receiving
from tests.live_server import LiveServer


@contextmanager
def deployment(
    tmp_path: Path, database_url: str, *, public: str = "a", **settings: str
) -> Iterator[tuple[LiveServer, LiveServer]]:
    """Processes A and B on one database, one Redis and one recordings folder.

    ``public``: the process whose address is both processes' ``public_url`` (the front door
    that invitation links name and whose pages may connect to either process); ``settings``:
    more settings for both (e.g. ``web_dir``, the built browser client they hand out)."""
    shared = {
        "database_url": database_url,
        "redis_url": "redis://127.0.0.1:6379/0",
        "redis_prefix": f"test-{uuid.uuid4().hex[:8]}",
        "recordings_dir": str(tmp_path / "recordings"),
        "signing_key_path": str(tmp_path / "keys" / "archive.pem"),
        **settings,
    }
    servers = []
    for name in ("a", "b"):
        workdir = tmp_path / name
        workdir.mkdir()
        servers.append(LiveServer(workdir, module="tests.integration.server_child", **shared))
    a, b = servers
    front = {"a": a, "b": b}[public]
    for server in servers:  # each announces its own address to the clients it redirects
        server.env["HEARING_NODE_URL"] = server.url
        server.env["HEARING_PUBLIC_URL"] = front.url
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


@asynccontextmanager
async def judge_session(server: LiveServer, password: str) -> AsyncIterator[Staff]:
    """`judge1` logged in to ``server`` in an HTTP session of its own (each process gets its
    own cookie jar: they are told apart by port only), closed on exit."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        yield await login(http, server, password)


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


async def judge_and_party_in_session(
    server: LiveServer,
    judge: Staff,
    hearing_id: int,
    invitation: str,
    people: list[HeadlessParticipant],
) -> tuple[HeadlessParticipant, HeadlessParticipant]:
    """The judge and the invited party join through ``server``; the judge opens the session
    and admits the party, and each receives the other's media. Both are added to ``people``
    (for the caller to hang up), the judge first."""
    send_times = SendTimes()
    bench = HeadlessParticipant(server.url, send_times, cookie=judge.cookie)
    party = HeadlessParticipant(server.url, send_times, invitation=invitation)
    people += [bench, party]
    await bench.join(hearing_id)
    for event in ("open", "start_session"):
        assert (await bench.signal.call(event)).get("ok") is True
    await party.join(hearing_id)
    assert (await bench.signal.call("admit", {"participant_id": party.id})) == {"ok": True}
    await receiving(party, bench.id, frames=10)
    await receiving(bench, party.id, frames=10)
    return bench, party


def make_judge(server: LiveServer) -> str:
    """Create the staff account `judge1` (court c1) with the CLI; its password."""
    made = server.run("create-user", "judge1", "--role", "judge", "--court", "c1")
    assert made.returncode == 0, made.stderr
    return made.stdout.split(" / ")[1].strip()
