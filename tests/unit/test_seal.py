"""Manifest chaining, signing, the verification code, and verify() naming what changed."""

import hashlib
import json
import shutil
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from recording.digest import sha256_file
from recording.seal import (
    ARCHIVE_PENDING,
    EXHIBIT,
    ManifestBuilder,
    append_file,
    entry_hash,
    load_or_create_key,
    verification_code,
    write_manifest,
)
from recording.verify import main, verify

AT = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
FILES = {"h1/judge-video-00000.mkv": b"\x1a\x45\xdf\xa3 video", "h1/judge-audio-00000.mkv": b"a"}


@pytest.fixture
def key(tmp_path: Path) -> Ed25519PrivateKey:
    return load_or_create_key(tmp_path / "keys" / "seal.pem")


def sealed(root: Path, key: Ed25519PrivateKey) -> Path:
    builder = ManifestBuilder("case-2025-17/hearing-1")
    builder.add_event("in_session", AT, by="judge")
    for name, data in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
        builder.add_local_file(root, name, AT + timedelta(seconds=4), track="judge")
    builder.add_event("closed", AT + timedelta(minutes=5))
    path = root / "h1" / "manifest.json"
    write_manifest(builder.seal(key, AT + timedelta(minutes=5)), path)
    return path


def edit(path: Path, change: Any) -> None:
    manifest = json.loads(path.read_text())
    change(manifest)
    path.write_text(json.dumps(manifest))


def flip_bit(path: Path, offset: int) -> None:
    """Change one bit of the file's byte at ``offset``, as a tampered or rotting file would."""
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def kinds(path: Path, key: Ed25519PrivateKey) -> list[tuple[str, str]]:
    report = verify(path, public_key=key.public_key())
    return [(p.kind, p.subject) for p in report.problems]


def test_an_untouched_record_verifies(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    path = sealed(tmp_path, key)
    report = verify(path, public_key=key.public_key())
    assert report.ok and report.key_trusted
    assert (report.files, report.entries) == (2, 4)
    assert report.verification_code == json.loads(path.read_text())["verification_code"]


def test_entries_chain_by_hash(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    entries = json.loads(sealed(tmp_path, key).read_text())["entries"]
    assert entries[0]["prev"] == "0" * 64
    assert [e["prev"] for e in entries[1:]] == [e["hash"] for e in entries[:-1]]


def test_a_changed_byte_names_the_file(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    path = sealed(tmp_path, key)
    flip_bit(tmp_path / "h1/judge-video-00000.mkv", 5)
    assert kinds(path, key) == [("file_changed", "h1/judge-video-00000.mkv")]


def test_a_missing_file_is_named(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    path = sealed(tmp_path, key)
    (tmp_path / "h1/judge-audio-00000.mkv").unlink()
    assert kinds(path, key) == [("file_missing", "h1/judge-audio-00000.mkv")]


def test_an_edited_entry_is_named(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    path = sealed(tmp_path, key)
    edit(path, lambda m: m["entries"][3]["data"].update(event="adjourned"))
    assert kinds(path, key) == [("entry_changed", "entry 3 (adjourned)")]


def test_a_rehashed_entry_breaks_the_chain_after_it(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    path = sealed(tmp_path, key)

    def forge(manifest: dict[str, Any]) -> None:
        entry = manifest["entries"][1]
        entry["data"]["sha256"] = "0" * 64
        entry["hash"] = entry_hash(entry)

    edit(path, forge)
    problems = kinds(path, key)
    assert ("chain_broken", "entry 2 (file h1/judge-audio-00000.mkv)") in problems
    assert ("file_changed", "h1/judge-video-00000.mkv") in problems


def test_a_removed_entry_is_detected(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    path = sealed(tmp_path, key)
    edit(path, lambda m: m["entries"].pop(0))
    problems = kinds(path, key)
    assert ("chain_broken", "entry 0 (file h1/judge-video-00000.mkv)") in problems


def test_a_bad_signature_is_reported(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    path = sealed(tmp_path, key)
    edit(path, lambda m: m.update(signature="00" * 64))
    assert kinds(path, key) == [("signature_invalid", "manifest")]


def test_a_manifest_resealed_with_another_key_is_refused(
    tmp_path: Path, key: Ed25519PrivateKey
) -> None:
    path = sealed(tmp_path, Ed25519PrivateKey.generate())
    assert ("key_mismatch", "manifest") in kinds(path, key)
    # checked against its own key it is consistent, but not trusted
    report = verify(path)
    assert report.ok and not report.key_trusted


def test_a_changed_header_is_reported(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    path = sealed(tmp_path, key)
    edit(path, lambda m: m.update(hearing="another"))
    problems = kinds(path, key)
    assert ("manifest_changed", "manifest") in problems
    assert ("signature_invalid", "manifest") in problems


def test_an_unreadable_manifest_is_reported(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    path = tmp_path / "manifest.json"
    path.write_text("{not json")
    assert kinds(path, key) == [("manifest_unreadable", "manifest")]


def test_verification_code_is_12_unambiguous_characters() -> None:
    code = verification_code("f" * 64)
    assert code == "ZZZZ-ZZZZ-ZZZZ"
    code = verification_code("0123456789abcdef" * 4)
    assert len(code) == 14 and code.count("-") == 2
    assert not set(code) & set("ILOU")
    assert verification_code("1" + "0" * 63) != verification_code("0" * 64)


def test_the_key_is_created_private_and_reloaded(tmp_path: Path) -> None:
    path = tmp_path / "seal.pem"
    key = load_or_create_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_key(path).public_key() == key.public_key()
    path.chmod(0o644)
    with pytest.raises(PermissionError):
        load_or_create_key(path)


def test_times_must_be_timezone_aware() -> None:
    with pytest.raises(ValueError, match="timezone"):
        ManifestBuilder("h").add_event("open", datetime(2025, 1, 1))


def test_the_command_exits_non_zero_on_change(
    tmp_path: Path, key: Ed25519PrivateKey, capsys: pytest.CaptureFixture[str]
) -> None:
    path = sealed(tmp_path, key)
    assert main([str(path)]) == 0
    (tmp_path / "h1/judge-audio-00000.mkv").write_bytes(b"b")
    assert main([str(path), "--files", str(tmp_path / "h1")]) == 1
    assert "CHANGED h1/judge-audio-00000.mkv" in capsys.readouterr().out


def archived(root: Path, key: Ed25519PrivateKey) -> Path:
    """A record sealed with the archive video promised, then appended once rendered."""
    builder = ManifestBuilder("case-2025-17/hearing-1")
    for name, data in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
        builder.add_local_file(root, name, AT + timedelta(seconds=4))
    builder.add_event(ARCHIVE_PENDING, AT + timedelta(minutes=5), path="h1/archive.mp4")
    path = root / "h1" / "manifest.json"
    manifest = builder.seal(key, AT + timedelta(minutes=5))
    write_manifest(manifest, path)
    (root / "h1/archive.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42 archive")
    archive = root / "h1/archive.mp4"
    append_file(
        manifest,
        key,
        "h1/archive.mp4",
        sha256_file(archive),
        archive.stat().st_size,
        AT + timedelta(minutes=6),
        kind="archive",
    )
    write_manifest(manifest, path)
    return path


def test_the_archive_is_appended_to_the_chain_keeping_the_code(
    tmp_path: Path, key: Ed25519PrivateKey
) -> None:
    path = archived(tmp_path, key)
    manifest = json.loads(path.read_text())
    [entry] = manifest["appended"]
    assert entry["prev"] == manifest["head"] and entry["seq"] == len(manifest["entries"])
    report = verify(path, public_key=key.public_key())
    assert report.ok and report.archive == "sealed", report.problems
    assert (report.files, report.entries) == (3, 4)
    assert report.verification_code == manifest["verification_code"]  # the one given at close


def test_a_changed_archive_byte_is_named(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    path = archived(tmp_path, key)
    flip_bit(tmp_path / "h1/archive.mp4", 8)
    assert kinds(path, key) == [("file_changed", "h1/archive.mp4")]


def test_a_stripped_or_forged_archive_entry_is_detected(
    tmp_path: Path, key: Ed25519PrivateKey
) -> None:
    path = archived(tmp_path, key)
    original = path.read_text()
    edit(path, lambda m: m.pop("appended"))
    assert kinds(path, key) == [("archive_unsealed", "h1/archive.mp4")]

    (tmp_path / "h1/archive.mp4").write_bytes(b"another video")
    path.write_text(original)

    def forge(manifest: dict[str, Any]) -> None:
        entry = manifest["appended"][0]
        entry["data"].update(sha256=sha256_file(tmp_path / "h1/archive.mp4"), bytes=13)
        entry["hash"] = entry_hash(entry)

    edit(path, forge)
    assert kinds(path, key) == [("signature_invalid", "entry 3 (file h1/archive.mp4)")]
    with pytest.raises(ValueError, match="key that sealed"):
        append_file(json.loads(original), Ed25519PrivateKey.generate(), "x", "0", 0, AT)


def test_an_archive_not_rendered_yet_is_not_a_change(
    tmp_path: Path, key: Ed25519PrivateKey
) -> None:
    path = archived(tmp_path, key)
    edit(path, lambda m: m.pop("appended"))
    (tmp_path / "h1/archive.mp4").unlink()
    report = verify(path, public_key=key.public_key())
    assert report.ok and report.archive == "pending"


def test_a_copied_folder_is_checked_beside_its_manifest_or_where_told(
    tmp_path: Path, key: Ed25519PrivateKey
) -> None:
    path = archived(tmp_path / "server", key)
    copy = tmp_path / "party" / "record"
    shutil.copytree(path.parent, copy)
    report = verify(copy / "manifest.json", public_key=key.public_key())
    assert report.ok and report.files == 3 and report.checked == str(copy)
    (tmp_path / "server/h1/archive.mp4").write_bytes(b"the server's copy changed")
    assert verify(copy / "manifest.json", public_key=key.public_key()).ok  # not the server's
    elsewhere = tmp_path / "manifest-only"
    elsewhere.mkdir()
    shutil.copy(copy / "manifest.json", elsewhere)
    report = verify(elsewhere / "manifest.json", copy, key.public_key())
    assert report.ok and report.files == 3 and report.checked == str(copy)
    missing = verify(elsewhere / "manifest.json", public_key=key.public_key())
    assert {p.kind for p in missing.problems} == {"file_missing"}


def test_a_listed_path_outside_the_folder_is_not_looked_for(
    tmp_path: Path, key: Ed25519PrivateKey
) -> None:
    (tmp_path / "secret").write_bytes(b"not part of any record")
    path = sealed(tmp_path / "record", key)

    def point_outside(manifest: dict[str, Any]) -> None:
        manifest["entries"][1]["data"]["path"] = "h1/../../secret"

    edit(path, point_outside)
    problems = kinds(path, key)
    assert ("file_missing", "h1/../../secret") in problems
    assert ("entry_changed", "entry 1 (file h1/../../secret)") in problems


def with_exhibits(root: Path, key: Ed25519PrivateKey, sha256: str = "") -> Path:
    """A copy of a hearing's folder (h1/) whose manifest also lists one exhibit file, kept in
    the copy under its key (exhibits/<sha256>) and listed by two exhibits, as the server seals
    a case's files."""
    data = b"%PDF-1.4 contract"
    stored = root / "h1" / "exhibits" / sha256_of(data)
    stored.parent.mkdir(parents=True, exist_ok=True)
    stored.write_bytes(data)
    builder = ManifestBuilder("case-2025-17/hearing-1")
    for name, content in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(content)
        builder.add_local_file(root, name, AT)
    for label in ("Plaintiff's exhibit 1", "Defendant's exhibit 2"):
        builder.add_file(
            f"exhibits/{sha256_of(data)}",
            sha256 or sha256_of(data),
            len(data),
            AT + timedelta(minutes=5),
            kind=EXHIBIT,
            exhibit=label,
        )
    path = root / "h1" / "manifest.json"
    write_manifest(builder.seal(key, AT + timedelta(minutes=5)), path)
    return path


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_exhibit_files_are_checked_and_a_change_names_the_exhibits(
    tmp_path: Path, key: Ed25519PrivateKey
) -> None:
    path = with_exhibits(tmp_path, key)
    report = verify(path, public_key=key.public_key())
    assert report.ok and (report.files, report.exhibit_files) == (3, 1), report.problems
    stored = tmp_path / "h1" / "exhibits" / sha256_of(b"%PDF-1.4 contract")
    subject = f"exhibits/{stored.name} (exhibit Plaintiff's exhibit 1, Defendant's exhibit 2)"
    flip_bit(stored, 3)
    assert kinds(path, key) == [("file_changed", subject)]
    stored.unlink()
    assert kinds(path, key) == [("file_missing", subject)]


def test_the_verification_code_covers_the_exhibit_hashes(
    tmp_path: Path, key: Ed25519PrivateKey
) -> None:
    first = json.loads(with_exhibits(tmp_path / "a", key).read_text())
    other = json.loads(with_exhibits(tmp_path / "b", key, "0" * 64).read_text())
    assert first["verification_code"] != other["verification_code"]


def test_a_manifest_without_exhibits_counts_none(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    report = verify(sealed(tmp_path, key), public_key=key.public_key())
    assert report.ok and (report.files, report.exhibit_files) == (2, 0)
