"""Disk space set aside for sealing a hearing's record, should the recordings disk fill up.

When the disk is full the recorders fail, but what they wrote must still be sealed at close:
segments cut short are recovered (their sidecars rewritten) and the manifest is written, and
all that needs space a full disk no longer has. So while a hearing records, a reserve file
holds some space in its folder (allocated, not a sparse file); it is given back just before
the seal and whenever the hearing's recording is finished.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)

RESERVE = ".seal-reserve"
RESERVE_BYTES = 16 * 1024 * 1024
"""A manifest entry takes ~400 bytes: this seals a record of ~40,000 segments (six tracks in
four-second segments for seven hours) with room left for the sidecars of segments cut short."""


def reserve_space(directory: Path, size: int = RESERVE_BYTES) -> None:
    """Allocate the reserve in `directory` (kept if already there). A disk too full for it
    only gets a warning: recording goes on, and fails when the disk does."""
    path = directory / RESERVE
    if path.exists():
        return
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            os.posix_fallocate(descriptor, 0, size)
        finally:
            os.close(descriptor)
    except OSError as error:
        path.unlink(missing_ok=True)
        log.warning("could not set aside space to seal the record in %s: %s", directory, error)


def release_space(directory: Path) -> None:
    """Give the reserve back (to seal the record); nothing if there is none."""
    (directory / RESERVE).unlink(missing_ok=True)
