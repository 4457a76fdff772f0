"""Identity stills in the recordings' storage (docs/architecture.md#identity-check): each JPEG
stored once under its SHA-256, as exhibit files are, and listed in the hearing's sealed manifest.

Blocking: async callers run these in a thread (`asyncio.to_thread`).
"""

from __future__ import annotations

import hashlib
import re

from recording.storage import Storage

PREFIX = "identity-stills/"
_SHA256 = re.compile(r"[0-9a-f]{64}")


def still_key(sha256: str) -> str:
    """Where the still with this hex SHA-256 is stored: ``identity-stills/<sha256>``."""
    if not _SHA256.fullmatch(sha256):
        raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
    return PREFIX + sha256


def store_still(storage: Storage, jpeg: bytes) -> str:
    """Store the picture under its hash (once); returns the hash."""
    digest = hashlib.sha256(jpeg).hexdigest()
    key = still_key(digest)
    if not storage.exists(key):
        storage.put_bytes(key, jpeg)
    return digest
