"""`serve --workers N`: several coordinated processes on one machine, restarted if they die."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.request
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from tests.conftest import postgres_database
from tests.live_server import LiveServer

pytestmark = pytest.mark.postgres


@pytest.fixture
async def database_url() -> AsyncIterator[str]:
    async with postgres_database() as url:
        yield url


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/healthz", timeout=1) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def wait_for(check: Callable[[], bool], what: str, limit: float = 30) -> None:
    deadline = time.monotonic() + limit
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.2)


def children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(line) for line in out.split()]


def test_workers_serve_on_consecutive_ports_and_come_back_after_a_crash(
    tmp_path: Path, database_url: str
) -> None:
    server = LiveServer(
        tmp_path,
        database_url=database_url,
        redis_url="redis://127.0.0.1:6379/0",
        redis_prefix=f"test-{uuid.uuid4().hex[:8]}",
    )
    assert server.run("migrate").returncode == 0
    server.command += ["--workers", "2"]
    second = f"http://127.0.0.1:{server.port + 1}"
    with server:
        assert server.process is not None
        wait_for(lambda: healthy(second), "the second worker never answered")
        workers = children(server.process.pid)
        assert len(workers) == 2
        os.kill(workers[1], signal.SIGKILL)
        parent = server.process.pid
        wait_for(lambda: len(children(parent)) == 2 and healthy(second), "no restart")
        assert set(children(parent)) != set(workers)
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(20) == 0
        assert not healthy(server.url) and not healthy(second)
    assert "worker 1 exited" in server.log.read_text()


def test_workers_need_redis_and_postgresql(tmp_path: Path, database_url: str) -> None:
    alone = LiveServer(tmp_path, database_url=database_url)
    assert alone.run("migrate").returncode == 0
    refused = alone.run("serve", "--workers", "2")
    assert refused.returncode == 2 and "redis_url" in refused.stderr
