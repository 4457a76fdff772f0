"""A hearing's signed manifest as the server makes it: built at close from the timeline, the
segment rows and the case's exhibit files, sealed and stored with the segments, and extended with the archive video once
it is rendered, so that the manifest alone covers everything a party can download.

Blocking (signing, file copies): the recording service runs these in a thread.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from court.exhibits import exhibit_label
from hearing_server.db.models import (
    Exhibit,
    ExhibitFile,
    HearingEvent,
    IdentityCheckRow,
    Segment,
    Track,
)
from hearing_server.exhibit_store import exhibit_key
from hearing_server.identity_stills import still_key
from recording.digest import sha256_file
from recording.seal import (
    ARCHIVE_PENDING,
    EXHIBIT,
    IDENTITY_STILL,
    RECORD_INTERRUPTED,
    ManifestBuilder,
    append_file,
    load_or_create_key,
    manifest_bytes,
    timestamp,
)
from recording.storage import Storage

ARCHIVE = "archive.mp4"
"""The archive video's name in the hearing's folder."""


def build_manifest(
    name: str,
    events: list[HearingEvent],
    segments: list[tuple[Segment, Track]],
    archive_key: str,
    closed_at: datetime,
    exhibits: Sequence[tuple[Exhibit, ExhibitFile]] = (),
    checks: Sequence[IdentityCheckRow] = (),
    after_segments: Callable[[ManifestBuilder], None] | None = None,
) -> ManifestBuilder:
    """The hearing's timeline events and segment files, in the order they happened; then the
    case's exhibit files as they stood at close (`exhibits`, see `add_exhibit_file`); then the
    stills of the identity checks (`checks`, see `_add_identity_still`); then, if
    recording failed, that the record is interrupted (it holds what was recorded before the
    failure); last the promise of the archive video `archive_key` (appended with its hash
    once rendered). ``after_segments`` adds entries between the segments and the exhibits (a
    hearing turned live from staggered: its stages' part, `staggered_part.py`)."""
    builder = ManifestBuilder(name)
    entries: list[tuple[datetime, HearingEvent | tuple[Segment, Track]]] = [
        (e.at, e) for e in events
    ]
    entries += [(s.ended_at or s.started_at, (s, t)) for s, t in segments]
    for _, item in sorted(entries, key=lambda entry: entry[0]):
        if isinstance(item, HearingEvent):
            builder.add_event(item.kind, item.at, **event_details(item))
        else:
            _add_segment_file(builder, *item)
    if after_segments is not None:
        after_segments(builder)
    for exhibit, file in exhibits:
        add_exhibit_file(builder, exhibit, file, closed_at)
    for check in checks:
        if check.still_sha256 is not None:
            _add_identity_still(builder, check)
    failures = [e for e in events if e.kind == "recording_failed"]
    if failures:
        builder.add_event(
            RECORD_INTERRUPTED,
            closed_at,
            failed_at=timestamp(failures[0].at),
            reason=(failures[0].data or {}).get("error", ""),
            failures=len(failures),
        )
    builder.add_event(ARCHIVE_PENDING, closed_at, path=archive_key)
    return builder


def archive_key(manifest_key: str) -> str:
    """Where the archive of the record sealed in `manifest_key` is stored: beside it."""
    return (PurePosixPath(manifest_key).parent / ARCHIVE).as_posix()


def write_seal(
    storage: Storage,
    root: Path,
    key_path: Path,
    builder: ManifestBuilder,
    files: list[str],
    manifest_key: str,
    sealed_at: datetime,
) -> str:
    """Sign, store the segments (`files`, keys under `root`) and then the manifest; returns
    the verification code."""
    manifest = builder.seal(load_or_create_key(key_path), sealed_at)
    for key in files:
        storage.put(key, root / key)
    storage.put_bytes(manifest_key, manifest_bytes(manifest))
    return str(manifest["verification_code"])


def seal_archive(
    storage: Storage, key_path: Path, manifest_key: str, key: str, output: Path, at: datetime
) -> str:
    """Store the rendered archive under `key` and append its hash, signed, to the manifest;
    returns the hash."""
    storage.put(key, output)
    digest = sha256_file(output)
    manifest: dict[str, Any] = json.loads(storage.read(manifest_key))
    append_file(
        manifest,
        load_or_create_key(key_path),
        key,
        digest,
        output.stat().st_size,
        at,
        kind="archive",
    )
    storage.put_bytes(manifest_key, manifest_bytes(manifest))
    return digest


def event_details(event: HearingEvent) -> dict[str, Any]:
    details = {
        "actor": event.actor,
        "from": event.from_value,
        "to": event.to_value,
        "data": event.data,
    }
    return {k: v for k, v in details.items() if v is not None}


def _add_segment_file(builder: ManifestBuilder, segment: Segment, track: Track) -> None:
    builder.add_file(
        segment.path,
        segment.sha256 or "",
        segment.size_bytes or 0,
        segment.ended_at or segment.started_at,
        participant_id=track.participant_id,
        kind=track.kind,
        codec=track.codec,
        start=segment.started_at.isoformat(),
        end=segment.ended_at.isoformat() if segment.ended_at else None,
    )


def add_exhibit_file(
    builder: ManifestBuilder, exhibit: Exhibit, file: ExhibitFile, closed_at: datetime
) -> None:
    """One file of one of the case's exhibits, by its storage key and hash, with the exhibit's
    label and who submitted it; a withdrawn exhibit's files too, with when it was withdrawn
    (withdrawal is recorded, never a deletion, and the bench saw them)."""
    zh, en = exhibit_label(exhibit.side, exhibit.number)
    builder.add_file(
        exhibit_key(file.sha256),
        file.sha256,
        file.size_bytes,
        closed_at,
        kind=EXHIBIT,
        exhibit=en,
        exhibit_zh=zh,
        exhibit_id=exhibit.id,
        title=exhibit.title,
        file_seq=file.seq,
        name=file.display_name,
        media_type=file.media_type,
        submitted_by=exhibit.submitted_by,
        submitted_by_role=exhibit.submitted_by_role.value,
        submitted_at=timestamp(exhibit.submitted_at),
        added_at=timestamp(file.added_at),
        withdrawn_at=timestamp(exhibit.withdrawn_at) if exhibit.withdrawn_at else None,
        **notarised(file),
    )


def notarised(file: ExhibitFile) -> dict[str, str | None]:
    """The hash a notary certified for the file, and who, when one was given (entries of files
    given none are as before)."""
    if file.notarised_sha256 is None:
        return {}
    return {"notarised_sha256": file.notarised_sha256, "notary": file.notary}


def _add_identity_still(builder: ManifestBuilder, check: IdentityCheckRow) -> None:
    """The still the server took when the bench checked a person's identity, by its storage key
    and hash, with who was checked, by whom, when and on which document. Not the digits: a
    party granted the recording may read the manifest; the digits stay with the bench and the
    archive (the identity-check API)."""
    assert check.still_sha256 is not None
    builder.add_file(
        still_key(check.hearing_id, check.still_sha256),
        check.still_sha256,
        check.still_bytes or 0,
        check.checked_at,
        kind=IDENTITY_STILL,
        check_id=check.id,
        participant_id=check.participant_id,
        document_type=check.document_type,
        checked_by=check.checked_by,
        media_type="image/jpeg",
    )
