"""The local-folder store and its backup copy."""

from pathlib import Path

import pytest

from recording.storage import LocalStorage


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "incoming" / "segment.mkv"
    path.parent.mkdir()
    path.write_bytes(bytes(range(256)) * 10)
    return path


def test_put_then_read_ranges(tmp_path: Path, source: Path) -> None:
    store = LocalStorage(tmp_path / "store")
    assert store.put("h1/a.mkv", source) == 2560
    assert store.exists("h1/a.mkv") and not store.exists("h1/b.mkv")
    assert store.size("h1/a.mkv") == 2560
    assert store.read("h1/a.mkv", 1, 3) == b"\x01\x02\x03"
    assert store.read("h1/a.mkv", 2558) == b"\xfe\xff"
    assert store.read("h1/a.mkv") == source.read_bytes()
    assert store.read("h1/a.mkv", 5000, 10) == b""
    with pytest.raises(FileNotFoundError):
        store.read("h1/missing.mkv")


def test_keys_by_prefix_and_delete(tmp_path: Path, source: Path) -> None:
    store = LocalStorage(tmp_path / "store")
    for key in ("h1/v-00001.mkv", "h1/v-00000.mkv", "h2/v-00000.mkv"):
        store.put(key, source)
    store.put_bytes("h1/manifest.json", b"{}")
    assert store.keys("h1/") == ["h1/manifest.json", "h1/v-00000.mkv", "h1/v-00001.mkv"]
    assert len(store.keys()) == 4
    store.delete("h1/v-00000.mkv")
    store.delete("h1/never.mkv")
    assert store.keys("h1/v") == ["h1/v-00001.mkv"]


def test_backup_copy_is_written_and_read_when_the_main_copy_is_lost(
    tmp_path: Path, source: Path
) -> None:
    store = LocalStorage(tmp_path / "main", backup_root=tmp_path / "backup")
    store.put("h1/a.mkv", source)
    assert (tmp_path / "backup/h1/a.mkv").read_bytes() == source.read_bytes()
    (tmp_path / "main/h1/a.mkv").unlink()
    assert store.exists("h1/a.mkv")
    assert store.read("h1/a.mkv", 0, 2) == b"\x00\x01"
    store.delete("h1/a.mkv")
    assert not (tmp_path / "backup/h1/a.mkv").exists()


def test_a_file_already_in_place_is_not_copied_onto_itself(tmp_path: Path) -> None:
    store = LocalStorage(tmp_path / "store", backup_root=tmp_path / "backup")
    in_place = tmp_path / "store/h1/a.mkv"
    in_place.parent.mkdir(parents=True)
    in_place.write_bytes(b"segment")
    assert store.put("h1/a.mkv", in_place) == 7
    assert in_place.read_bytes() == b"segment"
    assert (tmp_path / "backup/h1/a.mkv").read_bytes() == b"segment"


@pytest.mark.parametrize(
    "key", ["", "/etc/passwd", "../up.mkv", "h1/../../up", "h1//a", "h1\\a", "./a", "h1/"]
)
def test_keys_that_could_escape_are_refused(tmp_path: Path, key: str) -> None:
    store = LocalStorage(tmp_path / "store")
    with pytest.raises(ValueError, match="invalid storage key"):
        store.put_bytes(key, b"x")
    with pytest.raises(ValueError, match="invalid storage key"):
        store.exists(key)


def test_no_partial_files_are_left_or_listed(tmp_path: Path, source: Path) -> None:
    store = LocalStorage(tmp_path / "store")
    store.put("h1/a.mkv", source)
    (tmp_path / "store/h1/b.mkv.part").write_bytes(b"half")
    assert store.keys() == ["h1/a.mkv"]
    assert not list((tmp_path / "store").rglob("a.mkv.part"))
