"""Exhibit files in the recordings' storage (local folder or S3; docs/architecture.md#exhibits):
each stored once, under its SHA-256, whichever exhibits and cases it belongs to.

Blocking: async callers run these in a thread (`asyncio.to_thread`).
"""

from __future__ import annotations

import re
from pathlib import Path

from config import Settings
from evidence import Limits
from recording.storage import Storage

PREFIX = "exhibits/"
_SHA256 = re.compile(r"[0-9a-f]{64}")


def exhibit_key(sha256: str) -> str:
    """Where the file with this hex SHA-256 is stored: ``exhibits/<sha256>``."""
    if not _SHA256.fullmatch(sha256):
        raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
    return PREFIX + sha256


def store_once(storage: Storage, source: Path, sha256: str) -> bool:
    """Store `source` under its hash unless a file with that hash is already there; return
    whether it was stored now."""
    key = exhibit_key(sha256)
    if storage.exists(key):
        return False
    storage.put(key, source)
    return True


def exhibit_limits(settings: Settings) -> Limits:
    """What an exhibit file may hold, as this server is configured."""
    return Limits(
        max_bytes=settings.exhibit_max_bytes,
        max_pages=settings.exhibit_max_pages,
        max_page_points=settings.exhibit_max_page_points,
        max_pixels=settings.exhibit_max_pixels,
        max_duration=settings.exhibit_max_duration_seconds,
        pdf_cpu_seconds=settings.exhibit_pdf_cpu_seconds,
        pdf_wall_seconds=settings.exhibit_pdf_wall_seconds,
        pdf_memory_bytes=settings.exhibit_pdf_memory_bytes,
        page_cpu_seconds=settings.exhibit_page_cpu_seconds,
        page_wall_seconds=settings.exhibit_page_wall_seconds,
        image_cpu_seconds=settings.exhibit_image_cpu_seconds,
        image_wall_seconds=settings.exhibit_image_wall_seconds,
        image_memory_bytes=settings.exhibit_image_memory_bytes,
        media_cpu_seconds=settings.exhibit_media_cpu_seconds,
        media_wall_seconds=settings.exhibit_media_wall_seconds,
        media_memory_bytes=settings.exhibit_media_memory_bytes,
    )
