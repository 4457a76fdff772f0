"""A real filesystem that fills up: a size-limited tmpfs mounted over a test's folder (root
only), for what the server does when its disk is full."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

needs_root = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("mount") is None, reason="mounting a tmpfs needs root"
)


@contextmanager
def small_disk(folder: Path, size: int) -> Iterator[Path]:
    """`folder` (created) on a tmpfs of `size` bytes while the context lasts."""
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)  # lazy: files may be open


def fill(disk: Path, leave: int) -> None:
    """Fill `disk` until `leave` bytes are free."""
    stats = os.statvfs(disk)
    with (disk / "filler").open("wb") as filler:
        os.posix_fallocate(filler.fileno(), 0, stats.f_bavail * stats.f_frsize - leave)
