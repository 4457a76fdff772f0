"""A phone reloaded mid-hearing: one tap ("rejoin") takes the party back to their seat, without
the invitation and the self-test again and without being admitted again."""

from __future__ import annotations

from aiohttp.test_utils import TestServer
from playwright.async_api import expect

from tests.browser.conftest import OpenTab
from tests.browser.test_live import (
    both_languages,
    judge_in_session,
    phone_admitted,
    schedule,
    video_plays,
)
from tests.callers import Caller, World
from tests.integration.peers import wait_until


async def test_a_reloaded_phone_rejoins_with_one_tap(
    open_tab: OpenTab, server: TestServer, judge: Caller, world: World
) -> None:
    hearing = await schedule(judge, world, detainee=False)
    async with judge_in_session(server, judge, hearing.hearing_id) as presiding:
        party = await phone_admitted(open_tab, presiding, hearing, "party-rejoin")
        page = party.page

        await page.reload()
        rejoin = page.get_by_test_id("rejoin-button")
        await expect(rejoin).to_have_text("重新进入庭审")
        await expect(page.get_by_test_id("selftest")).to_have_count(0)
        await expect(page.get_by_test_id("invitation")).to_have_count(0)
        await both_languages(party, "rejoin-phone")
        await rejoin.click()  # the one tap
        await video_plays(page, hearing.judge_id)
        await expect(page.get_by_test_id("waiting-room")).to_be_hidden()

        def seated() -> bool:
            members = presiding.signal.room["members"]
            return any(
                m["id"] == hearing.party_id and m["presence"] == "in_hearing" for m in members
            )

        await wait_until(seated, 5, "the party back in the hearing")
        assert await presiding.signal.call("close") == {"ok": True}
        await expect(page.get_by_test_id("ended")).to_have_attribute("data-kind", "closed")

        # Ended: a reload no longer offers the way back, but what the court granted (the page
        # loads its recording view then; the test waits for it, or closing the tab would cut
        # its stylesheet's download short)
        await page.reload()
        await expect(page.get_by_test_id("party-recording")).to_be_visible()
        await expect(page.get_by_test_id("rejoin-button")).to_have_count(0)
