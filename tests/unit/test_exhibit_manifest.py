"""The entry the server seals for each exhibit file of the hearing's case
(hearing_server/records/manifest.py): its storage key, hash, size, exhibit and submitter."""

from datetime import UTC, datetime, timedelta

from court.exhibits import ExhibitSide
from court.roles import Role
from hearing_server.db.models import Exhibit, ExhibitFile
from hearing_server.records.manifest import build_manifest
from recording.seal import ARCHIVE_PENDING, EXHIBIT

CLOSED = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
SHA = "ab" * 32


def exhibit(withdrawn: datetime | None = None) -> tuple[Exhibit, ExhibitFile]:
    row = Exhibit(
        id=4,
        case_id=1,
        side=ExhibitSide.DEFENDANT,
        number=2,
        title="收条",
        purpose="已还款",
        submitted_by="李四",
        submitted_by_role=Role.AGENT,
        submitted_at=CLOSED - timedelta(days=3),
        withdrawn_at=withdrawn,
    )
    file = ExhibitFile(
        exhibit_id=4,
        seq=1,
        sha256=SHA,
        media_type="image/jpeg",
        size_bytes=2048,
        original_name="IMG_0001.JPG",
        display_name="收条.jpg",
        added_at=CLOSED - timedelta(days=2),
    )
    return row, file


def test_an_exhibit_file_is_sealed_with_its_key_hash_exhibit_and_submitter() -> None:
    builder = build_manifest("case/hearing-1", [], [], "hearing-1/archive.mp4", CLOSED, [exhibit()])
    [entry, promise] = builder.entries
    assert entry["type"] == "file" and entry["at"] == CLOSED.isoformat(timespec="microseconds")
    assert entry["data"] == {
        "path": f"exhibits/{SHA}",
        "sha256": SHA,
        "bytes": 2048,
        "kind": EXHIBIT,
        "exhibit": "Defendant's exhibit 2",
        "exhibit_zh": "被告证据2",
        "exhibit_id": 4,
        "title": "收条",
        "file_seq": 1,
        "name": "收条.jpg",
        "media_type": "image/jpeg",
        "submitted_by": "李四",
        "submitted_by_role": "agent",
        "submitted_at": (CLOSED - timedelta(days=3)).isoformat(timespec="microseconds"),
        "added_at": (CLOSED - timedelta(days=2)).isoformat(timespec="microseconds"),
        "withdrawn_at": None,
    }
    assert promise["data"]["event"] == ARCHIVE_PENDING


def test_a_withdrawn_exhibit_is_sealed_with_when_it_was_withdrawn() -> None:
    withdrawn = CLOSED - timedelta(days=1)
    builder = build_manifest(
        "case/hearing-1", [], [], "hearing-1/archive.mp4", CLOSED, [exhibit(withdrawn)]
    )
    assert builder.entries[0]["data"]["withdrawn_at"] == withdrawn.isoformat(
        timespec="microseconds"
    )


def test_without_exhibits_the_manifest_is_as_before() -> None:
    builder = build_manifest("case/hearing-1", [], [], "hearing-1/archive.mp4", CLOSED)
    assert [e["data"].get("event") for e in builder.entries] == [ARCHIVE_PENDING]
