"""SHA-256 of stored files, read in chunks so a long recording never sits in memory."""

import hashlib
from pathlib import Path

from .storage import Storage

CHUNK = 1 << 20


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_stored(storage: Storage, key: str) -> str:
    digest = hashlib.sha256()
    offset = 0
    while chunk := storage.read(key, offset, CHUNK):
        digest.update(chunk)
        offset += len(chunk)
    return digest.hexdigest()
