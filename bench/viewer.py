"""One person watching a presented exhibit, for bench/display_sync.py: a signaling-only
connection to the hearing (tests/signal_client.py; it joins with ``offers_first`` and never
offers, so no media is set up) and a page that fetches each page's picture through the signed
``page_url`` of its room view, as the browser's ``<img>`` does.

For each ``present_view`` newer than the one it shows, it notes when the move arrived and when
the picture of its page (``WIDTH`` pixels wide) had been read whole: the moment the viewer's
screen could show that page. Each viewer has its own HTTP connection, kept alive, and no cache:
every page is asked of the server, as a browser does the first time it shows one.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import aiohttp
from yarl import URL

from bench.participant import NAMESPACE, Seat
from tests.signal_client import SignalClient

WIDTH = 960
"""A laptop's width, of the server's 480, 960 and 1600."""


@dataclass(frozen=True)
class Shown:
    """One move as one viewer got it (monotonic seconds)."""

    page: int
    arrived: float
    """The ``present_view`` reached the viewer."""
    fetched: float
    """The page's picture had been read whole."""


class Viewer:
    def __init__(self, url: str, seat: Seat) -> None:
        self.url = url
        self.seat = seat
        self.signal = SignalClient(url)
        self.signal.sio.on("present_view", self._moved, namespace=NAMESPACE)
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar())
        self.seq = -1
        """The move shown (or being fetched); older ones are dropped, as the client does."""
        self._shown: dict[int, asyncio.Future[Shown]] = {}
        self._fetches: set[asyncio.Task[None]] = set()

    async def join(self, hearing_id: int) -> None:
        await self.signal.connect(
            hearing_id, invitation=self.seat.invitation, cookie=self.seat.cookie, offers_first=True
        )

    def presentation(self) -> dict[str, Any] | None:
        """The exhibit on screen in the viewer's latest room view."""
        rooms = self.signal.received["room"]
        shown: dict[str, Any] | None = rooms[-1].get("presentation") if rooms else None
        return shown

    async def fetch(self, page: int) -> None:
        """Read the picture of `page` whole (raises if the server refuses it)."""
        presentation = self.presentation()
        if presentation is None:
            raise RuntimeError(f"participant {self.seat.participant_id} sees no presentation")
        link = presentation["page_url"].replace("{page}", str(page))
        address = URL(self.url).join(URL(link.replace("{width}", str(WIDTH)), encoded=True))
        async with self.http.get(address) as response:
            body = await response.read()
            if response.status != 200 or response.content_type != "image/webp" or not body:
                raise RuntimeError(
                    f"participant {self.seat.participant_id}, page {page}: {response.status} "
                    f"{response.content_type} {body[:300]!r}"
                )

    def showing(self, seq: int) -> asyncio.Future[Shown]:
        """Resolves once move `seq` is on the viewer's screen."""
        return self._shown.setdefault(seq, asyncio.get_running_loop().create_future())

    def _moved(self, data: dict[str, Any]) -> None:
        arrived = time.monotonic()
        seq, page = data["seq"], data["view"]["page"]
        if seq <= self.seq:
            return
        self.seq = seq
        task = asyncio.create_task(self._show(self.showing(seq), page, arrived))
        self._fetches.add(task)
        task.add_done_callback(self._fetches.discard)

    async def _show(self, shown: asyncio.Future[Shown], page: int, arrived: float) -> None:
        try:
            await self.fetch(page)
        except Exception as exc:  # handed to whoever waits for the move
            if not shown.done():  # not given up on
                shown.set_exception(exc)
        else:
            if not shown.done():
                shown.set_result(Shown(page, arrived, time.monotonic()))

    async def close(self) -> None:
        for task in self._fetches:
            task.cancel()
        await self.signal.close()
        await self.http.close()
