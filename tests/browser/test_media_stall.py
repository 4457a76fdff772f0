"""The judge's console in Chromium shows a frozen device: an alert naming the person, a badge
on their tile while nothing arrives from it, both gone (and an alert) once it sends again."""

from __future__ import annotations

from aiohttp.test_utils import TestServer
from playwright.async_api import expect

from tests.browser.conftest import OpenTab
from tests.browser.test_live import (
    admit_party,
    bench_in_session,
    both_languages,
    headless_party,
    schedule,
)
from tests.callers import Caller, World
from tests.integration.test_media_stall import sending_only

WITHIN_MS = 15_000


async def test_the_judge_sees_a_frozen_party_and_their_return(
    open_tab: OpenTab, judge: Caller, world: World, server: TestServer
) -> None:
    hearing = await schedule(judge, world, detainee=False)
    bench = await bench_in_session(open_tab, hearing.hearing_id)
    page = bench.page
    await expect(page.get_by_test_id("recording")).to_be_visible()
    party = headless_party(server, hearing)
    try:
        tile = await admit_party(page, party, hearing, WITHIN_MS)

        with sending_only(party, lambda datagram: False):
            stopped = page.locator("[data-testid=alert][data-kind=media_stopped]")
            await expect(stopped).to_have_count(1, timeout=WITHIN_MS)
            await expect(stopped).to_contain_text("未收到 张三 设备的音视频")
            await expect(tile.get_by_test_id("tile-stalled")).to_have_text("画面冻结：未收到音视频")
            await both_languages(bench, "judge-frozen-party")

        resumed = page.locator("[data-testid=alert][data-kind=media_resumed]")
        await expect(resumed).to_have_count(1, timeout=WITHIN_MS)
        await expect(tile.get_by_test_id("tile-stalled")).to_have_count(0)
    finally:
        await party.close()
