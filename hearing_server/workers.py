"""`hearing-server serve --workers N`: N server processes on one machine, one per core.

Worker i listens on port + i and announces http(s)://<host>:<port + i> as its node URL, so a
join that reaches the wrong worker is sent to the one holding its hearing (they coordinate
through Redis). A front proxy spreads pages, the API and first connections over the ports. A
worker that dies is started again; SIGTERM and SIGINT are passed on to every worker (SIGTERM
makes each drain).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType
from urllib.parse import urlsplit

from config import Settings

RESTART_DELAY_SECONDS = 1.0


def worker_env(settings: Settings, index: int) -> dict[str, str]:
    port = settings.port + index
    base = urlsplit(settings.base_url)
    return {
        **os.environ,
        "HEARING_PORT": str(port),
        "HEARING_NODE_URL": f"{base.scheme}://{base.hostname}:{port}",
    }


def run_workers(count: int, settings: Settings, config: Path | None) -> int:
    """Run ``count`` workers until told to stop; the exit status of the group."""
    command = [sys.executable, "-m", "hearing_server"]
    if config is not None:
        command += ["--config", str(config)]
    command.append("serve")
    workers = [subprocess.Popen(command, env=worker_env(settings, i)) for i in range(count)]
    stopping: list[int] = []

    def forward(signum: int, frame: FrameType | None) -> None:
        stopping.append(signum)
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    while True:
        for index, worker in enumerate(workers):
            if worker.poll() is not None and not stopping:
                print(
                    f"worker {index} exited with {worker.returncode}; starting it again",
                    file=sys.stderr,
                    flush=True,
                )
                time.sleep(RESTART_DELAY_SECONDS)
                workers[index] = subprocess.Popen(command, env=worker_env(settings, index))
        if stopping and all(worker.poll() is not None for worker in workers):
            return max((worker.returncode for worker in workers), default=0)
        time.sleep(0.2)
