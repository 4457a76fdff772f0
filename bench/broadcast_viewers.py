"""The public at a live broadcast, simulated: viewers polling its playlist and downloading each
new segment whole, as a player does, and a live edge that makes a folder of segments look like
a broadcast going on (for measuring the server's cost of serving without an encoder running).

`run` is a viewer process's body (many viewers, one event loop); `LiveEdge` runs in the bench.
"""

from __future__ import annotations

import asyncio
import os
import re
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

import aiohttp

SEGMENT = re.compile(r"^(seg-\d{5}\.ts)$", re.MULTILINE)


@dataclass
class Watched:
    """What the viewers of one process got."""

    viewers: int = 0
    playlists: int = 0
    segments: int = 0
    bytes: int = 0
    failures: int = 0
    """Requests that did not answer 200."""
    behind: int = 0
    """Segments a viewer fetched after the playlist had already moved 3 past them (a player
    would have stalled)."""


def run(conn: Connection, url: str, base: str, viewers: int, seconds: float, poll: float) -> None:
    """Watch `url` + `base` (the live folder's path) with `viewers` viewers for `seconds`."""
    conn.send(asyncio.run(_watch(url, base, viewers, seconds, poll)))
    conn.close()


async def _watch(url: str, base: str, viewers: int, seconds: float, poll: float) -> Watched:
    watched = Watched(viewers=viewers)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(url, connector=connector) as http:
        until = time.monotonic() + seconds
        await asyncio.gather(
            *(_viewer(http, base, until, poll, i * poll / viewers, watched) for i in range(viewers))
        )
    return watched


async def _viewer(
    http: aiohttp.ClientSession, base: str, until: float, poll: float, offset: float, w: Watched
) -> None:
    await asyncio.sleep(offset)  # viewers arrive spread over a poll interval
    seen: set[str] = set()
    while (now := time.monotonic()) < until:
        try:
            async with http.get(base + "index.m3u8") as response:
                text = await response.text() if response.status == 200 else ""
                w.playlists += 1
                w.failures += response.status != 200
            listed = SEGMENT.findall(text)
            fresh = [name for name in listed[-3:] if name not in seen]
            w.behind += sum(1 for name in listed[:-3] if name not in seen) if seen else 0
            seen.update(listed)
            for name in fresh:
                async with http.get(base + name) as response:
                    data = await response.read()
                    if response.status == 200:
                        w.segments += 1
                        w.bytes += len(data)
                    else:
                        w.failures += 1
        except aiohttp.ClientError:
            w.failures += 1
        await asyncio.sleep(max(0.0, now + poll - time.monotonic()))


class LiveEdge:
    """Makes `folder` look like a broadcast under way: every `seconds`, the next of `sources`
    (in turn, for ever) appears there under the next segment number, and the playlist names
    the last `listed`, as FFmpeg's muxer keeps them."""

    def __init__(self, sources: list[Path], folder: Path, seconds: int, listed: int = 6) -> None:
        self._sources, self._folder, self._seconds, self._listed = sources, folder, seconds, listed
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.published = 0

    def __enter__(self) -> LiveEdge:
        self._folder.mkdir(parents=True, exist_ok=True)
        for _ in range(self._listed):
            self._publish()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self._seconds):
            self._publish()

    def _publish(self) -> None:
        number = self.published
        source = self._sources[number % len(self._sources)]
        os.link(source, self._folder / f"seg-{number:05d}.ts")
        self.published += 1
        first = max(0, self.published - self._listed)
        lines = [
            "#EXTM3U",
            "#EXT-X-VERSION:3",
            f"#EXT-X-TARGETDURATION:{self._seconds}",
            f"#EXT-X-MEDIA-SEQUENCE:{first}",
        ]
        for n in range(first, self.published):
            lines += [f"#EXTINF:{self._seconds:.6f},", f"seg-{n:05d}.ts"]
        temporary = self._folder / "index.m3u8.tmp"
        temporary.write_text("\n".join(lines) + "\n")
        os.replace(temporary, self._folder / "index.m3u8")
        old = self._folder / f"seg-{first - 4:05d}.ts"
        if first >= 4 and old.exists():
            old.unlink()
