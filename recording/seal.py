"""The integrity seal of a hearing's record: a hash-chained, Ed25519-signed manifest.

Each entry (a recorded file with its SHA-256 and size, or a timeline event) carries the hash
of the entry before it, so no entry can be changed, removed or inserted without breaking every
later link. The manifest hash covers the hearing, the sealing time, the number of entries and
the last entry's hash; the server's Ed25519 key signs it. Its first 60 bits, written as 12
characters, are the verification code shown to the parties at close: anyone holding the code
can later tell whether a manifest is the one they were shown.

Files made after the seal (the archive video, rendered from the segments; the transcript's PDF,
once the participants confirmed it) are appended to the chain: each appended entry links to the one before it (the first to `head`) and carries its own
Ed25519 signature of its hash, by the same key. The sealed header, and with it the verification
code given at close, stays as it was; a seal that promises an archive (an `archive_pending`
event naming its path) lets a verifier tell an archive whose entry was stripped from one not
rendered yet.

The layout (JSON)::

    {"format": "hearing-manifest/1", "hearing": ..., "sealed_at": ISO-8601 UTC,
     "entries": [{"seq", "type": "file"|"event", "at", "data", "prev", "hash"}, ...],
     "head": last entry hash, "manifest_hash": ..., "public_key": hex,
     "signature": hex, "verification_code": "XXXX-XXXX-XXXX",
     "appended": [{"seq", "type": "file", "at", "data", "prev", "hash", "signature"}, ...]}

(`appended` only once something was added after the seal.) A file entry's `data` holds its
storage key (`path`), `sha256`, `bytes` and details; the case's exhibit files are file entries
of kind `exhibit` (naming the exhibit), the identity stills of kind `identity_still`, a
staggered hearing's video statements of kind `statement` (naming the stage and the speaker), the
appended transcript of kind `transcript` (`TRANSCRIPT_FILE` beside the archive), so a
manifest that has them is still of this format, and one sealed before they were listed verifies
as it always did.
"""

import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from .digest import sha256_file

FORMAT = "hearing-manifest/1"
GENESIS = "0" * 64
"""The `prev` of the first entry."""
ARCHIVE_PENDING = "archive_pending"
"""The sealed event promising the archive video (`data.path`), appended once rendered."""
EXHIBIT = "exhibit"
"""The `kind` of a file entry that is one of the case's exhibit files as it stood at close
(`data.exhibit` names the exhibit); it is stored by its hash, outside the hearing's folder."""
IDENTITY_STILL = "identity_still"
"""The `kind` of a file entry that is the still the server took of a person when the bench
checked their identity (`data.participant_id`, `data.check_id`); stored by its hash in a
folder of its own inside the hearing's."""
STATEMENT = "statement"
"""The `kind` of a file entry that is a video statement of a staggered hearing (`data.turn_id`,
`data.speaker`, `data.stage_label`...); stored under the hearing's folder, in
`STATEMENTS_FOLDER`, by its hash."""
STATEMENTS_FOLDER = "statements"
QUESTION_VIDEO = "question_video"
"""The `kind` of a file entry that is the court's recorded question in a staggered hearing
(`data.question_id`, `data.to`, `data.stage_label`...); stored under the hearing's folder, in
`questions/`, by its hash."""
RECORDED = frozenset({STATEMENT, QUESTION_VIDEO})
"""The kinds of file entries recorded in the browser and kept in a folder of the hearing's."""
BY_HASH = frozenset({EXHIBIT, IDENTITY_STILL})
"""The kinds of file entries stored by their hash (in a folder of their own), not beside the
segments: they do not say which folder a copy of the record is."""
TRANSCRIPT = "transcript"
"""The `kind` of an appended file entry that is the hearing's written record (庭审笔录) as a PDF,
confirmed by the participants after close."""
TRANSCRIPT_FILE = "transcript.pdf"
"""The transcript's name in the hearing's folder, beside the archive video: a transcript stored
there whose entry is missing is named by a verifier."""
AGREEMENT = "agreement"
"""The `kind` of an appended file entry that is a mediation's agreement as closed: its text and
every signature with its picture, one JSON document."""
AGREEMENT_FILE = "agreement.json"
RECORD_INTERRUPTED = "record_interrupted"
"""The sealed event saying recording failed (`data.failed_at`, `data.reason`): the record holds
what was recorded before the failure."""
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
"""Crockford's base 32: no I, L, O or U to misread."""

Json = dict[str, Any]


def canonical(value: Any) -> bytes:
    """The one byte string hashed for a JSON value: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(entry: Json) -> str:
    """Hash of an entry's content: every field but `hash` itself (and an appended entry's
    `signature`, which signs this hash)."""
    content = {k: v for k, v in entry.items() if k not in ("hash", "signature")}
    return hashlib.sha256(canonical(content)).hexdigest()


def manifest_hash(manifest: Json) -> str:
    header = {
        "format": manifest["format"],
        "hearing": manifest["hearing"],
        "sealed_at": manifest["sealed_at"],
        "entries": len(manifest["entries"]),
        "head": manifest["head"],
        "public_key": manifest["public_key"],
    }
    return hashlib.sha256(canonical(header)).hexdigest()


def verification_code(digest: str) -> str:
    """12 characters (60 bits of `digest`) in groups of four, e.g. "7QK2-M9XD-4HTR"."""
    bits = int(digest[:15], 16)
    chars = [CODE_ALPHABET[(bits >> shift) & 31] for shift in range(55, -1, -5)]
    return "-".join("".join(chars[i : i + 4]) for i in range(0, 12, 4))


def timestamp(at: datetime) -> str:
    if at.tzinfo is None:
        raise ValueError("times in a manifest must be timezone-aware")
    return at.astimezone(UTC).isoformat(timespec="microseconds")


@dataclass
class ManifestBuilder:
    """Collects a hearing's entries as they happen; `seal` signs them at close."""

    hearing: str
    entries: list[Json] = field(default_factory=list)

    @property
    def head(self) -> str:
        return self.entries[-1]["hash"] if self.entries else GENESIS

    def add_file(self, path: str, sha256: str, size: int, at: datetime, **details: Any) -> Json:
        """A stored file (`path` is its storage key) with its hash, size and any details
        (track, kind, start/end wall-clock) worth keeping in the record."""
        return self._add("file", at, {"path": path, "sha256": sha256, "bytes": size, **details})

    def add_local_file(self, root: Path, path: str, at: datetime, **details: Any) -> Json:
        """`add_file` for a file under `root`, hashing it."""
        local = root / path
        return self.add_file(path, sha256_file(local), local.stat().st_size, at, **details)

    def add_event(self, event: str, at: datetime, **details: Any) -> Json:
        """A timeline event: session opened, recess, phase change, recording failure..."""
        return self._add("event", at, {"event": event, **details})

    def seal(self, key: Ed25519PrivateKey, sealed_at: datetime) -> Json:
        public = key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        manifest: Json = {
            "format": FORMAT,
            "hearing": self.hearing,
            "sealed_at": timestamp(sealed_at),
            "entries": list(self.entries),
            "head": self.head,
            "public_key": public.hex(),
        }
        digest = manifest_hash(manifest)
        manifest["manifest_hash"] = digest
        manifest["signature"] = key.sign(bytes.fromhex(digest)).hex()
        manifest["verification_code"] = verification_code(digest)
        return manifest

    def _add(self, kind: str, at: datetime, data: Json) -> Json:
        entry: Json = {
            "seq": len(self.entries),
            "type": kind,
            "at": timestamp(at),
            "data": data,
            "prev": self.head,
        }
        canonical(entry)  # fail here, not at seal time, on a value JSON cannot hold
        entry["hash"] = entry_hash(entry)
        self.entries.append(entry)
        return entry


def append_file(
    manifest: Json,
    key: Ed25519PrivateKey,
    path: str,
    sha256: str,
    size: int,
    at: datetime,
    **details: Any,
) -> Json:
    """Add a file made after the seal (the archive) to `manifest`'s chain, signed by `key`,
    which must be the key that sealed it. Returns the new entry."""
    public = key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    if public.hex() != manifest["public_key"]:
        raise ValueError("an appended entry must be signed with the key that sealed the manifest")
    appended: list[Json] = manifest.setdefault("appended", [])
    entry: Json = {
        "seq": len(manifest["entries"]) + len(appended),
        "type": "file",
        "at": timestamp(at),
        "data": {"path": path, "sha256": sha256, "bytes": size, **details},
        "prev": appended[-1]["hash"] if appended else manifest["head"],
    }
    entry["hash"] = entry_hash(entry)
    entry["signature"] = key.sign(bytes.fromhex(entry["hash"])).hex()
    appended.append(entry)
    return entry


def manifest_bytes(manifest: Json) -> bytes:
    """The stored form of a manifest (indented JSON, UTF-8)."""
    return (json.dumps(manifest, indent=1, ensure_ascii=False) + "\n").encode()


def write_manifest(manifest: Json, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".part")
    temporary.write_bytes(manifest_bytes(manifest))
    os.replace(temporary, path)


def load_or_create_key(path: Path) -> Ed25519PrivateKey:
    """The server's signing key from `path` (PEM, PKCS#8); generated there, readable by its
    owner only (0600), the first time. Refuses a key file that others can read."""
    if path.exists():
        if path.stat().st_mode & 0o077:
            raise PermissionError(f"signing key {path} must not be readable by others (chmod 600)")
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{path} does not hold an Ed25519 key")
        return key
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)
    return key
