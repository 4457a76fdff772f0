"""One of evidence's probe scripts run in a child process under a CPU, memory and wall-time
budget: what reading a PDF, an image or a recording may cost the server.

A probe reads one uploaded file with a C library (PDFium, Pillow's decoders, FFmpeg) that a
crafted file can make loop, allocate without bound or crash. In a child that costs only the
child: `budget_child` limits its CPU time and address space before the probe imports anything,
so the kernel stops it past them, and the parent here waits no longer than the wall time. The
child is a fresh interpreter (`subprocess`, not `fork`: a fork of the server would carry its
threads' locks and its memory) started with `python -I` (no project on the path, no environment
variables), so a probe imports only the standard library and its one parser.

The call blocks until the child ends; async callers run it in a thread (`asyncio.to_thread`).
Whatever goes wrong in the child is `OverBudget` or `ProbeFailed`, which the caller turns into
its refusal; never an exception of another kind, never a longer wait.
"""

import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

logger = logging.getLogger(__name__)

RUNNER = Path(__file__).with_name("budget_child.py")
OVER_BUDGET = {-signal.SIGXCPU, -signal.SIGKILL, -signal.SIGABRT}
"""How a child ends when the kernel stops it at its CPU limit, or a C library aborts it when an
allocation fails at the memory limit."""


@dataclass(frozen=True)
class Budget:
    cpu_seconds: int
    memory_bytes: int
    """Address space: it includes the interpreter and the parser's libraries."""
    wall_seconds: float
    """The child is killed after this long, even when it waits rather than computes."""


class OverBudget(Exception):
    """The child went past its CPU time, memory or wall time."""


class ProbeFailed(Exception):
    """The child ended without an answer (its error output is logged): the parser crashed."""


def run_probe(probe: Path, arguments: Sequence[str], budget: Budget) -> dict[str, Any]:
    """The JSON object that `probe(*arguments)` of the script `probe` returns, computed in a
    child process under `budget`; or OverBudget, or ProbeFailed."""
    command = [
        sys.executable,
        "-I",
        str(RUNNER),
        str(budget.cpu_seconds),
        str(budget.memory_bytes),
        str(probe),
        *arguments,
    ]
    # the child's output goes to files, of which only the ends are read: a library may write a
    # line per stream or per damaged packet for as long as the budget lets it
    with tempfile.TemporaryFile() as output, tempfile.TemporaryFile() as errors:
        try:
            done = subprocess.run(
                command,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=errors,
                timeout=budget.wall_seconds,
                check=False,
            )
        except subprocess.TimeoutExpired:
            logger.info("%s past its %g s of wall time", probe.name, budget.wall_seconds)
            raise OverBudget("wall time") from None
        if done.returncode in OVER_BUDGET:
            logger.info("%s stopped by signal %d", probe.name, -done.returncode)
            raise OverBudget("CPU time or memory")
        lines = tail(output, 1 << 16).strip().splitlines()
        try:
            answer = json.loads(lines[-1]) if lines else None
        except ValueError:
            answer = None
        if done.returncode != 0 or not isinstance(answer, dict):
            logger.warning(
                "%s %s ended with %d: %s",
                probe.name,
                " ".join(arguments),
                done.returncode,
                tail(errors, 2000).decode(errors="replace"),
            )
            raise ProbeFailed(probe.name)
    if "over_budget" in answer:
        logger.info("%s ran out of memory", probe.name)
        raise OverBudget("memory")
    return answer


def tail(file: IO[bytes], size: int) -> bytes:
    """The last `size` bytes written to `file`."""
    file.seek(max(0, file.seek(0, os.SEEK_END) - size))
    return file.read()
