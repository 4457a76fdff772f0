"""P `hearing-server serve` processes forming one system, for bench/scale.py.

They share a fresh PostgreSQL database (created here and dropped on exit), a Redis under a
prefix of their own (its keys are deleted on exit), a recordings folder and a public URL; each
has its own port and node URL. Each process runs in a folder of its own under `workdir`, with
its output in `server.log` there (bench/servers.py).
"""

from __future__ import annotations

import asyncio
import os
import secrets
import subprocess
from pathlib import Path
from types import TracebackType

import asyncpg
import redis

from bench.seed import create_staff
from bench.servers import PYTHON, REPO, ServerProcess, free_port

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
        self.servers: list[ServerProcess] = []
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

    def _env(self, public_url: str) -> dict[str, str]:
        path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
        shared = self.workdir / "shared"
        return {
            **os.environ,
            "PYTHONPATH": path,
            "HEARING_HOST": "127.0.0.1",
            "HEARING_DATABASE_URL": f"postgresql+asyncpg://postgres@127.0.0.1:5432/{self.database}",
            "HEARING_REDIS_URL": REDIS_URL,
            "HEARING_REDIS_PREFIX": self.redis_prefix,
            "HEARING_PUBLIC_URL": public_url,
            "HEARING_RECORDINGS_DIR": str(self.recordings),
            "HEARING_SIGNING_KEY_PATH": str(shared / "keys" / "archive-ed25519.pem"),
            "HEARING_DRAIN_SECONDS": "0",
        }

    def start(self) -> None:
        asyncio.run(_admin(f'CREATE DATABASE "{self.database}"'))
        ports = [free_port() for _ in range(self.processes)]
        env = self._env(f"http://127.0.0.1:{ports[0]}")
        run = [PYTHON, "-m", "bench.launcher"]
        cwd = str(self.workdir)
        subprocess.run([*run, "migrate"], env=env, cwd=cwd, check=True, capture_output=True)
        self.password = create_staff(run, env, cwd)
        for index, port in enumerate(ports):
            folder = self.workdir / f"process-{index}"
            folder.mkdir()
            own = {**env, "HEARING_PORT": str(port), "HEARING_NODE_URL": f"http://127.0.0.1:{port}"}
            server = ServerProcess([*run, "serve"], folder, own, port)
            self.servers.append(server)
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
