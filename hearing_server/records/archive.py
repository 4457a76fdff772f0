"""A hearing's stored record as the server finds it: the storage its files live in, the key
that seals it, and checking it (what the archive video says about itself is read by `chapters`).

Blocking (file and hashing work): async callers run these in a thread.
"""

from __future__ import annotations

import functools
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from config import Settings
from recording.digest import sha256_stored
from recording.storage import LocalStorage, S3Storage, Storage
from recording.verify import Problem, Report, verify

if TYPE_CHECKING:
    from hearing_server.db.models import Recording

MANIFEST_LIMIT = 64 * 1024 * 1024
"""A manifest larger than this is not read: no hearing's record comes near it."""


def recording_storage(settings: Settings) -> Storage:
    """Where recording files are kept: the S3-compatible bucket if one is set, else the
    recordings folder, copied to the backup folder."""
    if settings.s3_bucket:
        return _s3_storage(
            settings.s3_bucket, settings.s3_prefix, settings.s3_endpoint_url, settings.s3_region
        )
    return LocalStorage(settings.recordings_dir, settings.backup_dir)


@functools.lru_cache(maxsize=4)
def _s3_storage(bucket: str, prefix: str, endpoint: str | None, region: str | None) -> Storage:
    """One client per bucket (making a boto3 client takes a while; a client is thread-safe)."""
    return S3Storage(bucket, prefix=prefix, endpoint_url=endpoint, region=region)


class SigningKeyError(Exception):
    """The server's signing key exists but cannot be used; the message says why."""


def server_public_key(key_path: Path) -> Ed25519PublicKey | None:
    """The public half of the server's signing key; None if the server has none yet (then
    a manifest can be checked only against the key written in it)."""
    if not key_path.exists():
        return None
    try:
        if key_path.stat().st_mode & 0o077:
            raise SigningKeyError(f"signing key {key_path} is readable by others (chmod 600)")
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise SigningKeyError(f"cannot read signing key {key_path}: {exc}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"{key_path} does not hold an Ed25519 key")
    return key.public_key()


def read_manifest(storage: Storage, key: str) -> dict[str, Any] | None:
    """The manifest stored under ``key`` as JSON, or None if it is missing or unreadable."""
    try:
        if storage.size(key) > MANIFEST_LIMIT:
            return None
        manifest = json.loads(storage.read(key))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


@dataclass(frozen=True)
class ArchiveCheck:
    """A file the database says was made for the record after its seal (the archive video,
    the transcript's PDF)."""

    key: str
    sha256: str
    """As recorded in the database when the file was made."""


def transcript_check(recording: Recording) -> ArchiveCheck | None:
    """The transcript the database says was sealed for ``recording``, for `verify_stored`."""
    if recording.transcript_path is None or recording.transcript_sha256 is None:
        return None
    return ArchiveCheck(recording.transcript_path, recording.transcript_sha256)


def verify_stored(
    storage: Storage,
    manifest_key: str,
    public_key: Ed25519PublicKey | None,
    archive: ArchiveCheck | None = None,
    transcript: ArchiveCheck | None = None,
) -> Report:
    """``recording.verify`` on a manifest kept in ``storage``, plus the archive video against
    its recorded hash when the manifest does not list it (a record sealed before archives
    were appended to the manifest), and the transcript's PDF the database says was sealed,
    which the manifest must list."""
    with tempfile.TemporaryDirectory(prefix="manifest-") as folder:
        local = Path(folder) / "manifest.json"
        try:
            if storage.size(manifest_key) > MANIFEST_LIMIT:
                raise ValueError("larger than any manifest")
            local.write_bytes(storage.read(manifest_key))
        except (OSError, ValueError) as exc:
            report = Report()
            report.problems.append(Problem("manifest_unreadable", manifest_key, str(exc)))
            return report
        report = verify(local, storage, public_key)
        listed = _listed_files(local)
    if archive is not None and archive.key not in listed:
        report.files += 1
        if not storage.exists(archive.key):
            report.problems.append(Problem("file_missing", archive.key, "archive video not found"))
        elif sha256_stored(storage, archive.key) != archive.sha256:
            report.problems.append(
                Problem("file_changed", archive.key, "archive video differs from its hash")
            )
    if transcript is not None and transcript.key not in listed:
        report.problems.append(
            Problem(
                "transcript_unsealed",
                f"{transcript.key} (transcript)",
                "the transcript PDF sealed for this recording is not in its manifest",
            )
        )
    return report


def _listed_files(manifest: Path) -> set[str]:
    try:
        content = json.loads(manifest.read_text())
        entries = content["entries"] + content.get("appended", [])
        return {str(e["data"]["path"]) for e in entries if e.get("type") == "file"}
    except (OSError, ValueError, KeyError, TypeError):
        return set()
