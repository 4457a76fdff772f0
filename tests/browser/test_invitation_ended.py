"""A party whose invitation the court withdraws while they wait is told so, in their language,
instead of being left on a screen that still looks connected."""

from __future__ import annotations

from playwright.async_api import expect

from tests.browser.conftest import OpenTab
from tests.browser.test_live import schedule, staff_tab
from tests.callers import Caller, World


async def test_a_party_whose_invitation_is_withdrawn_is_told_so_in_their_language(
    open_tab: OpenTab, judge: Caller, world: World
) -> None:
    hearing = await schedule(judge, world, detainee=False)
    bench = await staff_tab(open_tab, hearing.hearing_id)
    await bench.page.get_by_test_id("hearing-open").click()
    party = await open_tab("party", f"/join#{hearing.party_token}", phone=True)
    await expect(party.page.get_by_test_id("join-button")).to_be_enabled()
    await party.page.get_by_test_id("join-button").click()
    await expect(party.page.get_by_test_id("waiting-room")).to_be_visible()

    await judge.call("DELETE", f"/participants/{hearing.party_id}/invitation", expect=204)
    await expect(party.page.get_by_test_id("ended")).to_have_attribute("data-kind", "refused")
    await expect(party.page.get_by_test_id("ended-detail")).to_have_text("法院已撤回您的邀请。")
    await party.screenshot("invitation-withdrawn")
