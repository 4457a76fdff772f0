"""The hearing's stage uses the screen: on the judge's 1366-px desktop the tiles fill the stage
(no mostly black area), and on a 390-px phone one's own picture covers no one's name or role."""

from __future__ import annotations

import asyncio
import time

from aiohttp.test_utils import TestServer
from playwright.async_api import Locator, Page, expect

from tests.browser.conftest import OpenTab
from tests.browser.test_live import bench_in_session, check_everyone, schedule
from tests.callers import Caller, World
from tests.headless import HeadlessParticipant, SendTimes

SETTLE_S = 15
"""How long the phone's tiles may take to settle after people arrive."""


async def boxes(page: Page, selector: str) -> list[dict[str, float]]:
    found: list[dict[str, float]] = await page.eval_on_selector_all(
        selector,
        "nodes => nodes.map(n => { const r = n.getBoundingClientRect();"
        " return {x: r.x, y: r.y, width: r.width, height: r.height}; })",
    )
    return found


def overlap(a: dict[str, float], b: dict[str, float]) -> float:
    width = min(a["x"] + a["width"], b["x"] + b["width"]) - max(a["x"], b["x"])
    height = min(a["y"] + a["height"], b["y"] + b["height"]) - max(a["y"], b["y"])
    return max(0.0, width) * max(0.0, height)


async def visible(locator: Locator) -> None:
    await expect(locator).to_be_visible()


async def test_tiles_fill_the_desktop_stage_and_the_self_view_hides_no_label(
    open_tab: OpenTab, server: TestServer, judge: Caller, world: World
) -> None:
    hearing = await schedule(judge, world, detainee=False)
    url = str(server.make_url("")).rstrip("/")
    bench = await bench_in_session(open_tab, hearing.hearing_id)
    party = await open_tab("party-stage", f"/join#{hearing.party_token}", phone=True)
    await party.page.get_by_test_id("join-button").click()
    await expect(party.page.get_by_test_id("waiting-room")).to_be_visible()
    await check_everyone(bench.page)
    await bench.page.get_by_test_id("admit-all").click()
    await visible(party.page.get_by_test_id("self-tile"))
    await visible(bench.page.get_by_test_id("self-tile"))
    await expect(bench.page.locator("[data-testid=tile]")).to_have_count(1)
    await desktop_is_filled(bench.page, tiles=2)
    await bench.screenshot("stage-1366")
    # Four more people without cameras: enough tiles for rows under the judge on the phone.
    others: list[HeadlessParticipant] = []
    for name in ("李四", "王五", "赵六", "钱七"):
        seat = await judge.call(
            "POST",
            f"/hearings/{hearing.hearing_id}/participants",
            {"role": "party", "name": name, "side": "defendant"},
            expect=201,
        )
        other = HeadlessParticipant(url, SendTimes(), invitation=seat["invitation"]["token"])
        others.append(other)
        await other.join(hearing.hearing_id, publish=False)
    try:
        await expect(bench.page.get_by_test_id("identity-form")).to_have_count(4)
        await check_everyone(bench.page)
        await bench.page.get_by_test_id("admit-all").click()
        await expect(party.page.locator("[data-testid=tile]")).to_have_count(5)
        await expect(bench.page.locator("[data-testid=tile]")).to_have_count(5)
        await desktop_is_filled(bench.page, tiles=6)
        await self_view_hides_nobody(party.page, captions=5)
        await bench.screenshot("stage-1366-six")
        await party.screenshot("stage-390")
    finally:
        for other in others:
            await other.close()
    await bench.page.get_by_test_id("hearing-close").click()
    await bench.page.get_by_test_id("confirm-ok").click()
    await expect(party.page.get_by_test_id("ended")).to_have_attribute("data-kind", "closed")


async def desktop_is_filled(desktop: Page, tiles: int) -> None:
    """The judge's desktop: the tiles (the judge's own among them) share the whole stage."""
    [stage] = await boxes(desktop, "[data-testid=stage]")
    found = await boxes(desktop, "[data-testid=stage] > figure")
    assert len(found) == tiles
    covered = sum(t["width"] * t["height"] for t in found) / (stage["width"] * stage["height"])
    assert covered > 0.8, (covered, stage, found)
    assert stage["height"] > 600, stage  # the screen's height, not a strip


async def self_view_hides_nobody(phone: Page, captions: int) -> None:
    """The phone: its own picture lies over no other tile's name and role, once the tiles that
    just arrived are laid out (a loaded machine lays them out over several frames)."""
    deadline = time.monotonic() + SETTLE_S
    while True:
        [own] = await boxes(phone, "[data-testid=self-tile]")
        found = await boxes(phone, "[data-testid=tile] figcaption")
        if len(found) == captions and all(overlap(own, c) == 0 for c in found):
            return
        assert time.monotonic() < deadline, (own, found)
        await asyncio.sleep(0.25)
