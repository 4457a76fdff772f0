"""Reading what a rendered archive shows, for the tests that kill a server mid-hearing.

Each publisher's synthetic camera draws a frame counter and a source tag as bits
(`tests.integration.media_sources`); the archive places each participant in a grid tile. These
helpers read the marks back tile by tile and find the card that marks an interruption.

A picture does not always show the counter it was made with: the publisher's VP8 encoder
(aiortc: realtime, adaptive speed, CBR) may, on a loaded machine, leave the counter's blocks
predicted from an older reference frame, so that e.g. the 52nd picture shows 48 (seen in a
failover run: libvpx and FFmpeg both decode it so, from the recorded segment file itself).
Whether the archive plays its pictures in order is therefore checked against what was
recorded (`recorded_tracks`, `in_recorded_order`), not against counting.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt
from sqlalchemy import select

from hearing_server.db.database import Database
from hearing_server.db.models import Recording
from recording.render.layout import Rect, fit, grid_layout
from tests.integration.media_sources import BITS, BLOCK, HEIGHT, WIDTH

LOSS_BOUND = 2.0
"""What a kill may lose of what the server had received: at most ~2 s
(docs/architecture.md#recording-and-archive). The
pipeline's own delay is about 1 s (0.35 s reorder window, 0.5 s clusters, the writer thread's
0.2 s batches and its lag on a loaded machine). More (2-4 s) was once seen on a loaded machine: a segment closed just
before the kill whose database row was not yet written was left out of the archive; recovery
now gives such a segment its row (tests/unit/test_recovery_rows.py)."""

Luma = npt.NDArray[np.uint8]


@dataclass
class ArchiveFrames:
    """Counters seen in each tag's tile, in order, before and after the first card."""

    before: dict[int, list[int]] = field(default_factory=dict)
    card: bool = False
    after: dict[int, list[int]] = field(default_factory=dict)


def read_archive(archive: Path, tiles: int) -> ArchiveFrames:
    """What the archive of ``tiles`` participants shows around its first card (a frame
    without the header band: the interruption)."""
    layout = grid_layout(tiles, 1280, 720)
    rects = [fit(tile.video, WIDTH, HEIGHT) for tile in layout.tiles]
    frames = ArchiveFrames()
    with av.open(str(archive)) as container:
        for frame in container.decode(video=0):
            luma = frame.to_ndarray(format="gray").astype(np.uint8)
            if luma[: layout.header.height].std() < 3:
                frames.card = True
                continue
            seen = frames.after if frames.card else frames.before
            for rect in rects:
                marks = read_marks(luma, rect)
                if marks is not None:
                    counter, tag = marks
                    if not seen.get(tag) or seen[tag][-1] != counter:
                        seen.setdefault(tag, []).append(counter)
    return frames


def read_marks(luma: Luma, rect: Rect) -> tuple[int, int] | None:
    """The counter and tag drawn in a tile's picture, None if it shows none."""
    scale = rect.width / WIDTH
    marks = []
    for band in range(2):
        row = luma[rect.y + round((band + 0.5) * BLOCK * scale)]
        levels = [row[rect.x + round((bit + 0.5) * BLOCK * scale)] for bit in range(BITS)]
        if any(50 < level < 190 for level in levels):
            return None
        marks.append(sum(1 << (BITS - 1 - b) for b, level in enumerate(levels) if level >= 128))
    return marks[0], marks[1]


def recorded_tracks(folder: Path, tag: int) -> list[list[int]]:
    """The counters that the video tracks in ``folder`` carrying ``tag`` show (a tag may
    come back on a new track: a camera published again after a restart), track by track in
    the order the tracks began; within a track, segment by segment in the order they were
    recorded (by number: start times play no part), consecutive repeats left out as
    `read_archive` leaves them out."""
    tracks: dict[str, list[tuple[int, Path]]] = {}
    for path in folder.glob("*-video-*.mkv"):
        match = re.fullmatch(r"(.+)-(\d+)\.mkv", path.name)
        if match:
            tracks.setdefault(match.group(1), []).append((int(match.group(2)), path))
    found: list[tuple[float, list[int]]] = []
    for segments in tracks.values():
        counters: list[int] = []
        for _, path in sorted(segments):
            for luma in segment_pictures(path):
                marks = read_marks(luma, Rect(0, 0, luma.shape[1], luma.shape[0]))
                if marks is None or marks[1] != tag:
                    continue
                if not counters or counters[-1] != marks[0]:
                    counters.append(marks[0])
        if counters:
            found.append((_began(min(segments)[1]), counters))
    return [counters for _, counters in sorted(found, key=lambda track: track[0])]


def _began(segment: Path) -> float:
    """Wall-clock at which a track's first segment began, from its sidecar."""
    data = json.loads(segment.with_suffix(".json").read_text())
    return float(data.get("start", data["anchor"]["wall_clock"]))


def segment_pictures(segment: Path) -> list[Luma]:
    """A segment's pictures, as far as they decode (a kill leaves the last one cut short,
    or empty, as the renderer finds it too)."""
    pictures: list[Luma] = []
    try:
        with av.open(str(segment)) as container:
            for frame in container.decode(video=0):
                pictures.append(frame.to_ndarray(format="gray").astype(np.uint8))
    except (av.error.FFmpegError, OSError):
        pass
    return pictures


def in_recorded_order(seen: Sequence[int], recorded: Sequence[int]) -> bool:
    """Whether ``seen`` (an archive tile's counters) is ``recorded`` with some pictures left
    out: the archive shows what was recorded, in the order it was recorded."""
    pictures = iter(recorded)
    return all(any(counter == picture for picture in pictures) for counter in seen)


def runs_forward(counters: Sequence[int]) -> bool:
    """Whether ``counters`` (a recording's) go forward, but for single stale pictures: one
    that goes back must be followed by one past the picture before it (a replay of several,
    or a step back that the counting then follows, is not a stale picture)."""
    return all(
        counters[i] > counters[i - 1]
        or (i + 1 < len(counters) and counters[i + 1] > counters[i - 1])
        for i in range(1, len(counters))
    )


def assert_shown(seen: Sequence[int], sent: set[int], folder: Path, tag: int) -> None:
    """The archive's tile for camera ``tag`` shows (``seen``) the pictures ``sent`` but for the
    odd one a decoder skipped, in the order the segments in ``folder`` recorded them."""
    assert sent, f"tag {tag}: nothing sent in the seconds checked"
    tracks = recorded_tracks(folder, tag)
    assert all(runs_forward(track) for track in tracks), f"tag {tag}: recorded: {tracks}"
    recorded = [counter for track in tracks for counter in track]
    assert in_recorded_order(seen, recorded), f"tag {tag}: out of order: {seen} of {recorded}"
    missing = sent - set(seen)
    assert len(missing) <= 0.1 * len(sent), (tag, len(sent), sorted(missing))


def sidecar_state(sidecar: Path) -> str:
    """A segment's state as its JSON sidecar tells: recording (open), closed or recovered."""
    return str(json.loads(sidecar.read_text())["state"])


async def archived(database: Database, hearing_id: int) -> bool:
    async with database.session() as db:
        path = await db.scalar(
            select(Recording.archive_path).where(Recording.hearing_id == hearing_id)
        )
    return path is not None


async def eventually(check: Callable[[], Awaitable[bool]], limit: float) -> None:
    """Poll ``check`` (a database query: nothing to wait on) until it holds."""
    async with asyncio.timeout(limit):
        while True:
            if await check():
                return
            await asyncio.sleep(0.2)
