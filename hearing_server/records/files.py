"""What of the recordings lies on disk: the segment sidecars of each hearing's folder, by the
state their writer left them in (recording: left open, closed, recovered)."""

from __future__ import annotations

import json
import re
from pathlib import Path


def sidecars(root: Path, hearing_id: int | None = None) -> dict[str, list[Path]]:
    """Segment sidecars under `root` by state, in name order: of one hearing, or of all
    (None). Blocking."""
    pattern = f"hearing-{hearing_id}/*.json" if hearing_id is not None else "hearing-*/*.json"
    found: dict[str, list[Path]] = {}
    for sidecar in sorted(root.glob(pattern)):
        if not re.fullmatch(r"hearing-\d+", sidecar.parent.name):
            continue
        try:
            data = json.loads(sidecar.read_text())
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and isinstance(data.get("state"), str):
            found.setdefault(data["state"], []).append(sidecar)
    return found


def left_open(root: Path, hearing_id: int | None = None) -> list[Path]:
    """Sidecars of segments left open: of one hearing, or of all (None). Blocking."""
    return sidecars(root, hearing_id).get("recording", [])


def hearing_of(sidecar: Path) -> int:
    """The hearing whose folder holds `sidecar`."""
    return int(sidecar.parent.name.removeprefix("hearing-"))


def storage_key(root: Path, path: Path) -> str:
    """The key a recording file under `root` is stored (and listed in its rows) by: its POSIX
    path relative to `root`."""
    return path.relative_to(root).as_posix()
