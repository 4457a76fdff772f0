"""How a hearing ends for the judge in Chromium: a successful close is not reported as a server
that did not answer, and the ended screen leads back to the list of hearings."""

from __future__ import annotations

import asyncio

from playwright.async_api import expect

from tests.browser.conftest import OpenTab
from tests.browser.test_live import bench_in_session, schedule
from tests.callers import Caller, World


async def test_the_judge_closes_without_a_false_alarm_and_goes_back_to_the_list(
    open_tab: OpenTab, judge: Caller, world: World
) -> None:
    hearing = await schedule(judge, world, detainee=False)
    bench = await bench_in_session(open_tab, hearing.hearing_id)
    page = bench.page

    await page.get_by_test_id("hearing-close").click()
    await page.get_by_test_id("confirm-ok").click()
    await expect(page.get_by_test_id("ended")).to_have_attribute("data-kind", "closed")
    # The close's answer follows the `closed` event: it must still be heard, not turned into
    # "the server did not answer" by a socket the page closed too soon.
    # (A notice stays 5 s: counted once, not awaited until it goes.)
    await asyncio.sleep(1.5)
    assert await page.get_by_test_id("notice").all_inner_texts() == []

    back = page.get_by_test_id("back-to-list")
    await expect(back).to_have_text("返回庭审列表")
    await bench.screenshot("closed-judge-back")
    await back.click()
    await expect(page.get_by_test_id("hearing-list")).to_be_visible()
