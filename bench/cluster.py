"""P `hearing-server serve` processes forming one system, for bench/scale.py.

They share a fresh PostgreSQL database (created here and dropped on exit), a Redis under a
prefix of their own (its keys are deleted on exit), a recordings folder and a public URL; each
has its own port and node URL. Each process runs in a folder of its own under `workdir`, with
its output in `server.log` there (tests/live_server.py).
"""

from __future__ import annotations

import asyncio
import secrets
from pathlib import Path
from types import TracebackType

import asyncpg
import redis

from bench.seed import create_staff
from tests.live_server import LiveServer

POSTGRES = {"host": "127.0.0.1", "port": 5432, "user": "postgres", "database": "postgres"}
REDIS_URL = "redis://127.0.0.1:6379/0"


async def _admin(statement: str) -> None:
    conn = await asyncpg.connect(**POSTGRES)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


class Cluster:
    """As a context manager: the database, then the processes, all gone again on exit."""

    def __init__(self, processes: int, workdir: Path) -> None:
        self.processes = processes
        self.workdir = workdir
        tag = secrets.token_hex(5)
        self.database = f"hs_bench_{tag}"
        self.redis_prefix = f"hs-bench-{tag}"
        self.servers: list[LiveServer] = []
        self.password = ""

    @property
    def urls(self) -> list[str]:
        return [server.url for server in self.servers]

    @property
    def recordings(self) -> Path:
        """The recordings folder all processes share."""
        return self.workdir / "shared" / "recordings"

    def recorded_bytes(self) -> int:
        return sum(f.stat().st_size for f in self.recordings.rglob("*") if f.is_file())

    def start(self) -> None:
        asyncio.run(_admin(f'CREATE DATABASE "{self.database}"'))
        settings = {
            "database_url": f"postgresql+asyncpg://postgres@127.0.0.1:5432/{self.database}",
            "redis_url": REDIS_URL,
            "redis_prefix": self.redis_prefix,
            "recordings_dir": str(self.recordings),
            "signing_key_path": str(self.workdir / "shared" / "keys" / "archive-ed25519.pem"),
        }
        for index in range(self.processes):
            folder = self.workdir / f"process-{index}"
            folder.mkdir()
            self.servers.append(LiveServer(folder, module="bench.launcher", **settings))
        first = self.servers[0]
        for server in self.servers:  # each announces its own address to the joins it redirects
            server.env["HEARING_NODE_URL"] = server.url
            server.env["HEARING_PUBLIC_URL"] = first.url
        first.run("migrate").check_returncode()
        self.password = create_staff(first)
        for server in self.servers:
            server.start()

    def stop(self) -> None:
        for server in self.servers:
            server.stop()
        client = redis.Redis.from_url(REDIS_URL)
        try:
            keys = list(client.scan_iter(f"{self.redis_prefix}:*"))
            if keys:
                client.delete(*keys)
        finally:
            client.close()
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)'))

    def __enter__(self) -> Cluster:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
