"""Checks a sealed hearing manifest and the files it lists; says exactly what changed.

Every entry's hash is recomputed (an edited entry is named), every link to the previous entry
checked (a removed or inserted entry breaks the chain there), the manifest hash and Ed25519
signature checked, and every listed file hashed again (a changed byte names the file).
Pass the server's public key: the key written in the manifest proves only that whoever made
the manifest held some key.

Command line: python -m recording.verify MANIFEST FILES_ROOT [--public-key PEM]
"""

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .digest import sha256_stored
from .seal import FORMAT, GENESIS, entry_hash, manifest_hash, verification_code
from .storage import LocalStorage, Storage


@dataclass(frozen=True, slots=True)
class Problem:
    kind: str
    """manifest_unreadable, entry_changed, chain_broken, head_mismatch, manifest_changed,
    signature_invalid, key_mismatch, file_missing, file_changed."""
    subject: str
    """What it concerns: "entry 3 (file a/b.mkv)", a file's path, or "manifest"."""
    detail: str

    def __str__(self) -> str:
        return f"{self.subject}: {self.detail}"


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    verification_code: str = ""
    """Recomputed from the manifest's content: compare with the code shown at close."""
    key_trusted: bool = False
    """Whether the signature was checked against a key given by the caller."""
    files: int = 0
    entries: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(
    manifest_path: Path, files: Path | Storage, public_key: Ed25519PublicKey | None = None
) -> Report:
    """Check `manifest_path` and the files it lists, found under `files` (a folder or a
    Storage, keyed by each entry's path)."""
    report = Report(key_trusted=public_key is not None)
    try:
        manifest = json.loads(manifest_path.read_text())
        if manifest.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} manifest")
        entries: list[dict[str, Any]] = manifest["entries"]
        report.entries = len(entries)
        _check_chain(entries, manifest["head"], report)
        _check_signature(manifest, public_key, report)
    except (OSError, ValueError, KeyError, TypeError) as error:
        report.problems.append(Problem("manifest_unreadable", "manifest", str(error)))
        return report
    storage = LocalStorage(files) if isinstance(files, Path) else files
    for entry in entries:
        if entry.get("type") == "file":
            report.files += 1
            _check_file(storage, entry["data"], report)
    return report


def _describe(index: int, entry: dict[str, Any]) -> str:
    data = entry.get("data") or {}
    what = f"file {data.get('path')}" if entry.get("type") == "file" else data.get("event")
    return f"entry {index} ({what})"


def _check_chain(entries: list[dict[str, Any]], head: str, report: Report) -> None:
    previous = GENESIS
    for index, entry in enumerate(entries):
        subject = _describe(index, entry)
        if entry_hash(entry) != entry.get("hash") or entry.get("seq") != index:
            report.problems.append(
                Problem("entry_changed", subject, "content does not match its hash")
            )
        if entry.get("prev") != previous:
            report.problems.append(
                Problem("chain_broken", subject, "does not link to the entry before it")
            )
        previous = entry.get("hash", "")
    if head != previous:
        report.problems.append(Problem("head_mismatch", "manifest", "head is not the last entry"))


def _check_signature(
    manifest: dict[str, Any], public_key: Ed25519PublicKey | None, report: Report
) -> None:
    digest = manifest_hash(manifest)
    report.verification_code = verification_code(digest)
    if digest != manifest["manifest_hash"]:
        report.problems.append(
            Problem("manifest_changed", "manifest", "header or entry count changed after sealing")
        )
    embedded = Ed25519PublicKey.from_public_bytes(bytes.fromhex(manifest["public_key"]))
    if public_key is not None and _raw(public_key) != _raw(embedded):
        report.problems.append(
            Problem("key_mismatch", "manifest", "signed with a key other than the server's")
        )
    try:
        (public_key or embedded).verify(bytes.fromhex(manifest["signature"]), bytes.fromhex(digest))
    except InvalidSignature:
        report.problems.append(Problem("signature_invalid", "manifest", "signature is not valid"))


def _check_file(storage: Storage, data: dict[str, Any], report: Report) -> None:
    path = str(data["path"])
    if not storage.exists(path):
        report.problems.append(Problem("file_missing", path, "listed but not found"))
    elif storage.size(path) != data["bytes"] or sha256_stored(storage, path) != data["sha256"]:
        report.problems.append(Problem("file_changed", path, "content differs from its hash"))


def _raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Verify a sealed hearing manifest.")
    parser.add_argument("manifest", type=Path)
    parser.add_argument("files_root", type=Path)
    parser.add_argument("--public-key", type=Path, help="the server's public key (PEM)")
    args = parser.parse_args(argv)
    key = None
    if args.public_key is not None:
        loaded = serialization.load_pem_public_key(args.public_key.read_bytes())
        if not isinstance(loaded, Ed25519PublicKey):
            parser.error("--public-key must be an Ed25519 key")
        key = loaded
    report = verify(args.manifest, args.files_root, key)
    print(f"verification code {report.verification_code or '-'}; {report.entries} entries")
    for problem in report.problems:
        print(f"CHANGED {problem}")
    if report.ok:
        trust = "the server's key" if report.key_trusted else "the key in the manifest only"
        print(f"OK: {report.files} files intact, signature valid ({trust})")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
