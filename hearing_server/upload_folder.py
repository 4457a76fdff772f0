"""The folder where exhibit files wait while they are uploaded (docs/architecture.md#exhibits):
one file per upload, named by its row's id, holding the bytes received so far. Its size is the
upload's offset, so a client that lost its connection asks for it and goes on from there.

Blocking (file system work): async callers run these in a thread (`asyncio.to_thread`).
"""

from __future__ import annotations

import os
import time
from pathlib import Path


def part_path(folder: Path, upload_id: int) -> Path:
    return folder / f"{upload_id}.part"


def received(path: Path) -> int:
    """Bytes received so far (0 before the first)."""
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def append(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("ab") as file:
        file.write(data)


def cut_back(path: Path, size: int) -> None:
    """Drop what a refused chunk left past `size`."""
    if received(path) > size:
        os.truncate(path, size)


def discard(path: Path) -> None:
    path.unlink(missing_ok=True)


def sweep(folder: Path, max_age_seconds: float) -> int:
    """Remove the waiting files untouched for longer than uploads live (their rows have
    expired, or a crash left them without one); return how many."""
    if not folder.is_dir():
        return 0
    oldest = time.time() - max_age_seconds
    removed = 0
    for path in folder.glob("*.part"):
        try:
            if path.stat().st_mtime < oldest:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed
