"""A public hearing broadcast live, end to end: the server's broadcast process reads the
hearing's recording as it grows and writes HLS, which anyone fetches over HTTP from the
hearing's public path. Headless people take part (moving pictures, each a tone of its own).

Checked by content: segments of the session carry sound and moving pictures, and the clock
burned into them says the time they show (the playlist's date, a delay before); a party's
exhibit page (a green block) once the judge presents it; those the court cut (from the delay
before the cut until the resume) carry neither, nor do those after the close (a slate is a
still picture, in silence); the playlist then ends. The caching headers are what a CDN
needs, and the timeline says when the broadcast started, was cut, resumed and ended.
"""

from __future__ import annotations

import asyncio
import re
import time
import zoneinfo
from datetime import datetime
from itertools import pairwise
from pathlib import Path

import av
import numpy as np
import pytest
from sqlalchemy import select

from config import Settings
from hearing_server.db.database import Database
from hearing_server.db.models import HearingEvent
from recording.broadcast.compose import CLOCK
from recording.render import text
from recording.render.layout import grid_layout
from tests.broadcasting import DELAY, SEGMENT, broadcasting
from tests.callers import Caller, NewCaller, holder
from tests.functional.test_exhibit_uploads import upload
from tests.functional.test_exhibits_api import submit
from tests.integration.courtroom import Courtroom, start
from tests.pdf_files import coloured_pages

GREEN = (81, 69)
"""The chroma (U, V) of the exhibit page's green block, drawn and encoded."""


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return broadcasting(database_url, tmp_path)


class Viewer:
    """Someone in the public, fetching the live files as a player does."""

    def __init__(self, caller: Caller, hearing_id: int, folder: Path) -> None:
        self.caller, self.folder = caller, folder
        self.base = f"/public/hearings/{hearing_id}/live/"

    async def playlist(self) -> str | None:
        response = await self.caller.client.get(self.base + "index.m3u8")
        if response.status == 404:
            return None
        assert response.status == 200
        assert response.headers["Cache-Control"] == "public, max-age=1"
        assert response.headers["Content-Type"] == "application/vnd.apple.mpegurl"
        return await response.text()

    async def segments(self) -> list[tuple[float, str]]:
        """The playlist's segments: the wall-clock time each begins to show, and its name."""
        text = await self.playlist() or ""
        dated = re.findall(r"#EXT-X-PROGRAM-DATE-TIME:(\S+)\n(?:#.*\n)*(seg-\d{5}\.ts)", text)
        return [(datetime.fromisoformat(at).timestamp(), name) for at, name in dated]

    async def fetch(self, name: str) -> Path:
        response = await self.caller.client.get(self.base + name)
        assert response.status == 200, name
        assert response.headers["Cache-Control"] == "public, max-age=86400, immutable"
        assert response.headers["Content-Type"] == "video/mp2t"
        path = self.folder / name
        path.write_bytes(await response.read())
        return path


def content(segment: Path) -> tuple[float, float]:
    """The segment's loudness (RMS) and the share of its consecutive pictures that differ."""
    with av.open(str(segment)) as container:
        lumas = [f.to_ndarray(format="gray") for f in container.decode(video=0)]
    with av.open(str(segment)) as container:
        sound = [f.to_ndarray().reshape(-1) for f in container.decode(audio=0)]
    samples = np.concatenate(sound).astype(np.float64) if sound else np.zeros(1)
    moving = [
        np.count_nonzero(np.abs(a.astype(int) - b.astype(int)) > 8) > 0.002 * a.size
        for a, b in pairwise(lumas)
    ]
    return float(np.sqrt(np.mean(samples**2))), sum(moving) / max(1, len(moving))


def green(segment: Path) -> float:
    """The share of the segment's first picture that is the exhibit page's green."""
    with av.open(str(segment)) as container:
        planes = next(container.decode(video=0)).to_ndarray(format="yuv444p")
    u, v = planes[1].astype(int), planes[2].astype(int)
    return float(np.mean((abs(u - GREEN[0]) < 20) & (abs(v - GREEN[1]) < 20)))


def clock_shown(segment: Path, settings: Settings, around: float) -> int:
    """The second, of those within 5 s of `around`, that the clock burned into the segment's
    first picture is most like (each drawn as the header draws it, compared pixel by pixel)."""
    with av.open(str(segment)) as container:
        luma = next(container.decode(video=0)).to_ndarray(format="gray").astype(int)
    options = settings.broadcast
    bar = grid_layout(0, options.width, options.height).header
    right = bar.width * 3 // 5  # the clock's side; the title is fitted to end before it
    shown = luma[bar.y : bar.y + bar.height, bar.x + right : bar.x + bar.width]
    zone = zoneinfo.ZoneInfo(settings.court_timezone)
    font = text.find_font()

    def unlike(second: int) -> float:
        words = datetime.fromtimestamp(second, zone).strftime(CLOCK)
        drawn = text.header(font, "", words, bar.width, bar.height).to_frame()
        return float(np.mean(np.abs(drawn.to_ndarray(format="gray")[:, right:] - shown)))

    return min(range(round(around) - 5, round(around) + 6), key=unlike)


async def green_exhibit(
    courtroom: Courtroom, judge: Caller, new_caller: NewCaller
) -> dict[str, int]:
    """Party A's PDF, its page mostly green, submitted and uploaded: what to present."""
    party_a = await holder(new_caller, courtroom.seats["party_a"].invitation or "")
    hearing = await judge.call("GET", f"/hearings/{courtroom.hearing_id}")
    exhibit = await submit(party_a, hearing["case_id"], "借款合同")
    answer = await upload(party_a, exhibit["id"], "合同.pdf", coloured_pages([(0.0, 0.63, 0.0)]))
    return {"exhibit_id": exhibit["id"], "file_id": answer["file"]["id"]}


async def shown_from(viewer: Viewer, since: float, count: int, limit: float) -> list[Path]:
    """The first `count` segments that begin to show after wall-clock `since`."""
    deadline = time.monotonic() + limit
    while True:
        later = [name for at, name in await viewer.segments() if at >= since]
        if len(later) >= count:
            return [await viewer.fetch(name) for name in later[:count]]
        assert time.monotonic() < deadline, f"{count} segments after {since}"
        await asyncio.sleep(0.5)


async def test_a_public_hearing_is_broadcast_cut_resumed_and_ended(
    courtroom: Courtroom,
    judge: Caller,
    new_caller: NewCaller,
    database: Database,
    settings: Settings,
    tmp_path: Path,
) -> None:
    hearing_id = courtroom.hearing_id
    anyone = await new_caller()
    viewer = Viewer(anyone, hearing_id, tmp_path)
    assert await viewer.playlist() is None  # nothing before the session
    try:
        people = await start(courtroom, "party_a")
        began = time.time()
        live = await shown_from(viewer, began + DELAY + 3, 2, 40 + DELAY)
        fetched_at = time.time()
        dated = {name: at for at, name in await viewer.segments()}
        for segment in live:
            loudness, moving = content(segment)
            assert loudness > 0.01 and moving > 0.5, (segment.name, loudness, moving)
            # the playlist dates a segment as it is written; its clock says the time captured
            begins = dated[segment.name]
            assert fetched_at - 4 * SEGMENT < begins < fetched_at, (begins, fetched_at)
            assert abs(clock_shown(segment, settings, begins - DELAY) - (begins - DELAY)) <= 1
        assert green(live[-1]) < 0.001

        exhibit = await green_exhibit(courtroom, judge, new_caller)
        reply = await people["judge"].signal.call("present", {**exhibit, "page": 1})
        assert reply == {"ok": True}, reply
        presented_at = time.time()
        [page] = await shown_from(viewer, presented_at + DELAY + 2, 1, 20 + DELAY)
        assert green(page) > 0.02, green(page)
        assert (await people["judge"].signal.call("stop_presenting")) == {"ok": True}

        path = f"/hearings/{hearing_id}/broadcast"
        cut_at = time.time()
        await judge.call("PUT", path, {"cut": True})
        page = await anyone.call("GET", f"/public/hearings/{hearing_id}")
        assert page["slate"] == "cut" and page["playlist"].endswith("index.m3u8")
        # shown from the cut on: captured from DELAY before it, all withheld (a segment
        # begun within a second of it may hold a picture drawn before it)
        withheld = await shown_from(viewer, cut_at + 1, 2, 20 + DELAY)
        await asyncio.sleep(2)
        resumed_at = time.time()
        await judge.call("PUT", path, {"cut": False})
        for segment in withheld:
            loudness, moving = content(segment)
            assert loudness < 1e-3 and moving == 0, (segment.name, loudness, moving)
        again = await shown_from(viewer, resumed_at + DELAY + 1, 1, 20 + DELAY)
        loudness, moving = content(again[0])
        assert loudness > 0.01 and moving > 0.5, (again[0].name, loudness, moving)

        reply = await people["judge"].signal.call("close")
        assert reply.get("ok"), reply
        closed_at = time.time()
        await wait_until_ended(viewer, 30 + DELAY)
        after = [name for at, name in await viewer.segments() if at >= closed_at + DELAY + 1]
        assert after, "the closing slate"
        loudness, moving = content(await viewer.fetch(after[-1]))
        assert loudness < 1e-3 and moving == 0
    finally:
        await courtroom.close()
    timeline: list[str | None] = []

    async def broadcast_events() -> list[str | None]:
        async with database.session() as db:
            timeline[:] = await db.scalars(
                select(HearingEvent.to_value)
                .where(HearingEvent.hearing_id == hearing_id, HearingEvent.kind == "broadcast")
                .order_by(HearingEvent.id)
            )
        return timeline

    deadline = time.monotonic() + 10
    while (await broadcast_events())[-1:] != ["ended"]:
        assert time.monotonic() < deadline, timeline
        await asyncio.sleep(0.2)
    assert timeline == ["started", "cut", "resumed", "ended"]


async def wait_until_ended(viewer: Viewer, limit: float) -> None:
    deadline = time.monotonic() + limit
    while "#EXT-X-ENDLIST" not in (await viewer.playlist() or ""):
        assert time.monotonic() < deadline, "the playlist's end"
        await asyncio.sleep(0.5)
