"""A staggered hearing turned live, in Chromium (docs/architecture.md#staggered-hearings): the
party's page shows the stages and no courtroom; the clerk turns the hearing live on its page,
confirming, and sees when; the party's page, open all along, comes back with the notice at the
top, the live courtroom's join button and the stages below, read-only."""

from __future__ import annotations

from playwright.async_api import expect

from tests.browser.conftest import OpenTab
from tests.browser.test_staff import log_in
from tests.callers import Caller, invite, schedule_hearing
from tests.staggered import add_stage

SLOW = 20_000
"""Time for the party's page to ask again (every 5 s) and come back."""


async def test_the_clerk_turns_a_staggered_hearing_live_and_the_party_may_join(
    open_tab: OpenTab, judge: Caller
) -> None:
    hearing = await schedule_hearing(
        judge, "(2026)浙0402民初21号", kind="async_hearing", title="买卖合同纠纷"
    )
    hid = hearing["id"]
    a = await invite(judge, hid, name="原告甲", side="plaintiff")
    await add_stage(judge, hid, [a["participant"]["id"]], title="原告陈述")

    party = await open_tab("live-a", f"/join#{a['invitation']['token']}", phone=True)
    page = party.page
    await expect(page.get_by_test_id("stage-1")).to_contain_text("原告陈述")
    await expect(page.get_by_test_id("join-button")).to_have_count(0)
    await expect(page.get_by_test_id("turned-live")).to_have_count(0)

    bench = await open_tab("live-clerk", "/")
    await log_in(bench.page, "clerk")
    await bench.page.goto(f"/#/hearings/{hid}")
    stages = bench.page.get_by_test_id("stages")
    bench.page.once("dialog", lambda dialog: dialog.accept())
    await stages.get_by_test_id("stag-live").click()
    await expect(stages.get_by_test_id("stag-live-done")).to_contain_text("转为在线庭审")
    await expect(stages.get_by_test_id("stag-live")).to_have_count(0)
    await expect(stages.get_by_test_id("stage-1")).to_be_visible()

    notice = page.get_by_test_id("turned-live")
    await expect(notice).to_contain_text("法院已将本案转为在线庭审", timeout=SLOW)
    await expect(page.get_by_test_id("join-button")).to_be_visible(timeout=SLOW)
    stage = page.get_by_test_id("stage-1")
    await expect(stage).to_contain_text("原告陈述")
    await expect(stage.get_by_test_id("record-open")).to_have_count(0)  # read-only
    # the notice is at the top, above the courtroom's join
    above = await page.evaluate(
        """() => {
          const n = document.querySelector('[data-testid="turned-live"]');
          const j = document.querySelector('[data-testid="join-button"]');
          return !!(n.compareDocumentPosition(j) & Node.DOCUMENT_POSITION_FOLLOWING);
        }"""
    )
    assert above
