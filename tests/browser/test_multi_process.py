"""The browser client in a deployment of two server processes (A and B, one PostgreSQL, one
Redis): a party whose page is served by B follows the hearing to A (`moved`), and when A dies
(kill -9) the page goes back to B, which holds the hearing again, and the party is back in it
without being admitted again.
"""

from __future__ import annotations

import signal
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp
import pytest
from playwright.async_api import WebSocket, expect

from tests.browser.conftest import OpenTab
from tests.browser.test_live import video_plays
from tests.conftest import postgres_database
from tests.headless import HeadlessParticipant, SendTimes
from tests.integration.courtroom import presence, receiving
from tests.integration.deployment import deployment, login, make_judge, schedule
from tests.integration.peers import wait_until
from tests.live_server import LiveServer
from tests.signal_client import admit_checked

pytestmark = [pytest.mark.postgres, pytest.mark.browser]

BACK_WITHIN_S = 15
"""From the kill of A until the party's page shows the judge's video playing again."""
MOST_CONNECTIONS = 15
"""Connection attempts the page may make while B still sends it to the dead A (the registry
forgets a process 3 s after its last heartbeat): it must pause, not hammer both servers."""


@pytest.fixture
async def database_url() -> AsyncIterator[str]:
    """The shared database of the two processes: PostgreSQL, as the scaled deployment uses."""
    async with postgres_database() as url:
        yield url


@pytest.fixture
def pair(
    tmp_path: Path, database_url: str, built_client: Path
) -> Iterator[tuple[LiveServer, LiveServer]]:
    """A and B handing out the built client; B is the front door (`public_url`), so pages
    served by B may connect to A, as pages of a deployment's public address do."""
    with deployment(tmp_path, database_url, public="b", web_dir=str(built_client)) as servers:
        yield servers


@pytest.fixture
def base_url(pair: tuple[LiveServer, LiveServer]) -> str:
    """Pages are opened on B."""
    return pair[1].url


def port_of(url: str) -> int | None:
    return urlsplit(url).port


async def test_a_party_on_b_follows_the_hearing_to_a_and_comes_back_through_b_when_a_dies(
    open_tab: OpenTab, pair: tuple[LiveServer, LiveServer]
) -> None:
    a, b = pair
    password = make_judge(a)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        judge = await login(http, a, password)
        hearing_id, invitation = await schedule(judge, "(2026)c1民初21号")
        bench = HeadlessParticipant(a.url, SendTimes(), cookie=judge.cookie)
        try:
            # The judge holds the hearing on A.
            await bench.join(hearing_id)
            assert bench.signal.url == a.url
            for event in ("open", "start_session"):
                assert (await bench.signal.call(event)).get("ok") is True, event

            # The party opens the invitation on B (a phone); B says the hearing is on A.
            party = await open_tab("party-multi", f"/join#{invitation}", phone=True)
            sockets: list[str] = []

            def on_websocket(socket: WebSocket) -> None:
                sockets.append(socket.url)

            party.page.on("websocket", on_websocket)
            page = party.page
            await expect(page.get_by_test_id("join-button")).to_be_enabled()
            await page.get_by_test_id("join-button").click()
            await expect(page.get_by_test_id("waiting-room")).to_be_visible()
            party_id = next(m["id"] for m in bench.signal.room["members"] if m["role"] == "party")
            await wait_until(  # in A's hearing: the page followed `moved`
                lambda: presence(bench, party_id) == "waiting", 5, "the party in the waiting room"
            )
            assert [port_of(url) for url in sockets] == [b.port, a.port], sockets

            judge_id = bench.id
            assert (await admit_checked(bench.signal, party_id)) == {"ok": True}
            await expect(page.get_by_test_id("waiting-room")).to_be_hidden()
            await video_plays(page, judge_id)
            await receiving(bench, party_id, frames=10, audio=False)
            await party.screenshot("in-hearing-on-a")

            # A dies: the page says it is reconnecting, goes back to B (the page's own server),
            # which places the hearing again; the party is in the hearing without a new admission.
            bench.rejoin_when_dropped([b.url, a.url])
            assert a.process is not None
            a.process.send_signal(signal.SIGKILL)
            killed = time.monotonic()
            before = len(sockets)
            await expect(page.get_by_test_id("banner-reconnecting")).to_be_visible()
            await party.screenshot("reconnecting-after-a-died")

            def left_ms() -> float:
                return max(1.0, (BACK_WITHIN_S - (time.monotonic() - killed)) * 1000)

            await expect(page.get_by_test_id("banner-reconnecting")).to_have_count(
                0, timeout=left_ms()
            )
            await expect(page.get_by_test_id("waiting-room")).to_be_hidden()
            await expect(page.get_by_test_id("live")).to_have_attribute(
                "data-media", "connected", timeout=left_ms()
            )
            await video_plays(page, judge_id, more=10)
            back_after = time.monotonic() - killed
            assert back_after < BACK_WITHIN_S, f"back after {back_after:.1f} s"
            attempts = sockets[before:]
            assert port_of(attempts[-1]) == b.port, attempts
            assert len(attempts) <= MOST_CONNECTIONS, f"{len(attempts)} connection attempts"
            await party.screenshot("back-in-hearing-on-b")
            # the judge (rejoining by itself) sees the party in the hearing, and its video
            await wait_until(lambda: bench.rejoins >= 1, 10, "the judge to rejoin")
            assert bench.signal.url == b.url
            await wait_until(
                lambda: presence(bench, party_id) == "in_hearing", 5, "the party in the hearing"
            )
            await receiving(bench, party_id, frames=10, audio=False, since=killed)
            print(f"back on B {back_after:.1f} s after A died; connections: {len(attempts)}")
        finally:
            await bench.close()
