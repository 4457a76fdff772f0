"""A real `hearing-server serve` process on a free loopback port, for tests that need one."""

from __future__ import annotations

import os
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class LiveServer:
    """Runs the server as a child process with ``HEARING_*`` settings; stops it on exit."""

    def __init__(self, workdir: Path, *, module: str = "hearing_server", **settings: str) -> None:
        """``module``: run ``python -m module`` instead (a wrapper of the same command)."""
        self.module = module
        self.serve_args: list[str] = []
        """More arguments for `serve` (e.g. --workers 2)."""
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ssl_context: ssl.SSLContext | None = None
        self.env = {
            **os.environ,
            "HEARING_PORT": str(self.port),
            "HEARING_HOST": "127.0.0.1",
            **{f"HEARING_{key.upper()}": value for key, value in settings.items()},
            # the child runs in workdir; a wrapper module of the tests must still import
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        }
        self.workdir = workdir
        self.log = workdir / "server.log"
        self.process: subprocess.Popen[bytes] | None = None

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run another `hearing-server` command with the same settings."""
        return subprocess.run(
            [sys.executable, "-m", self.module, *args],
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

    def __enter__(self) -> LiveServer:
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", self.module, "serve", *self.serve_args],
                env=self.env,
                cwd=self.workdir,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"server exited with {self.process.returncode}:\n{self.log.read_text()}"
                )
            try:
                with urllib.request.urlopen(
                    self.url + "/healthz", timeout=1, context=self.ssl_context
                ) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        self.__exit__()
        raise RuntimeError(f"server did not answer /healthz within 30 s:\n{self.log.read_text()}")

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # stop now; SIGTERM would drain first
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
