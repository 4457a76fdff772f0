"""Checks a sealed hearing manifest and the files it lists; says exactly what changed.

Every entry's hash is recomputed (an edited entry is named), every link to the previous entry
checked (a removed or inserted entry breaks the chain there), the manifest hash and Ed25519
signature checked, entries appended after the seal (the archive video) checked the same way
with their own signatures, and every listed file hashed again (a changed byte names the file,
and the exhibit, for one of the case's exhibit files, the stage and the speaker, for a video
statement, or the transcript's PDF).
Pass the server's public key: the key written in the manifest proves only that whoever made
the manifest held some key.

The files are looked for beside the manifest (a copy of a hearing's folder keeps the manifest
with its files, the exhibit files under `exhibits/` by their keys, and a staggered hearing's
video statements under `statements/`), in another folder
holding them, or in the server's storage.

Command line: python -m recording.verify MANIFEST [--files FOLDER] [--public-key PEM]
"""

import argparse
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .digest import sha256_stored
from .seal import (
    ARCHIVE_PENDING,
    BY_HASH,
    EXHIBIT,
    FORMAT,
    GENESIS,
    IDENTITY_STILL,
    QUESTION_VIDEO,
    RECORD_INTERRUPTED,
    RECORDED,
    STATEMENT,
    TRANSCRIPT,
    TRANSCRIPT_FILE,
    entry_hash,
    manifest_hash,
    verification_code,
)
from .storage import FolderView, Storage


@dataclass(frozen=True, slots=True)
class Problem:
    kind: str
    """manifest_unreadable, entry_changed, chain_broken, head_mismatch, manifest_changed,
    signature_invalid, key_mismatch, file_missing, file_changed, archive_unsealed (the
    archive video the seal promised is there, but its entry is not), transcript_unsealed (a
    transcript PDF lies beside the archive, but no entry lists it)."""
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
    exhibit_files: int = 0
    """Of `files`, those listed as the case's exhibit files (none in a manifest sealed before
    exhibits were listed)."""
    statement_files: int = 0
    """Of `files`, a staggered hearing's video statements."""
    question_files: int = 0
    """Of `files`, the court's recorded questions in a staggered hearing."""
    entries: int = 0
    """Sealed and appended."""
    archive: str = ""
    """The archive video the seal promised: "sealed" (its hash is in the chain), "pending"
    (not rendered yet), or "" (the seal promised none: a manifest made before archives were
    sealed, whose archive the caller checks otherwise)."""
    transcript: str = ""
    """The transcript's PDF: its path when an appended entry lists it, "" when none does
    (not confirmed yet, or a record without one)."""
    checked: str = ""
    """Where the files were looked for (a folder, or the storage given)."""
    interrupted: str = ""
    """If the seal says recording failed: when and why (the record ends there)."""

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def among(self) -> str:
        """What the files checked include beside the recording, for a report's reader:
        " (2 exhibit files, the transcript PDF)", or ""."""
        among = [_count(self.statement_files, "video statement")] if self.statement_files else []
        among += [_count(self.question_files, "recorded question")] if self.question_files else []
        among += [f"{self.exhibit_files} exhibit files"] if self.exhibit_files else []
        among += ["the transcript PDF"] if self.transcript else []
        return f" ({', '.join(among)})" if among else ""


def _count(number: int, thing: str) -> str:
    return f"{number} {thing}" + ("" if number == 1 else "s")


def verify(
    manifest_path: Path,
    files: Path | Storage | None = None,
    public_key: Ed25519PublicKey | None = None,
) -> Report:
    """Check `manifest_path` and the files it lists. They are found in the folder `files`
    (by default the manifest's own folder), which holds them by name as the server's hearing
    folder does, or in a Storage keyed by each entry's path."""
    report = Report(key_trusted=public_key is not None)
    try:
        manifest = json.loads(manifest_path.read_text())
        if manifest.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} manifest")
        entries: list[dict[str, Any]] = manifest["entries"]
        appended: list[dict[str, Any]] = manifest.get("appended", [])
        report.entries = len(entries) + len(appended)
        _check_chain(entries, manifest["head"], report)
        embedded = _check_signature(manifest, public_key, report)
        _check_appended(appended, len(entries), manifest["head"], public_key or embedded, report)
        listed = {  # by path; a later entry (the archive rendered again) replaces an earlier
            str(e["data"]["path"]): e["data"] for e in entries + appended if e["type"] == "file"
        }
        promised = [
            str(e["data"]["path"])
            for e in entries
            if e["type"] == "event" and e["data"]["event"] == ARCHIVE_PENDING
        ]
        for entry in entries:
            if entry["type"] == "event" and entry["data"]["event"] == RECORD_INTERRUPTED:
                data = entry["data"]
                report.interrupted = f"recording failed at {data['failed_at']}: {data['reason']}"
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        report.problems.append(Problem("manifest_unreadable", "manifest", str(error)))
        return report
    if isinstance(files, Storage):
        storage = files
        report.checked = str(getattr(files, "root", "the storage given"))
    else:
        folder = manifest_path.parent if files is None else files
        recorded = (
            _folder(path, data) for path, data in listed.items() if data.get("kind") not in BY_HASH
        )
        storage = FolderView(folder, _common_folder(recorded))
        report.checked = str(folder)
    exhibits = _exhibits(entries + appended)
    for path, data in listed.items():
        report.files += 1
        report.exhibit_files += data.get("kind") == EXHIBIT
        report.statement_files += data.get("kind") == STATEMENT
        report.question_files += data.get("kind") == QUESTION_VIDEO
        if data.get("kind") == TRANSCRIPT:
            report.transcript = path
        _check_file(storage, data, exhibits.get(path, ""), report)
    _check_archive(promised, listed, storage, report)
    _check_transcript(promised, listed, storage, report)
    return report


def _folder(path: str, data: dict[str, Any]) -> str:
    """The hearing's folder a listed file says the record is in: a segment's own folder; a
    statement's or recorded question's folder's parent (the hearing's folder keeps them under
    `statements/` and `questions/`)."""
    parent = PurePosixPath(path).parent
    return (parent.parent if data.get("kind") in RECORDED else parent).as_posix()


def _common_folder(folders: Iterable[str]) -> str:
    """The folder ("hearing-12/") all the listed files lie in, if they share one."""
    parents = set(folders)
    return f"{parents.pop()}/" if len(parents) == 1 and "." not in parents else ""


def _exhibits(entries: list[dict[str, Any]]) -> dict[str, str]:
    """By path, the exhibits that list the file there (a file stored once may be in several),
    the identity check whose still it is, or "transcript", for naming them in a problem."""
    labels: dict[str, dict[str, None]] = {}
    stills: dict[str, str] = {}
    for entry in entries:
        data = entry["data"]
        if entry["type"] == "file" and data.get("kind") == EXHIBIT:
            labels.setdefault(str(data["path"]), {})[str(data.get("exhibit"))] = None
        elif entry["type"] == "file" and data.get("kind") == IDENTITY_STILL:
            stills[str(data["path"])] = (
                f"identity still of participant {data.get('participant_id')}"
            )
        elif entry["type"] == "file" and data.get("kind") == TRANSCRIPT:
            stills[str(data["path"])] = "transcript"
        elif entry["type"] == "file" and data.get("kind") == STATEMENT:
            stills[str(data["path"])] = (
                f"video statement of {data.get('speaker')}, stage {data.get('stage_seq')} "
                f"{data.get('stage_label')}"
            )
        elif entry["type"] == "file" and data.get("kind") == QUESTION_VIDEO:
            stills[str(data["path"])] = (
                f"recorded question to {data.get('to')}, stage {data.get('stage_seq')} "
                f"{data.get('stage_label')}"
            )
    named = {path: "exhibit " + ", ".join(names) for path, names in labels.items()}
    return {**stills, **named}


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
) -> Ed25519PublicKey:
    """Check the seal's hash and signature; returns the key written in the manifest."""
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
    return embedded


def _check_appended(
    appended: list[dict[str, Any]],
    first: int,
    head: str,
    key: Ed25519PublicKey,
    report: Report,
) -> None:
    """Entries added after the seal: each links to the one before it (the first to the
    sealed head) and is signed by the key that sealed the manifest."""
    previous = head
    for index, entry in enumerate(appended, start=first):
        subject = _describe(index, entry)
        digest = entry_hash(entry)
        if digest != entry.get("hash") or entry.get("seq") != index:
            report.problems.append(
                Problem("entry_changed", subject, "content does not match its hash")
            )
        if entry.get("prev") != previous:
            report.problems.append(
                Problem("chain_broken", subject, "does not link to the entry before it")
            )
        try:
            key.verify(bytes.fromhex(str(entry.get("signature", ""))), bytes.fromhex(digest))
        except (InvalidSignature, ValueError):
            report.problems.append(
                Problem("signature_invalid", subject, "appended entry is not validly signed")
            )
        previous = entry.get("hash", "")


def _check_archive(
    promised: list[str], listed: dict[str, Any], storage: Storage, report: Report
) -> None:
    """The archive video the seal promised: sealed, not rendered yet, or present without its
    entry (which someone removed, or the server never added)."""
    for path in promised:
        if path in listed:
            report.archive = "sealed"
        elif storage.exists(path):
            report.problems.append(
                Problem("archive_unsealed", path, "the archive video's hash is not in the seal")
            )
        else:
            report.archive = "pending"


def _check_transcript(
    promised: list[str], listed: dict[str, Any], storage: Storage, report: Report
) -> None:
    """A transcript PDF stored beside the archive the seal promised, which no entry lists:
    its entry was removed (or the server never added it), so nothing vouches for it."""
    for archive in promised:
        path = (PurePosixPath(archive).parent / TRANSCRIPT_FILE).as_posix()
        if path in listed:
            continue
        try:
            there = storage.exists(path)
        except ValueError:
            continue
        if there:
            report.problems.append(
                Problem(
                    "transcript_unsealed",
                    f"{path} (transcript)",
                    "a transcript PDF is stored, but its hash is not in the seal",
                )
            )


def _check_file(storage: Storage, data: dict[str, Any], exhibits: str, report: Report) -> None:
    path = str(data["path"])
    subject = f"{path} ({exhibits})" if exhibits else path
    try:
        found = storage.exists(path)
    except ValueError:  # "../x", "/etc/passwd": no file the server stores, never looked for
        report.problems.append(Problem("file_missing", subject, "not a path of a stored file"))
        return
    if not found:
        report.problems.append(Problem("file_missing", subject, "listed but not found"))
    elif storage.size(path) != data["bytes"] or sha256_stored(storage, path) != data["sha256"]:
        report.problems.append(Problem("file_changed", subject, "content differs from its hash"))


def _raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Verify a sealed hearing manifest.")
    parser.add_argument("manifest", type=Path)
    parser.add_argument(
        "--files", type=Path, help="folder holding the manifest's files (default: its own)"
    )
    parser.add_argument("--public-key", type=Path, help="the server's public key (PEM)")
    args = parser.parse_args(argv)
    key = None
    if args.public_key is not None:
        loaded = serialization.load_pem_public_key(args.public_key.read_bytes())
        if not isinstance(loaded, Ed25519PublicKey):
            parser.error("--public-key must be an Ed25519 key")
        key = loaded
    report = verify(args.manifest, args.files, key)
    print(f"verification code {report.verification_code or '-'}; {report.entries} entries")
    print(f"files checked in {report.checked or '-'}")
    if report.interrupted:
        print(f"interrupted record: {report.interrupted}")
    for problem in report.problems:
        print(f"CHANGED {problem}")
    if report.ok:
        trust = "the server's key" if report.key_trusted else "the key in the manifest only"
        print(f"OK: {report.files} files intact{report.among}, signature valid ({trust})")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
