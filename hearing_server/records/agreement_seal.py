"""A mediation's agreement sealed with the hearing's recording once the court closed it
(docs/architecture.md#mediation-agreement): one JSON document (its text, digest and every
signature with its picture) stored beside the manifest (`hearing-<id>/agreement.json`) and
appended to the manifest as a file entry of kind `agreement`, signed with the server's key as
the archive and the transcript are, so `hearing-server verify` checks its every byte."""

from __future__ import annotations

import asyncio
import hashlib
import json
from pathlib import Path, PurePosixPath
from typing import Any

from hearing_server.db.database import Database
from hearing_server.db.models import utcnow
from hearing_server.records.manifest_lock import manifest_held, sealed_recording
from hearing_server.records.rows import add_event
from recording.seal import (
    AGREEMENT,
    AGREEMENT_FILE,
    append_file,
    load_or_create_key,
    manifest_bytes,
)
from recording.storage import Storage

MEDIA_TYPE = "application/json"


async def seal_agreement(
    database: Database, storage: Storage, key_path: Path, hearing_id: int, document: dict[str, Any]
) -> str | None:
    """Store ``document`` and append it to the hearing's sealed manifest; its SHA-256, or None
    when the hearing has no sealed recording (nothing was recorded)."""
    recording = await sealed_recording(database, hearing_id)
    if recording is None or recording.manifest_path is None:
        return None
    body = json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1).encode()
    manifest_key = recording.manifest_path
    key = (PurePosixPath(manifest_key).parent / AGREEMENT_FILE).as_posix()
    async with manifest_held(database, recording.id) as (db, _held):
        at = utcnow()
        digest = await asyncio.to_thread(_store, storage, key_path, manifest_key, key, body, at)
        add_event(db, hearing_id, "agreement_sealed", at, {"path": key, "sha256": digest})
        await db.commit()
    return digest


def _store(
    storage: Storage, key_path: Path, manifest_key: str, key: str, body: bytes, at: Any
) -> str:
    digest = hashlib.sha256(body).hexdigest()
    manifest: dict[str, Any] = json.loads(storage.read(manifest_key))
    storage.put_bytes(key, body)
    append_file(
        manifest,
        load_or_create_key(key_path),
        key,
        digest,
        len(body),
        at,
        kind=AGREEMENT,
        media_type=MEDIA_TYPE,
    )
    storage.put_bytes(manifest_key, manifest_bytes(manifest))
    return digest
