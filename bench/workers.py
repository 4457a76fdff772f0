"""Load-generator processes, driven over a pipe one command at a time.

The parent (bench/load.py, bench/scale.py) starts them (`Workers`) and sends a command: the
name of a method of the child's `Worker` and its arguments; the child runs it on its event loop
and sends back what it returns, or the exception it raised. The parent waits for the replies,
so the servers' CPU is measured while the workers only replay packets and count them. What the
commands do is the benches' own: bench/forwarding_worker.py (one hearing on one server, or a
baseline) and bench/scale_worker.py (many hearings on several processes).
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, Generic, TypeVar

from bench.clip import Clip
from bench.participant import BaseParticipant

REPLY_TIMEOUT = 60.0

P = TypeVar("P", bound=BaseParticipant)


class Worker(Generic[P]):
    """A worker process's side: the participants it runs, and the commands every worker
    answers; subclasses add the rest."""

    def __init__(self, clip: Clip) -> None:
        self.clip = clip
        self.fingerprints = clip.fingerprints()
        self.participants: dict[int, P] = {}

    async def serve(self, conn: Connection) -> None:
        """Answer the parent's commands until it sends `close`."""
        loop = asyncio.get_running_loop()
        while True:
            command, *args = await loop.run_in_executor(None, conn.recv)
            try:
                reply = await getattr(self, command)(*args)
            except Exception as exc:  # reported to the parent, which stops the run
                reply = RuntimeError(f"{command}: {type(exc).__name__}: {exc}")
            conn.send(reply)
            if command == "close":
                return

    async def flowing(self) -> dict[int, int]:
        """Participant id -> number of incoming video streams that delivered a frame."""
        return {pid: p.video_streams_flowing() for pid, p in self.participants.items()}

    async def reset(self) -> None:
        for participant in self.participants.values():
            for stream in participant.incoming.values():
                stream.reset()

    async def close(self) -> None:
        await asyncio.gather(
            *(p.close() for p in self.participants.values()), return_exceptions=True
        )


class Workers:
    """The parent's side: `count` processes running `target(conn, *args)` (which serves a
    `Worker` on `conn`)."""

    def __init__(self, count: int, target: Callable[..., None], *args: Any) -> None:
        context = multiprocessing.get_context("spawn")
        self.conns: list[Connection] = []
        self.processes: list[BaseProcess] = []
        for _ in range(count):
            parent, child = context.Pipe()
            process = context.Process(target=target, args=(child, *args))
            process.start()
            self.conns.append(parent)
            self.processes.append(process)

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.processes if p.pid is not None]

    def ask(self, index: int, *command: Any) -> Any:
        return self.gather({index: command})[index]

    def ask_all(self, *command: Any) -> list[Any]:
        replies = self.gather(dict.fromkeys(range(len(self.conns)), command))
        return [replies[i] for i in range(len(self.conns))]

    def gather(self, commands: dict[int, tuple[Any, ...]]) -> dict[int, Any]:
        """Send each named worker its command, then collect the replies (all work at once)."""
        for index, command in commands.items():
            self.conns[index].send(command)
        replies = {}
        for index, command in commands.items():
            conn = self.conns[index]
            if not conn.poll(REPLY_TIMEOUT):
                raise TimeoutError(
                    f"worker {index} gave no reply to {command[0]!r} in {REPLY_TIMEOUT:g} s"
                )
            reply = conn.recv()
            if isinstance(reply, Exception):
                raise reply
            replies[index] = reply
        return replies

    def flowing(self) -> dict[int, int]:
        """`Worker.flowing` of every worker, together."""
        return {pid: n for reply in self.ask_all("flowing") for pid, n in reply.items()}

    def close(self) -> None:
        for conn, process in zip(self.conns, self.processes, strict=True):
            if process.is_alive():
                with contextlib.suppress(OSError, EOFError):
                    conn.send(("close",))
                    if conn.poll(10):
                        conn.recv()
            process.join(10)
            if process.is_alive():
                process.kill()
                process.join()
