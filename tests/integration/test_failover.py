"""The process holding a hearing dies (kill -9): the other one takes the hearing over."""

from __future__ import annotations

import signal
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiohttp
import pytest

from tests.conftest import postgres_database
from tests.headless import HeadlessParticipant, SendTimes
from tests.integration.courtroom import presence, receiving
from tests.integration.deployment import deployment, login, schedule
from tests.integration.peers import wait_until
from tests.live_server import LiveServer

pytestmark = pytest.mark.postgres


@pytest.fixture
async def database_url() -> AsyncIterator[str]:
    async with postgres_database() as url:
        yield url


@pytest.fixture
def pair(tmp_path: Path, database_url: str) -> Iterator[tuple[LiveServer, LiveServer]]:
    with deployment(tmp_path, database_url) as servers:
        yield servers


async def test_participants_are_back_on_the_other_process_with_their_admission(
    pair: tuple[LiveServer, LiveServer],
) -> None:
    a, b = pair
    made = a.run("create-user", "judge1", "--role", "judge", "--court", "c1")
    password = made.stdout.split(" / ")[1].strip()
    send_times = SendTimes()
    people: list[HeadlessParticipant] = []
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        judge = await login(http, a, password)
        hearing_id, invitation = await schedule(judge, "(2026)c1民初11号")
        try:
            bench = HeadlessParticipant(a.url, send_times, cookie=judge.cookie)
            party = HeadlessParticipant(a.url, send_times, invitation=invitation)
            people += [bench, party]
            await bench.join(hearing_id)
            for event in ("open", "start_session"):
                assert (await bench.signal.call(event)).get("ok") is True
            await party.join(hearing_id)
            assert (await bench.signal.call("admit", {"participant_id": party.id})) == {"ok": True}
            await receiving(party, bench.id, frames=10)
            for person in people:  # as the browser client does: back through any front door
                person.rejoin_when_dropped([b.url, a.url])

            assert a.process is not None
            a.process.send_signal(signal.SIGKILL)
            killed = time.monotonic()
            await wait_until(
                lambda: bench.rejoins == 1 and party.rejoins == 1, 10, "both to rejoin"
            )
            assert bench.signal.url == b.url and party.signal.url == b.url
            # the party was admitted before the crash: back in the hearing, not the waiting room
            assert party.signal.room["you"]["presence"] == "in_hearing"
            assert presence(bench, party.id) == "in_hearing"
            assert bench.signal.room["state"] == "in_session"
            # media flows again both ways, within 10 s of the kill
            await receiving(
                party, bench.id, frames=10, since=killed, limit=10 - (time.monotonic() - killed)
            )
            await receiving(bench, party.id, frames=10, since=killed, limit=10)
        finally:
            for person in people:
                await person.close()
