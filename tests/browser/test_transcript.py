"""The transcript panel of the bench's console (docs/architecture.md#transcript): the entry being
typed survives a reload and reaches another device through the server; Enter commits it among
the timeline's facts."""

from __future__ import annotations

from playwright.async_api import expect

from tests.browser.conftest import OpenTab
from tests.browser.test_live import bench_in_session, schedule, staff_tab
from tests.callers import Caller, World

SAID = "审判员：现在开庭。Court is in session 🙂"


async def test_a_reload_mid_entry_loses_nothing(
    open_tab: OpenTab, judge: Caller, world: World
) -> None:
    hearing = await schedule(judge, world, detainee=False)
    bench = await bench_in_session(open_tab, hearing.hearing_id)
    page = bench.page
    panel = page.get_by_test_id("transcript")
    text = panel.get_by_test_id("transcript-text")
    await text.click()
    await text.press("Alt+1")  # the first person in the room: the judge
    await expect(panel.get_by_test_id("transcript-speaker-1")).to_have_attribute(
        "aria-pressed", "true"
    )
    await text.press("Alt+0")  # the court
    await expect(panel.get_by_test_id("transcript-speaker-0")).to_have_attribute(
        "aria-pressed", "true"
    )
    await text.fill(SAID)
    await expect(panel.get_by_test_id("transcript-saving")).to_have_attribute(
        "data-state", "saved", timeout=10_000
    )

    await page.reload()
    await expect(page.get_by_test_id("transcript-text")).to_have_value(SAID)

    # the judge moves to another computer (nothing kept in its browser; this tab is let go):
    # the draft comes from the server, and is committed there
    moved = await staff_tab(open_tab, hearing.hearing_id)
    page = moved.page
    text = page.get_by_test_id("transcript-text")
    await expect(text).to_have_value(SAID)
    await expect(page.get_by_test_id("transcript-speaker-0")).to_have_attribute(
        "aria-pressed", "true"
    )
    await text.press("End")
    await text.press("Enter")
    entry = page.get_by_test_id("transcript-entry")
    await expect(entry).to_have_count(1)
    await expect(entry).to_contain_text(f"法庭：{SAID}")
    await expect(text).to_have_value("")
    facts = page.get_by_test_id("transcript-fact")
    await expect(facts.filter(has_text="（开庭）")).to_have_count(1)
    await moved.screenshot("transcript")
