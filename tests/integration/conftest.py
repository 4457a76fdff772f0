import gc
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import aiohttp
import aioice.ice
import pytest
from aiohttp.test_utils import TestServer

from signaling.media.session import MediaSession
from tests.callers import Caller, World
from tests.conftest import postgres_database
from tests.integration.courtroom import Courtroom
from tests.integration.deployment import deployment
from tests.integration.media_sources import SentFrames, record_encoded_frames
from tests.integration.peers import ClientPeer, Connect
from tests.live_server import LiveServer


@pytest.fixture(autouse=True)
def loopback_candidates(monkeypatch: pytest.MonkeyPatch) -> None:
    """aioice leaves out loopback addresses when gathering; on one machine they are all we use."""
    monkeypatch.setattr(aioice.ice, "get_host_addresses", lambda use_ipv4, use_ipv6: ["127.0.0.1"])


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """An HTTP client session (for raw socket.io clients)."""
    async with aiohttp.ClientSession() as client:
        yield client


@pytest.fixture
def logged(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Captures every record of WARNING or above that any logger emits during the test. What
    earlier tests of the process left for the garbage collector (an HTTP session a client never
    closed, logged as it is collected) is collected first, so it is not counted here."""
    gc.collect()
    caplog.set_level(logging.WARNING)
    caplog.clear()
    return caplog


@pytest.fixture
def sent_frames(monkeypatch: pytest.MonkeyPatch) -> SentFrames:
    """Every encoded VP8 frame publishers send in the test, with its picture's counter."""
    return record_encoded_frames(monkeypatch)


@pytest.fixture
async def connect() -> AsyncIterator[Connect]:
    """Make a participant: a server-side MediaSession and the client peer talking to it."""
    clients: list[ClientPeer] = []

    def make(session: MediaSession | None = None) -> ClientPeer:
        client = ClientPeer(session or MediaSession())
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.close()
        await client.session.close()


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """SQLite only: these tests are about media; the store is tested on both databases elsewhere."""
    return f"sqlite+aiosqlite:///{tmp_path / 'hearing.db'}"


@pytest.fixture
async def courtroom(
    server: TestServer,
    judge: Caller,
    clerk: Caller,
    new_caller: Callable[[], Awaitable[Caller]],
    world: World,
) -> AsyncIterator[Courtroom]:
    """A public criminal hearing with its cast; everyone who joined is hung up afterwards."""
    room = await Courtroom.schedule(server, judge, clerk, await new_caller(), world)
    yield room
    await room.close()


@pytest.fixture
async def shared_database_url() -> AsyncIterator[str]:
    """PostgreSQL, as the processes of a scaled deployment share it (a fresh database)."""
    async with postgres_database() as url:
        yield url


@pytest.fixture
def pair(tmp_path: Path, shared_database_url: str) -> Iterator[tuple[LiveServer, LiveServer]]:
    """Processes A and B of one deployment (see deployment.py), started and stopped."""
    with deployment(tmp_path, shared_database_url) as servers:
        yield servers
