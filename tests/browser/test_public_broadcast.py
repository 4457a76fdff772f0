"""The public broadcast in Chromium: the court's public page lists the hearing; its page plays
the live broadcast (HLS) once the judge's console has put the hearing in session; the judge
cuts the broadcast from the console and the public page shows the slate, a still picture, while
the hearing goes on; a hearing not broadcast has no page.

By content: the picture is read from the public page's <video> through a canvas, twice, half a
second apart: the hearing moves (the judge's fake camera, a headless party's noise), a slate
does not.
"""

from __future__ import annotations

import asyncio
import re
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer
from playwright.async_api import Page, expect

from config import Settings
from tests.broadcasting import DELAY, broadcasting
from tests.browser.conftest import OpenTab
from tests.browser.test_live import (
    Scheduled,
    bench_in_session,
    check_identity,
    headless_party,
    person,
)
from tests.browser.test_staff import log_in
from tests.callers import Caller, World, invite

SAMPLE = """async () => {
  const video = document.querySelector('[data-testid="public-video"]');
  if (!video || video.readyState < 2 || video.videoWidth === 0) return null;
  const canvas = document.createElement("canvas");
  canvas.width = 160;
  canvas.height = 90;
  const context = canvas.getContext("2d");
  const grab = () => {
    context.drawImage(video, 0, 0, 160, 90);
    return context.getImageData(0, 0, 160, 90).data;
  };
  const first = grab();
  await new Promise((done) => setTimeout(done, 500));
  const second = grab();
  let changed = 0;
  for (let i = 0; i < first.length; i += 4) {
    if (Math.abs(first[i] - second[i]) + Math.abs(first[i + 1] - second[i + 1]) > 24) changed++;
  }
  return { changed: changed / (first.length / 4), time: video.currentTime };
}"""


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return broadcasting(database_url, tmp_path)


async def picture(page: Page) -> tuple[float, float] | None:
    """The share of the picture that changed over half a second, and the playing position."""
    sampled = await page.evaluate(SAMPLE)
    return None if sampled is None else (sampled["changed"], sampled["time"])


async def until_picture(page: Page, moving: bool, limit: float) -> float:
    """Wait until the public page's picture moves (or stands still); the seconds it took."""
    start = time.monotonic()
    while True:
        sampled = await picture(page)
        if sampled is not None and (sampled[0] > 0.01) == moving and sampled[1] > 0:
            return time.monotonic() - start
        if time.monotonic() - start >= limit:
            state = await page.evaluate("""() => {
              const v = document.querySelector('[data-testid="public-video"]');
              const b = [];
              for (let i = 0; i < v.buffered.length; i++) b.push([v.buffered.start(i), v.buffered.end(i)]);
              return {paused: v.paused, ready: v.readyState, net: v.networkState, err: v.error && v.error.message,
                w: v.videoWidth, t: v.currentTime, b, native: v.canPlayType("application/vnd.apple.mpegurl"),
                mse: window.MediaSource && MediaSource.isTypeSupported('video/mp4; codecs="avc1.42E01E,mp4a.40.2"'),
                src: v.currentSrc};
            }""")
            raise AssertionError((moving, sampled, state))
        await asyncio.sleep(0.5)


PART = re.compile(r"/seg-\d{5}\.\d+\.ts$")
"""The address of a low-latency HLS part (a segment's is /seg-NNNNN.ts)."""


async def until_requested(asked: list[str], address: re.Pattern[str], limit: float) -> None:
    """Wait until the page has requested an address matching `address`."""
    start = time.monotonic()
    while not any(address.search(url) for url in asked):
        if time.monotonic() - start >= limit:
            raise AssertionError(f"no request for {address.pattern} in {limit} s: {asked[-5:]}")
        await asyncio.sleep(0.2)


async def scheduled(judge: Caller, world: World, public: bool, number: str) -> Scheduled:
    case = await judge.call(
        "POST",
        "/cases",
        {"number": number, "title": "张三诉李四", "kind": "civil_trial", "cause": "借款合同纠纷"},
        expect=201,
    )
    hearing = await judge.call(
        "POST",
        f"/cases/{case['id']}/hearings",
        {
            "scheduled_start": datetime.now(UTC).isoformat(),
            "public": public,
            "clerk_id": world.clerk_id,
        },
        expect=201,
    )
    bench = await judge.call("GET", f"/hearings/{hearing['id']}/participants")
    judge_id = next(p["id"] for p in bench["items"] if p["role"] == "judge")
    party = await invite(judge, hearing["id"], side="plaintiff")
    return Scheduled(
        hearing["id"], judge_id, party["participant"]["id"], party["invitation"]["token"], 0
    )


async def test_the_public_watches_and_the_judge_cuts(
    open_tab: OpenTab, server: TestServer, judge: Caller, world: World
) -> None:
    hearing = await scheduled(judge, world, True, "(2026)京0105民初21号")
    private = await scheduled(judge, world, False, "(2026)京0105民初22号")

    listing = await open_tab("public-court", f"/public/courts/{world.court_id}", locale="en")
    row = listing.page.get_by_test_id(f"public-hearing-{hearing.hearing_id}")
    await expect(row).to_contain_text("(2026)京0105民初21号")
    await expect(row).to_contain_text("借款合同纠纷")
    await expect(listing.page.get_by_test_id(f"public-hearing-{private.hearing_id}")).to_have_count(
        0
    )
    await expect(listing.page.get_by_text("张三诉李四")).to_have_count(0)

    nothing = await open_tab("public-private", f"/public/hearing/{private.hearing_id}")
    await expect(nothing.page.get_by_test_id("public-not-found")).to_be_visible()
    await expect(nothing.page.get_by_test_id("public-video")).to_have_count(0)

    public = await open_tab("public", f"/public/hearing/{hearing.hearing_id}", phone=True)
    asked: list[str] = []
    public.page.on("request", lambda request: asked.append(request.url))
    status = public.page.get_by_test_id("public-status")
    await expect(status).to_have_attribute("data-slate", "not_started")

    bench = await bench_in_session(open_tab, hearing.hearing_id)
    party = headless_party(server, hearing)
    try:
        await party.join(hearing.hearing_id)
        await check_identity(person(bench.page, hearing.party_id))
        await person(bench.page, hearing.party_id).get_by_test_id("admit").click()
        took = await until_picture(public.page, moving=True, limit=DELAY + 40)
        print(f"\nthe public page played {took:.0f} s after the party was admitted")
        await expect(status).to_have_attribute("data-slate", "live")
        await public.screenshot("playing")
        # low-latency HLS: the player asks for playlists to come and fetches parts (it may
        # have started on a whole segment already written, and take its first part later)
        await until_requested(asked, PART, limit=15)
        assert any("index.m3u8?_HLS_msn=" in url for url in asked), asked[-5:]

        panel = bench.page.get_by_test_id("broadcast")
        await expect(panel).to_have_attribute("data-cut", "false")
        await bench.page.get_by_test_id("broadcast-toggle").click()
        await expect(panel).to_have_attribute("data-cut", "true")
        await expect(status).to_have_attribute("data-slate", "cut", timeout=25_000)  # polled
        await until_picture(public.page, moving=False, limit=DELAY + 30)
        await public.screenshot("cut")
        # the hearing goes on meanwhile
        state = bench.page.get_by_test_id("hearing-state")
        await expect(state).to_have_attribute("data-state", "in_session")

        await bench.page.get_by_test_id("broadcast-toggle").click()
        await expect(panel).to_have_attribute("data-cut", "false")
        await until_picture(public.page, moving=True, limit=DELAY + 30)
    finally:
        await party.close()


async def test_the_clerk_keeps_a_hearing_off_the_public_web_before_it_opens(
    open_tab: OpenTab, judge: Caller, world: World
) -> None:
    hearing = await scheduled(judge, world, True, "(2026)京0105民初23号")
    desk = await open_tab("clerk", "/")
    await log_in(desk.page, "clerk")
    await desk.page.goto(f"/#/hearings/{hearing.hearing_id}")
    toggle = desk.page.get_by_test_id("public-toggle")
    await expect(toggle).to_have_text("不向公众公开")
    await toggle.click()
    await expect(toggle).to_have_text("设为公开（直播）")
    await expect(desk.page.get_by_test_id("hearing-head")).to_contain_text("不公开")
    page = await open_tab("public", f"/public/hearing/{hearing.hearing_id}")
    await expect(page.page.get_by_test_id("public-not-found")).to_be_visible()
    await toggle.click()
    await expect(toggle).to_have_text("不向公众公开")
    await page.page.reload()
    await expect(page.page.get_by_test_id("public-case")).to_have_text("(2026)京0105民初23号")
