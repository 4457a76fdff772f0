"""The servers under test as child processes on loopback: the hearing server and the baseline.

Each runs in a temporary directory with its output in a log file there; its CPU time and
memory are read from /proc by its process id (bench/proc.py), so they are its own.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import TracebackType

from bench.seed import BenchHearing, create_staff, seed_hearing

PYTHON = sys.executable
REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class ServerProcess:
    """A child process serving HTTP at `url`; `start` waits for `health` (a path that answers
    once it is ready), `stop` ends it.

    As a context manager it starts (unless started already) and stops."""

    def __init__(
        self,
        command: list[str],
        workdir: Path,
        env: dict[str, str],
        port: int,
        health: str = "/healthz",
    ) -> None:
        self.command = command
        self.workdir = workdir
        self.env = env
        self.url = f"http://127.0.0.1:{port}"
        self.health = health
        self.log = workdir / "server.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self) -> None:
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                self.command, env=self.env, cwd=self.workdir, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited:\n{self.log.read_text()}")
            try:
                with urllib.request.urlopen(self.url + self.health, timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server did not answer {self.health} in 30 s:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> ServerProcess:
        if self.process is None:
            self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def _env(**extra: str) -> dict[str, str]:
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path, **extra}


def hearing_server(workdir: Path, parties: int) -> tuple[ServerProcess, BenchHearing]:
    """Start `hearing-server serve` on a new SQLite database with one seeded hearing."""
    port = free_port()
    env = _env(
        HEARING_HOST="127.0.0.1",
        HEARING_PORT=str(port),
        HEARING_DATABASE_URL=f"sqlite+aiosqlite:///{workdir}/bench.db",
        HEARING_RECORDINGS_DIR=str(workdir / "recordings"),
    )
    run = [PYTHON, "-m", "bench.launcher"]
    subprocess.run([*run, "migrate"], env=env, cwd=workdir, check=True, capture_output=True)
    password = create_staff(run, env, str(workdir))
    server = ServerProcess([*run, "serve"], workdir, env, port)
    server.start()
    try:
        hearing = asyncio.run(seed_hearing(server.url, password, parties))
    except BaseException:
        server.stop()
        raise
    return server, hearing


def relay_server(workdir: Path, bitrate: int) -> ServerProcess:
    """The MediaRelay baseline (bench/relay_server.py) encoding at `bitrate`, not yet started."""
    port = free_port()
    command = [PYTHON, "-m", "bench.relay_server", "--port", str(port), "--bitrate", str(bitrate)]
    return ServerProcess(command, workdir, _env(), port)
