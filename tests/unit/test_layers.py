"""Imports point one way (docs/architecture.md#parts-and-dependencies): each folder may import
only the project packages its row of that table names."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROJECT = {"config", "court", "signaling", "recording", "evidence", "hearing_server"}

ALLOWED: dict[str, set[str]] = {
    "config": {"config"},
    "court": {"court"},
    "signaling/media": {"signaling"},  # only signaling.media itself, checked below
    "signaling": {"court", "signaling"},
    "recording": {"recording"},
    "evidence": {"evidence", "recording"},
    "hearing_server": {"config", "court", "signaling", "recording", "evidence", "hearing_server"},
}


def imported(path: Path) -> set[str]:
    """The dotted module names a file imports, relative imports resolved."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
        elif isinstance(node, ast.ImportFrom):  # relative: resolved against the file's package
            package = path.resolve().relative_to(ROOT).parent.parts
            base = ".".join(package[: len(package) - node.level + 1])
            names.add(f"{base}.{node.module}" if node.module else base)
    return names


def folder_of(path: Path) -> str:
    relative = path.relative_to(ROOT).as_posix()
    return "signaling/media" if relative.startswith("signaling/media/") else relative.split("/")[0]


def project_files() -> list[Path]:
    return sorted(p for top in ALLOWED for p in (ROOT / top).rglob("*.py"))


@pytest.mark.parametrize("path", project_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_imports_point_one_way(path: Path) -> None:
    folder = folder_of(path)
    for name in imported(path):
        top = name.split(".")[0]
        if top not in PROJECT:
            continue
        if folder == "signaling/media":
            assert name.startswith("signaling.media"), f"{path.name} imports {name}"
        else:
            assert top in ALLOWED[folder], f"{folder}/ may not import {name}"


def test_the_check_sees_a_wrong_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from signaling.room import Room\nimport hearing_server.app\n")
    assert {"signaling.room", "hearing_server.app"} <= imported(bad)


def test_relative_imports_are_resolved() -> None:
    assert "signaling.media.packet" in imported(ROOT / "signaling/media/history.py")


def test_the_live_hearings_identify_callers_without_the_rest_api() -> None:
    """The socket path resolves credentials through hearing_server.identity, not through the
    REST package (whose errors are HTTP responses)."""
    live_store = imported(ROOT / "hearing_server" / "live_store.py")
    assert not [name for name in live_store if name.startswith("hearing_server.api")]


def test_the_records_see_published_tracks_only_through_the_observer() -> None:
    """hearing_server/records/ records signaling.media's tracks as signaling/observer.py's
    RecordableTrack, never as the media layer's own classes."""
    for path in sorted((ROOT / "hearing_server" / "records").rglob("*.py")):
        media = [n for n in imported(path) if n.split(".")[:2] == ["signaling", "media"]]
        assert media == [], f"{path.name} imports {media}"
