"""Manifest chaining, signing, the verification code, and verify() naming what changed."""

import json
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from recording.seal import (
    ManifestBuilder,
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


def kinds(path: Path, root: Path, key: Ed25519PrivateKey) -> list[tuple[str, str]]:
    report = verify(path, root, key.public_key())
    return [(p.kind, p.subject) for p in report.problems]


def test_an_untouched_record_verifies(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    path = sealed(tmp_path, key)
    report = verify(path, tmp_path, key.public_key())
    assert report.ok and report.key_trusted
    assert (report.files, report.entries) == (2, 4)
    assert report.verification_code == json.loads(path.read_text())["verification_code"]


def test_entries_chain_by_hash(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    entries = json.loads(sealed(tmp_path, key).read_text())["entries"]
    assert entries[0]["prev"] == "0" * 64
    assert [e["prev"] for e in entries[1:]] == [e["hash"] for e in entries[:-1]]


def test_a_changed_byte_names_the_file(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    path = sealed(tmp_path, key)
    segment = tmp_path / "h1/judge-video-00000.mkv"
    data = bytearray(segment.read_bytes())
    data[5] ^= 0x01
    segment.write_bytes(bytes(data))
    assert kinds(path, tmp_path, key) == [("file_changed", "h1/judge-video-00000.mkv")]


def test_a_missing_file_is_named(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    path = sealed(tmp_path, key)
    (tmp_path / "h1/judge-audio-00000.mkv").unlink()
    assert kinds(path, tmp_path, key) == [("file_missing", "h1/judge-audio-00000.mkv")]


def test_an_edited_entry_is_named(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    path = sealed(tmp_path, key)
    edit(path, lambda m: m["entries"][3]["data"].update(event="adjourned"))
    assert kinds(path, tmp_path, key) == [("entry_changed", "entry 3 (adjourned)")]


def test_a_rehashed_entry_breaks_the_chain_after_it(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    path = sealed(tmp_path, key)

    def forge(manifest: dict[str, Any]) -> None:
        entry = manifest["entries"][1]
        entry["data"]["sha256"] = "0" * 64
        entry["hash"] = entry_hash(entry)

    edit(path, forge)
    problems = kinds(path, tmp_path, key)
    assert ("chain_broken", "entry 2 (file h1/judge-audio-00000.mkv)") in problems
    assert ("file_changed", "h1/judge-video-00000.mkv") in problems


def test_a_removed_entry_is_detected(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    path = sealed(tmp_path, key)
    edit(path, lambda m: m["entries"].pop(0))
    problems = kinds(path, tmp_path, key)
    assert ("chain_broken", "entry 0 (file h1/judge-video-00000.mkv)") in problems


def test_a_bad_signature_is_reported(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    path = sealed(tmp_path, key)
    edit(path, lambda m: m.update(signature="00" * 64))
    assert kinds(path, tmp_path, key) == [("signature_invalid", "manifest")]


def test_a_manifest_resealed_with_another_key_is_refused(
    tmp_path: Path, key: Ed25519PrivateKey
) -> None:
    path = sealed(tmp_path, Ed25519PrivateKey.generate())
    assert ("key_mismatch", "manifest") in kinds(path, tmp_path, key)
    # checked against its own key it is consistent, but not trusted
    report = verify(path, tmp_path)
    assert report.ok and not report.key_trusted


def test_a_changed_header_is_reported(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    path = sealed(tmp_path, key)
    edit(path, lambda m: m.update(hearing="another"))
    problems = kinds(path, tmp_path, key)
    assert ("manifest_changed", "manifest") in problems
    assert ("signature_invalid", "manifest") in problems


def test_an_unreadable_manifest_is_reported(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    path = tmp_path / "manifest.json"
    path.write_text("{not json")
    assert kinds(path, tmp_path, key) == [("manifest_unreadable", "manifest")]


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
    assert main([str(path), str(tmp_path)]) == 0
    (tmp_path / "h1/judge-audio-00000.mkv").write_bytes(b"b")
    assert main([str(path), str(tmp_path)]) == 1
    assert "CHANGED h1/judge-audio-00000.mkv" in capsys.readouterr().out
