"""How long a presenter's page change takes to be on every viewer's screen, for bench/evidence.py
(`display_sync_p95_ms`; docs/architecture.md#presenting-an-exhibit).

1. Starts a real `hearing-server serve` on a new PostgreSQL database with Redis (bench/cluster.py,
   one process) and seeds a hearing with a judge and `VIEWERS` parties (bench/seed.py).
2. The judge submits an exhibit on the court's list and uploads the PDF through the REST API, in
   one chunk (the server inspects it as the last byte arrives).
3. The judge and the parties join `/hearing` over socket.io without media (bench/viewer.py); the
   judge opens the hearing, admits everyone, starts the session and presents the PDF's page 1.
   Each viewer fetches page 1 (not measured: its connection is then open, as a browser's is).
4. The server draws every page of an accepted PDF ahead, in the background
   (hearing_server/page_preparation.py, at the widths screens ask for); the bench waits until the
   last page's pictures are in the server's storage (`pages_drawn_ahead_s`: from the upload's
   end), as exhibits are uploaded before the hearing.
5. **First showing**: the judge turns to each page in `pages` (`present_view {page}`) in turn.
   For each viewer and change, from just before the judge's emit to (a) the viewer receiving the
   `present_view` with that `seq`, and (b) the viewer having read the picture of that page at 960
   pixels through its signed `page_url` (its screen can show it). No viewer asked for these
   pages before; the server reads them from storage (drawn ahead). `display_sync_p95_ms` is (b).
6. **Shown again**: the same changes again (the viewers keep no cache).

The presenter waits for a change to be on every screen, and at least `INTERVAL` after the last,
before the next: a presenter turning pages faster than they are drawn would measure the queue of
drawings, not how far the screens lag. Everything runs on the bench's one event loop on the same
machine as the server (its CPU is part of every figure, as a browser's would be on its own).
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

from bench.cluster import Cluster
from bench.latency import percentile
from bench.proc import cpu_seconds, machine_busy_seconds
from bench.seed import court_exhibit, log_in_staff, seed_hearing
from bench.viewer import Shown, Viewer
from hearing_server.exhibit_pictures import PREPARED_WIDTHS
from tests.signal_client import SignalClient

VIEWERS = 10
INTERVAL = 0.3
"""Seconds at least between two page changes."""
DRAW_AHEAD_TIMEOUT = 300.0
"""Seconds the server may take to draw every page ahead before the run fails."""
CHANGE_TIMEOUT = 30.0
"""Seconds a change may take to reach every screen before the run fails."""


@dataclass(frozen=True)
class Turn:
    """One pass of page changes, in milliseconds per viewer and change."""

    signal_ms: list[float]
    """From the presenter's emit to the viewer's `present_view`."""
    shown_ms: list[float]
    """From the presenter's emit to the page's picture read by the viewer."""
    server_cpu_s: float
    """The server's CPU time over the pass, its page-drawing child processes' included."""
    bench_cpu_s: float
    """The bench's own (the viewers' and the presenter's)."""
    other_load_cores: float
    """Busy cores of the machine's, neither the server's nor the bench's, over the pass."""

    def p(self, fraction: float, shown: bool = True) -> float:
        return percentile(self.shown_ms if shown else self.signal_ms, fraction)

    def per_change_ms(self, seconds: float) -> float:
        return seconds * 1000 / (len(self.shown_ms) / VIEWERS)


@dataclass(frozen=True)
class Sync:
    cold: Turn
    warm: Turn
    changes: int
    upload_s: float
    """From the upload's start to the file's row (the server's inspection included)."""
    drawn_ahead_s: float
    """From the upload's end until the last page's pictures were stored."""

    def lines(self) -> list[str]:
        """The figures as a table."""
        lines = [
            f"{VIEWERS} viewers x {self.changes} page changes, ms from the presenter's "
            f"present_view (upload and inspection of the PDF before: {self.upload_s:.1f} s, "
            f"its pages drawn ahead in {self.drawn_ahead_s:.1f} s more)"
        ]
        for label, turn in (
            ("first showing (drawn ahead)", self.cold),
            ("shown again", self.warm),
        ):
            lines.append(
                f"  {label:30} present_view p50 {turn.p(0.5, False):4.0f} p95 "
                f"{turn.p(0.95, False):4.0f}   page on screen p50 {turn.p(0.5):5.0f} p95 "
                f"{turn.p(0.95):5.0f} max {turn.p(1):5.0f}   CPU per change: server "
                f"{turn.per_change_ms(turn.server_cpu_s):3.0f} bench "
                f"{turn.per_change_ms(turn.bench_cpu_s):3.0f}   other load "
                f"{turn.other_load_cores:4.2f} cores"
            )
        lines.append(
            f"  display_sync_p95_ms {self.cold.p(0.95):.0f} (target <= 300; first showing)"
        )
        return lines

    def figures(self) -> dict[str, object]:
        """For the JSON line."""
        return {
            "display_sync_p95_ms": round(self.cold.p(0.95)),
            "display_sync_p50_ms": round(self.cold.p(0.5)),
            "display_sync_again_p95_ms": round(self.warm.p(0.95)),
            "pages_drawn_ahead_s": round(self.drawn_ahead_s, 1),
            "present_view_p95_ms": round(self.cold.p(0.95, False)),
            "server_cpu_ms_per_change": {
                "first": round(self.cold.per_change_ms(self.cold.server_cpu_s)),
                "again": round(self.warm.per_change_ms(self.warm.server_cpu_s)),
            },
            "display_sync_other_load_cores": round(self.cold.other_load_cores, 2),
            "page_changes": self.changes,
            "viewers": VIEWERS,
        }


def display_sync(pdf: Path, workdir: Path, pages: list[int]) -> Sync:
    """Present `pdf` to `VIEWERS` viewers and turn to each of `pages` cold, then warm."""
    with Cluster(1, workdir) as cluster:
        server = cluster.servers[0]
        data = pdf.read_bytes()
        pictures = cluster.recordings / "exhibit-pages" / hashlib.sha256(data).hexdigest()
        return asyncio.run(
            _measure(server.url, server.pid, cluster.password, data, pages, pictures)
        )


async def _measure(
    url: str, pid: int, password: str, pdf: bytes, pages: list[int], pictures: Path
) -> Sync:
    staff = await log_in_staff(url, password)
    hearing = await seed_hearing(url, staff, VIEWERS)
    assert hearing.case_id is not None
    started = time.monotonic()
    exhibit_id, file_id = await court_exhibit(url, staff, hearing.case_id, "exhibit.pdf", pdf)
    upload_s = time.monotonic() - started
    drawn_ahead_s = await _drawn_ahead(pictures, max(pages)) - started - upload_s
    judge = SignalClient(url)
    viewers = [Viewer(url, seat) for seat in hearing.parties]
    try:
        await judge.connect(hearing.hearing_id, cookie=hearing.judge.cookie, offers_first=True)
        await _ask(judge, "open")
        await asyncio.gather(*(viewer.join(hearing.hearing_id) for viewer in viewers))
        await _ask(judge, "admit_all")
        await _ask(judge, "start_session")
        await _ask(judge, "present", {"exhibit_id": exhibit_id, "file_id": file_id, "page": 1})
        for screen in (judge, *(viewer.signal for viewer in viewers)):
            await screen.wait_for("room", lambda room: room["presentation"] is not None)
        await asyncio.gather(*(viewer.fetch(1) for viewer in viewers))
        seq = judge.room["presentation"]["seq"]
        cold = await _turn(judge, viewers, pages, seq, pid)
        warm = await _turn(judge, viewers, pages, seq + len(pages), pid)
    finally:
        await asyncio.gather(*(viewer.close() for viewer in viewers), judge.close())
    return Sync(cold, warm, len(pages), upload_s, drawn_ahead_s)


async def _drawn_ahead(pictures: Path, last_page: int) -> float:
    """When the server has stored the last page's pictures at every width drawn ahead (the
    server draws them in page order; monotonic seconds)."""
    waiting = [pictures / str(width) / f"{last_page}.webp" for width in PREPARED_WIDTHS]
    deadline = time.monotonic() + DRAW_AHEAD_TIMEOUT
    while not all(path.exists() for path in waiting):
        if time.monotonic() > deadline:
            raise RuntimeError(f"the pages were not drawn ahead within {DRAW_AHEAD_TIMEOUT} s")
        await asyncio.sleep(0.05)
    return time.monotonic()


async def _turn(
    judge: SignalClient, viewers: list[Viewer], pages: list[int], seq: int, pid: int
) -> Turn:
    """The judge turns to each of `pages`; the moves get the `seq`s after `seq`. `pid`: the
    server's."""
    signal_ms: list[float] = []
    shown_ms: list[float] = []
    cpu, own = cpu_seconds(pid, children=True), time.process_time()
    busy, began = machine_busy_seconds(), time.monotonic()
    for page in pages:
        seq += 1
        waits = [viewer.showing(seq) for viewer in viewers]
        sent = time.monotonic()
        await _ask(judge, "present_view", {"page": page})
        shown: list[Shown] = await asyncio.wait_for(asyncio.gather(*waits), CHANGE_TIMEOUT)
        for one in shown:
            if one.page != page:
                raise RuntimeError(f"move {seq} showed page {one.page}, not {page}")
            signal_ms.append((one.arrived - sent) * 1000)
            shown_ms.append((one.fetched - sent) * 1000)
        await asyncio.sleep(max(0.0, sent + INTERVAL - time.monotonic()))
    server, bench = cpu_seconds(pid, children=True) - cpu, time.process_time() - own
    others = (machine_busy_seconds() - busy - server - bench) / (time.monotonic() - began)
    return Turn(signal_ms, shown_ms, server, bench, others)


async def _ask(judge: SignalClient, event: str, data: dict[str, object] | None = None) -> None:
    reply = await judge.call(event, data)
    if not reply.get("ok"):
        raise RuntimeError(f"{event}: {reply}")
