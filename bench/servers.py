"""The servers under test as child processes on loopback: the hearing server and the baseline.

Each runs in a temporary directory with its output in a log file there, started and stopped by
tests/live_server.py (the tests' launcher, shared); its CPU time and memory are read from /proc
by its process id (bench/proc.py), so they are its own.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

from bench.loopback import ADDRESSES_VARIABLE
from bench.seed import BenchHearing, create_staff, log_in_staff, seed_hearing
from tests.live_server import LiveServer, ServerProcess, child_env, free_port


def hearing_server(
    workdir: Path,
    parties: int,
    address: str | None = None,
    *,
    public: bool = False,
    source: Path | None = None,
    **settings: str | dict[str, Any],
) -> tuple[LiveServer, BenchHearing]:
    """Start `hearing-server serve` (bench/launcher.py) on a new SQLite database with one
    seeded hearing (`public`: one the court broadcasts, bench/broadcast.py), with `settings`
    beside the bench's own. `address`: another address of this machine to serve HTTP on instead
    of 127.0.0.1 and to gather ICE candidates on besides it (bench/limited.py). `source`: a
    source tree of another revision to run the server from instead of this one
    (bench/compare.py)."""
    server = LiveServer(
        workdir,
        module="bench.launcher",
        database_url=f"sqlite+aiosqlite:///{workdir}/bench.db",
        recordings_dir=str(workdir / "recordings"),
        **settings,
    )
    if source is not None:
        server.env["PYTHONPATH"] = str(source)
    if address is not None:
        server.env["HEARING_HOST"] = server.env[ADDRESSES_VARIABLE] = address
        server.url = f"http://{address}:{server.port}"
    server.run("migrate").check_returncode()
    password = create_staff(server)
    server.start()
    try:
        hearing = asyncio.run(_seed(server.url, password, parties, public))
    except BaseException:
        server.stop()
        raise
    return server, hearing


def relay_server(workdir: Path, bitrate: int) -> ServerProcess:
    """The MediaRelay baseline (bench/relay_server.py) encoding at `bitrate`, not yet started."""
    port = free_port()
    options = ["--port", str(port), "--bitrate", str(bitrate)]
    command = [sys.executable, "-m", "bench.relay_server", *options]
    return ServerProcess(command, workdir, child_env(), port)


async def _seed(url: str, password: str, parties: int, public: bool) -> BenchHearing:
    return await seed_hearing(url, await log_in_staff(url, password), parties, public)
