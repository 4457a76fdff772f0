"""Real server processes on free loopback ports: `hearing-server serve` for the tests that need
one, and any other command that answers HTTP (the benchmarks' baselines).

bench/ starts its servers with this module too. It lives here, not in bench/, because the
tests run in CI (bench/ does not), so CI keeps the one launcher working; and it imports only the
standard library, so the benchmarks take nothing heavy from the tests, and the tests nothing
from bench/.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Any, Self

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def child_env(**variables: str) -> dict[str, str]:
    """This process's environment plus `variables`, with the repository on the PYTHONPATH: a
    child runs in a work folder of its own, and a wrapper module (the tests' or the benchmarks')
    must still import."""
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path, **variables}


class ServerProcess:
    """A child process serving HTTP at `url`, its output in `workdir`/server.log.

    `start` waits until `health` (a path that answers 200 once it is ready) answers; `stop`
    sends SIGINT (the hearing server stops at once on it; SIGTERM would drain first) and kills
    it after 10 s. As a context manager it starts it, unless it is running already, and stops
    it on exit."""

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
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.health = health
        self.ssl_context: ssl.SSLContext | None = None
        """Trusted when checking health (set for HTTPS)."""
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
                raise RuntimeError(
                    f"server exited with {self.process.returncode}:\n{self.log.read_text()}"
                )
            try:
                with urllib.request.urlopen(
                    self.url + self.health, timeout=1, context=self.ssl_context
                ) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(
            f"server did not answer {self.health} within 30 s:\n{self.log.read_text()}"
        )

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> Self:
        if self.process is None or self.process.poll() is not None:
            self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


class LiveServer(ServerProcess):
    """`hearing-server serve` with ``HEARING_*`` settings."""

    def __init__(
        self, workdir: Path, *, module: str = "hearing_server", **settings: str | dict[str, Any]
    ) -> None:
        """``module``: run ``python -m module`` instead (a wrapper of the same command).
        A setting made of fields (``mail={"host": …, "port": …}``, ``sms={"url": …}``) is
        passed as JSON, which is how the server reads one from its environment.
        More arguments for `serve` (e.g. --workers 2) can be added to `command`."""
        port = free_port()
        env = child_env(
            HEARING_PORT=str(port),
            HEARING_HOST="127.0.0.1",
            **{
                f"HEARING_{key.upper()}": value if isinstance(value, str) else json.dumps(value)
                for key, value in settings.items()
            },
        )
        super().__init__([sys.executable, "-m", module, "serve"], workdir, env, port)
        self.module = module

    def run(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        """Run another `hearing-server` command with the same settings (`stdin`: its input)."""
        return subprocess.run(
            [sys.executable, "-m", self.module, *args],
            input=stdin,
            env=self.env,
            cwd=self.workdir,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def use_tls(self, cert: Path, key: Path) -> None:
        """Serve HTTPS with this certificate, and trust it when checking health."""
        self.env["HEARING_TLS_CERT"], self.env["HEARING_TLS_KEY"] = str(cert), str(key)
        self.url = self.url.replace("http://", "https://")
        self.ssl_context = ssl.create_default_context(cafile=str(cert))
