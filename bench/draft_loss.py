"""Typing lost to a kill -9 of the server: the clerk's console in Chromium types a transcript
entry steadily while the server is killed at a random moment, then started again on the same
database; another HTTP client reads the clerk's draft from it (docs/architecture.md#transcript).

The typing, the kill and the reading are tests/browser/killed_typing.py's, as in
tests/browser/test_transcript_kill.py (which kills at the worst moment, as a save leaves the
browser; here the moments are random). The server is `hearing-server serve` on a new PostgreSQL
database with Redis (bench/cluster.py, one process), as a deployment of several processes runs.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from playwright.async_api import Browser, Request, async_playwright

from bench.cluster import Cluster
from tests.browser.conftest import CHROMIUM, CHROMIUM_FLAGS
from tests.browser.killed_typing import (
    EVERY_S,
    Typing,
    clerks_console,
    clerks_hearing,
    log_in,
    saved_draft,
    type_until_killed,
)
from tests.live_server import LiveServer

KILL_BETWEEN_S = (3.0, 6.0)
"""The kill comes this long after the first character (uniformly at random): past the first
saves, and at any moment relative to the console's 1-second save cadence."""


@dataclass(frozen=True)
class Kill:
    after_s: float
    """From the first character typed to the kill."""
    typed: int
    kept: int
    lost_s: float
    restart_s: float
    """From the kill until the restarted server answered."""
    saves_ms: list[float]
    """Each draft save that was answered: from the browser sending it to the answer."""


@dataclass(frozen=True)
class DraftLoss:
    kills: list[Kill]

    @property
    def worst_s(self) -> float:
        return max(kill.lost_s for kill in self.kills)

    @property
    def median_s(self) -> float:
        return statistics.median(kill.lost_s for kill in self.kills)

    def lines(self) -> list[str]:
        rows = [
            f"  kill {index + 1:2}: {kill.after_s:4.1f} s into typing, kept {kill.kept:3} of "
            f"{kill.typed:3} characters, lost {kill.lost_s:4.2f} s "
            f"(restarted in {kill.restart_s:.1f} s)"
            for index, kill in enumerate(self.kills)
        ]
        return [
            f"typing lost to kill -9 (one character every {EVERY_S * 1000:.0f} ms):",
            *rows,
            f"  draft_loss_s: worst {self.worst_s:.2f} s, median {self.median_s:.2f} s "
            "(target <= 2)",
            f"  a draft save, sent to answered: p95 {self.save_p95_ms:.0f} ms",
        ]

    @property
    def save_p95_ms(self) -> float:
        saves = [ms for kill in self.kills for ms in kill.saves_ms]
        return statistics.quantiles(saves, n=20)[-1] if len(saves) > 1 else saves[0]

    def figures(self) -> dict[str, object]:
        return {
            "draft_loss_s": round(self.worst_s, 3),
            "draft_loss_median_s": round(self.median_s, 3),
            "draft_kills": len(self.kills),
            "draft_save_p95_ms": round(self.save_p95_ms, 1),
        }


def draft_loss(workdir: Path, kills: int, seed: int | None) -> DraftLoss:
    """`kills` kills at random moments (from `seed`; None: new ones each run), each on a new
    hearing."""
    chance = random.Random(seed)
    moments = [chance.uniform(*KILL_BETWEEN_S) for _ in range(kills)]
    with Cluster(1, workdir) as cluster:
        return asyncio.run(_kills(cluster, moments))


async def _kills(cluster: Cluster, moments: list[float]) -> DraftLoss:
    [server] = cluster.servers
    # logged in once: sessions outlive restarts, and every login counts against the account
    judge = await log_in(server.url, "judge", cluster.password)
    clerk = await log_in(server.url, "clerk", cluster.password)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True
        )
        try:
            done = []
            for after_s in moments:
                hearing_id = await clerks_hearing(server.url, judge, clerk.user_id)
                done.append(await _kill(browser, server, hearing_id, clerk.cookie, after_s))
        finally:
            await browser.close()
    return DraftLoss(done)


async def _kill(
    browser: Browser, server: LiveServer, hearing_id: int, clerk: str, after_s: float
) -> Kill:
    page = await clerks_console(browser, server.url, hearing_id, clerk)
    saves_ms: list[float] = []

    def answered(request: Request) -> None:
        if request.method == "PUT" and request.url.endswith("/transcript/draft"):
            saves_ms.append(request.timing["responseEnd"])  # ms from its start

    page.on("requestfinished", answered)
    typing = Typing()
    began = time.monotonic()  # the first character is typed at once
    typist = asyncio.create_task(type_until_killed(page, typing))
    try:
        await asyncio.sleep(began + after_s - time.monotonic())
        typing.kill(server)
        await typist
    finally:
        typist.cancel()
        await page.context.close()  # nothing more reaches the restarted server from it
    assert typing.killed_at is not None
    server.start()
    restart_s = time.monotonic() - typing.killed_at
    saved = await saved_draft(server.url, hearing_id, clerk)
    return Kill(
        after_s=typing.killed_at - typing.typed_at[0],
        typed=len(typing.typed_at),
        kept=len(saved),
        lost_s=typing.lost_s(saved),
        restart_s=restart_s,
        saves_ms=saves_ms,
    )
