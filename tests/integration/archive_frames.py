"""Reading what a rendered archive shows, for the tests that kill a server mid-hearing.

Each publisher's synthetic camera draws a frame counter and a source tag as bits
(`tests.integration.media_sources`); the archive places each participant in a grid tile. These
helpers read the marks back tile by tile and find the card that marks an interruption.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
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
"""A kill loses at most this much of what was sent (DESIGN §6: ~2 s)."""

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
