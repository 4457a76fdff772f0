"""A video statement of a staggered hearing, looked at once its last byte arrived: read in a
child process under the evidence probes' budget (evidence/statement_probe.py says what it
checks; evidence/budget.py why a child), as the declared type only. Its SHA-256 is of the
bytes as they arrived."""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evidence.budget import Budget, OverBudget, ProbeFailed, run_probe
from evidence.limits import Limits

PROBE = Path(__file__).resolve().parent.parent / "evidence" / "statement_probe.py"
DEMUXERS = {"video/webm": "matroska", "video/mp4": "mp4"}
"""FFmpeg's reader for each media type a statement may have: nothing else is tried."""
EXTENSIONS = {"video/webm": "webm", "video/mp4": "mp4"}


class BadMedia(Exception):
    """The file is not a statement the court can play: the message says why."""


@dataclass(frozen=True)
class Probed:
    duration_s: float


async def probe(path: Path, media_type: str, limits: Limits) -> Probed:
    """What the file holds, or BadMedia."""
    budget = Budget(limits.media_cpu_seconds, limits.media_memory_bytes, limits.media_wall_seconds)
    try:
        answer = await asyncio.to_thread(_run, path, media_type, budget)
    except OverBudget as exc:
        raise BadMedia("this recording takes too long or too much memory to read") from exc
    except ProbeFailed as exc:
        raise BadMedia("this recording is damaged") from exc
    if "refused" in answer:
        raise BadMedia(f"this is not a {media_type} statement: {answer['refused']}")
    return Probed(duration_s=round(float(answer["duration"]), 3))


def _run(path: Path, media_type: str, budget: Budget) -> dict[str, Any]:
    return run_probe(PROBE, [str(path.resolve()), DEMUXERS[media_type]], budget)


def file_sha256(path: Path) -> str:
    """The file's SHA-256 (blocking: run in a thread)."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while block := file.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()
