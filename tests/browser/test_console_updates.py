"""The bench's console keeps its elements while the room changes: whoever speaks, raises a hand or
is admitted, the judge's keyboard focus stays where it was (on the phase picker, on a person's
button) and a button pressed before the change still takes the tap (docs/architecture.md#client-views)."""

from __future__ import annotations

from aiohttp.test_utils import TestServer
from playwright.async_api import Page, expect

from tests.browser.conftest import OpenTab
from tests.browser.test_live import bench_in_session, check_identity, person, schedule
from tests.callers import Caller, World
from tests.headless import HeadlessParticipant, SendTimes


async def keep_focused(page: Page) -> None:
    """Remember the focused element, to compare after the room changes."""
    await page.evaluate("window.kept = document.activeElement")


async def still_focused(page: Page) -> bool:
    kept: bool = await page.evaluate(
        "window.kept.isConnected && document.activeElement === window.kept"
    )
    return kept


async def test_focus_and_a_press_survive_a_change_of_the_room(
    open_tab: OpenTab, server: TestServer, judge: Caller, world: World
) -> None:
    hearing = await schedule(judge, world, detainee=False)
    url = str(server.make_url("")).rstrip("/")
    bench = await bench_in_session(open_tab, hearing.hearing_id)
    page = bench.page
    party = HeadlessParticipant(url, SendTimes(), invitation=hearing.party_token)
    try:
        await party.join(hearing.hearing_id, publish=False)
        row = person(page, hearing.party_id)
        await check_identity(row)
        await row.get_by_test_id("admit").click()
        await expect(row).to_have_attribute("data-presence", "in_hearing")

        # The phase picker keeps the focus while the party raises a hand.
        await page.get_by_test_id("phase-select").focus()
        await keep_focused(page)
        assert await party.signal.call("raise_hand", {"raised": True}) == {"ok": True}
        await expect(row).to_contain_text("举手")
        assert await still_focused(page)

        # So does a person's own button while they lower it.
        await row.get_by_test_id("mute").focus()
        await keep_focused(page)
        assert await party.signal.call("raise_hand", {"raised": False}) == {"ok": True}
        await expect(row).not_to_contain_text("举手")
        assert await still_focused(page)

        # A finger on "mute" when the room changes: lifted, the tap still mutes.
        box = await row.get_by_test_id("mute").bounding_box()
        assert box is not None
        await page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        await page.mouse.down()
        assert await party.signal.call("raise_hand", {"raised": True}) == {"ok": True}
        await expect(row).to_contain_text("举手")
        await page.mouse.up()
        await expect(row.get_by_test_id("unmute")).to_be_visible()
    finally:
        await party.close()
