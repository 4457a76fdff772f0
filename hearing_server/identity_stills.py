"""Identity stills in the recordings' storage (docs/architecture.md#identity-check): each JPEG
stored once under its SHA-256 in the hearing's own folder (so a copy of the folder carries
them, as it carries the segments), and listed in the hearing's sealed manifest.

Blocking: async callers run these in a thread (`asyncio.to_thread`).
"""

from __future__ import annotations

import hashlib
import re

from recording.storage import Storage

FOLDER = "identity-stills"
_SHA256 = re.compile(r"[0-9a-f]{64}")


def still_key(hearing_id: int, sha256: str) -> str:
    """Where the hearing's still with this hex SHA-256 is stored:
    ``hearing-<id>/identity-stills/<sha256>.jpg``."""
    if not _SHA256.fullmatch(sha256):
        raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
    return f"hearing-{hearing_id}/{FOLDER}/{sha256}.jpg"


def store_still(storage: Storage, hearing_id: int, jpeg: bytes) -> str:
    """Store the picture under its hash (once); returns the hash."""
    digest = hashlib.sha256(jpeg).hexdigest()
    key = still_key(hearing_id, digest)
    if not storage.exists(key):
        storage.put_bytes(key, jpeg)
    return digest
