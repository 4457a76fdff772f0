"""The confirmed transcript's PDF sealed with the recording (docs/architecture.md#transcript):
rendered, stored beside the archive (`hearing-<id>/transcript.pdf`) and appended to the
hearing's manifest as a file entry of kind `transcript`, signed with the server's key as the
archive is, so the verification code given at close stays the same and `hearing-server verify`
checks the PDF's every byte.

The PDF prints the manifest's hash (the one the verification code is the start of), so the
paper and the recording name each other.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from hearing_server.db.database import Database
from hearing_server.db.models import utcnow
from hearing_server.records.manifest_lock import manifest_held, sealed_recording
from hearing_server.records.rows import add_event
from hearing_server.transcript_pdf import TranscriptDocument
from hearing_server.transcript_pdf.apart import render_apart
from recording.seal import (
    TRANSCRIPT,
    TRANSCRIPT_FILE,
    append_file,
    load_or_create_key,
    manifest_bytes,
)
from recording.storage import Storage

from .archive import read_manifest

MEDIA_TYPE = "application/pdf"


class TranscriptNotSealable(Exception):
    """The transcript cannot be sealed now; `code` says why: `not_sealed` (the hearing's
    recording has no manifest yet: nothing recorded, or its seal still being retried) or
    `already_sealed` (another PDF is sealed for it already)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class SealedTranscript:
    recording_id: int
    key: str
    """Where the PDF is stored."""
    sha256: str
    size: int
    verification_code: str
    """The code given at close, which the PDF prints and which stays the same."""


async def seal_transcript(
    database: Database,
    storage: Storage,
    key_path: Path,
    hearing_id: int,
    document: TranscriptDocument,
) -> SealedTranscript:
    """Render ``document`` and seal it with the hearing's recording: the manifest's hash and
    verification code are filled into the document from the sealed manifest (whatever it
    held), the PDF stored and appended to the manifest, the recording's row and timeline
    (`transcript_sealed`) told. Sealing the same document again changes nothing; another
    one is refused (`TranscriptNotSealable`), as is a hearing whose record is not sealed.
    Rendered in a child process (`render_apart`: `FontMissing`, `RenderFailed`).
    ``storage`` and ``key_path`` are the recording service's (`recording_storage(settings)`,
    `settings.signing_key_path`)."""
    recording = await sealed_recording(database, hearing_id)
    if recording is None or recording.manifest_path is None:
        raise TranscriptNotSealable(
            "not_sealed",
            f"hearing {hearing_id} has no sealed recording to seal the transcript with",
        )
    manifest_key = recording.manifest_path
    manifest = await asyncio.to_thread(read_manifest, storage, manifest_key)
    if manifest is None:
        raise TranscriptNotSealable("not_sealed", f"the manifest {manifest_key} cannot be read")
    document = dataclasses.replace(
        document,
        manifest_sha256=str(manifest.get("manifest_hash", "")),
        verification_code=str(manifest.get("verification_code", "")),
    )
    pdf = await render_apart(document)
    key = transcript_key(manifest_key)
    async with manifest_held(database, recording.id) as (db, held):
        at = utcnow()
        digest = await asyncio.to_thread(
            store_transcript, storage, key_path, manifest_key, key, pdf, at
        )
        if held.transcript_sha256 != digest:  # also after a crash between the two writes
            held.transcript_path = key
            held.transcript_sha256 = digest
            details = {"path": key, "sha256": digest, "bytes": len(pdf)}
            add_event(db, hearing_id, "transcript_sealed", at, details)
            await db.commit()
    return SealedTranscript(recording.id, key, digest, len(pdf), document.verification_code or "")


def transcript_key(manifest_key: str) -> str:
    """Where the transcript of the record sealed in ``manifest_key`` is stored: beside it."""
    return (PurePosixPath(manifest_key).parent / TRANSCRIPT_FILE).as_posix()


def store_transcript(
    storage: Storage, key_path: Path, manifest_key: str, key: str, pdf: bytes, at: datetime
) -> str:
    """Store ``pdf`` under ``key`` and append its hash, signed, to the manifest; returns its
    SHA-256. This very PDF sealed already is only stored again (a retry after a lost write).
    Blocking; hold the manifest (`manifest_held`) around it."""
    digest = hashlib.sha256(pdf).hexdigest()
    manifest: dict[str, Any] = json.loads(storage.read(manifest_key))
    sealed = [
        entry["data"]
        for entry in manifest.get("appended", [])
        if entry.get("data", {}).get("kind") == TRANSCRIPT
    ]
    if sealed and sealed[-1].get("sha256") != digest:
        raise TranscriptNotSealable(
            "already_sealed", f"another transcript PDF is sealed in {manifest_key} already"
        )
    storage.put_bytes(key, pdf)
    if sealed:
        return digest
    append_file(
        manifest,
        load_or_create_key(key_path),
        key,
        digest,
        len(pdf),
        at,
        kind=TRANSCRIPT,
        media_type=MEDIA_TYPE,
    )
    storage.put_bytes(manifest_key, manifest_bytes(manifest))
    return digest
