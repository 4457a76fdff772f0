"""Shared fixtures: a real database (SQLite and PostgreSQL), a running app, logged-in callers."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.engine import make_url
from xdist.scheduler import LoadScopeScheduling

from config import Settings
from hearing_server.app import create_app
from hearing_server.db.database import Database
from tests.callers import Caller, World, seed_world
from tests.live_server import free_port
from tests.sealed_recording import Sealed, seal_recording

POSTGRES_URL = os.environ.get(
    "HEARING_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)


SHUTDOWN_GRACE = 2.0
"""Seconds a test's server waits at its close for requests still running (a socket.io
connection a test left open) before cancelling them; aiohttp's own 60 s would idle."""

LIVE_TIERS = frozenset({"browser", "integration"})
"""Test folders whose tests run real media, browsers and server processes in real time: each
is one unit of work for xdist (`TierScheduling`)."""


def pytest_collection_finish(session: pytest.Session) -> None:
    """Move what collection loaded (the server, aiortc, PyAV, SQLAlchemy, every test module)
    out of the garbage collector's sight, as `hearing-server serve` does at start-up
    (hearing_server/cli.py): each full collection otherwise walked all of it, ~0.3 s, and took
    a third of a functional test module's time."""
    gc.collect()
    gc.freeze()
    _, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(20_000, gen1, gen2)


class TierScheduling(LoadScopeScheduling):  # type: ignore[misc]
    """`make test`'s distribution over its two xdist workers (`--dist loadgroup`). Each live
    tier (`LIVE_TIERS`) is one unit of work, its tests one after another on one worker: never
    two browser tests at once, nor two integration tests, whose media, timeouts and browsers
    are real time and starve each other on a small machine (one of each may run side by side).
    The other tests go a module at a time (module-scoped fixtures made once).

    xdist's own `loadgroup` reads `xdist_group` marks by renaming the tests, which pytest 9
    no longer lets it do: every test was its own group."""

    def _split_scope(self, nodeid: str) -> str:
        module = nodeid.split("::", 1)[0]
        parts = module.split("/")
        tier = parts[1] if len(parts) > 2 and parts[0] == "tests" else None
        return tier if tier in LIVE_TIERS else module


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> TierScheduling | None:
    if config.getvalue("dist") != "loadgroup":
        return None  # xdist's own
    return TierScheduling(config, log)


DATABASE_KINDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
"""The params of a fixture that runs its tests on each database (see `empty_database`)."""


@pytest.fixture(params=DATABASE_KINDS)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database of each kind, dropped afterwards."""
    async with empty_database(request.param, tmp_path) as url:
        yield url


@asynccontextmanager
async def empty_database(kind: str, tmp_path: Path) -> AsyncIterator[str]:
    """The URL of an empty database of ``kind`` ("sqlite" in ``tmp_path``, or "postgresql"),
    dropped on exit."""
    if kind == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'hearing.db'}"
        return
    async with postgres_database() as url:
        yield url


class postgres_database:
    """A fresh PostgreSQL database on the test server, dropped on exit."""

    def __init__(self) -> None:
        self.name = f"hs_test_{uuid.uuid4().hex[:12]}"
        self.base = make_url(POSTGRES_URL)

    async def admin(self) -> asyncpg.Connection:
        """A connection to the server's own database, to create and drop others."""
        base = self.base
        return await asyncpg.connect(
            host=base.host,
            port=base.port,
            user=base.username,
            password=base.password,
            database=base.database,
        )

    async def __aenter__(self) -> str:
        conn = await self.admin()
        try:
            await conn.execute(f'CREATE DATABASE "{self.name}"')
        finally:
            await conn.close()
        return self.base.set(database=self.name).render_as_string(hide_password=False)

    async def __aexit__(self, *exc: object) -> None:
        conn = await self.admin()
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        finally:
            await conn.close()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return settings_with(database_url, tmp_path)


def settings_with(database_url: str, tmp_path: Path, **more: Any) -> Settings:
    """The settings the tests' server runs with (its files under ``tmp_path``), ``more``
    added or changed. Pages are drawn when asked for, not ahead: only
    tests/functional/test_page_preparation.py is about drawing ahead, and the rest of the
    suite need not pay for it. Nor is a public hearing broadcast (a process encoding video in
    real time) unless a test is about it and turns it on (tests/broadcasting.py)."""
    usual: dict[str, Any] = {
        "database_url": database_url,
        "recordings_dir": tmp_path / "recordings",
        "signing_key_path": tmp_path / "keys" / "archive-ed25519.pem",
        "public_url": "http://courts.test",
        "login_attempts": 3,
        "exhibit_prepare_pages": False,
        "broadcast": {"enabled": False},
    }
    return Settings(**(usual | more))


class MigratedTemplates:
    """A migrated database of each kind, made once per test process and copied into each
    test's empty one: migrating costs ~0.25 s a test, a copy a few milliseconds (SQLite: the
    file; PostgreSQL: ``CREATE DATABASE … TEMPLATE``). The copy is the schema ``migrate``
    makes, its revision row included; tests/functional/test_migrations.py migrates for real."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.sqlite: Path | None = None
        self.postgres: postgres_database | None = None

    async def fill(self, url: str) -> None:
        """Make the empty database at ``url`` a migrated one."""
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite":
            assert parsed.database is not None
            shutil.copyfile(await self._sqlite_template(), parsed.database)
            return
        template = await self._postgres_template()
        admin = await template.admin()
        try:
            # the test's database is still empty and unused: made anew as a copy
            await admin.execute(f'DROP DATABASE "{parsed.database}"')
            await admin.execute(f'CREATE DATABASE "{parsed.database}" TEMPLATE "{template.name}"')
        finally:
            await admin.close()

    async def _sqlite_template(self) -> Path:
        if self.sqlite is None:
            path = self.folder / "template.db"
            await _migrate(f"sqlite+aiosqlite:///{path}")
            self.sqlite = path
        return self.sqlite

    async def _postgres_template(self) -> postgres_database:
        if self.postgres is None:
            template = postgres_database()
            await _migrate(await template.__aenter__())  # closed again: a template has no users
            self.postgres = template
        return self.postgres

    def drop(self) -> None:
        if self.postgres is not None:
            asyncio.run(self.postgres.__aexit__())


async def _migrate(url: str) -> None:
    db = Database(url)
    try:
        await db.migrate()
    finally:
        await db.close()


@pytest.fixture(scope="session")
def migrated_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MigratedTemplates]:
    templates = MigratedTemplates(tmp_path_factory.mktemp("templates"))
    yield templates
    templates.drop()


@pytest.fixture
async def database(
    settings: Settings, migrated_templates: MigratedTemplates
) -> AsyncIterator[Database]:
    """The test's database, migrated (a copy of the process's migrated template)."""
    await migrated_templates.fill(settings.database_url)
    db = Database(settings.database_url)
    yield db
    await db.close()


@pytest.fixture
async def world(database: Database) -> World:
    return await seed_world(database)


@pytest.fixture
async def server(settings: Settings, database: Database) -> AsyncIterator[TestServer]:
    srv = TestServer(create_app(settings))
    await srv.start_server(shutdown_timeout=SHUTDOWN_GRACE)
    yield srv
    await srv.close()


@pytest.fixture
async def new_caller(server: TestServer) -> AsyncIterator[Callable[[], Awaitable[Caller]]]:
    """Makes independent HTTP clients (each with its own cookie jar) against the one server."""
    clients: list[TestClient[web.Request, web.Application]] = []

    async def make() -> Caller:
        client: TestClient[web.Request, web.Application] = TestClient(server)
        await client.start_server()
        clients.append(client)
        return Caller(client)

    yield make
    for client in clients:
        # not client.close(), which closes the server too: the server fixture does, after
        # what else uses it (a browser page still loading a chunk logged the load cut off)
        await client.session.close()


@pytest.fixture
async def anon(new_caller: Callable[[], Awaitable[Caller]]) -> Caller:
    return await new_caller()


async def _logged_in(new_caller: Callable[[], Awaitable[Caller]], username: str) -> Caller:
    caller = await new_caller()
    await caller.login(username)
    return caller


@pytest.fixture
async def admin(new_caller: Callable[[], Awaitable[Caller]], world: World) -> Caller:
    return await _logged_in(new_caller, "admin")


@pytest.fixture
async def judge(new_caller: Callable[[], Awaitable[Caller]], world: World) -> Caller:
    return await _logged_in(new_caller, "judge")


@pytest.fixture
async def clerk(new_caller: Callable[[], Awaitable[Caller]], world: World) -> Caller:
    return await _logged_in(new_caller, "clerk")


@pytest.fixture
async def other_judge(new_caller: Callable[[], Awaitable[Caller]], world: World) -> Caller:
    """A judge of another court."""
    return await _logged_in(new_caller, "judge_b")


@pytest.fixture
async def sealed(
    judge: Caller,
    new_caller: Callable[[], Awaitable[Caller]],
    database: Database,
    settings: Settings,
    archive_mp4: bytes,
) -> Sealed:
    """A closed hearing's sealed recording whose archive video is the test module's
    ``archive_mp4`` (a fixture each module that asks for ``sealed`` defines)."""
    return await seal_recording(judge, new_caller, database, settings, archive_mp4)


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """A local S3 server (moto's server mode, over HTTP), and the AWS_* variables boto3
    reads to reach it."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # a line per request otherwise
    from moto.server import ThreadedMotoServer  # heavy: only for the tests that ask

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    with pytest.MonkeyPatch.context() as patch:
        for name, value in {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
        }.items():
            patch.setenv(name, value)
        yield f"http://127.0.0.1:{port}"
    server.stop()
