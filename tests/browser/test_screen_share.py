"""Screen sharing in Chromium: a party at a desktop shares a screen, the judge's page shows it as
the main picture and stops it; shared again, the browser's own "Stop sharing" ends it.

Headless Chromium captures a synthetic screen for ``getDisplayMedia`` under
``--use-fake-ui-for-media-stream`` (conftest's flags), without a picker.
"""

from __future__ import annotations

from playwright.async_api import Page, expect

from tests.browser.conftest import OpenTab, Tab
from tests.browser.test_live import (
    FRAMES_WITHIN_MS,
    bench_in_session,
    both_languages,
    check_identity,
    person,
    schedule,
    video_plays,
)
from tests.callers import Caller, World

KEEP_SCREENS = """
    window.sharedScreens = [];
    const original = navigator.mediaDevices.getDisplayMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getDisplayMedia = async (options) => {
        const stream = await original(options);
        window.sharedScreens.push(stream);
        return stream;
    };
"""
"""Keep the streams the page captures, to end one as the browser's own "Stop sharing" does."""


async def screen_plays(page: Page, sharer_id: int, more: int = 5) -> None:
    """Wait until the shared screen's picture, marked as ``sharer_id``'s, decodes frames."""
    tile = page.locator(f'[data-testid=screen-tile][data-participant="{sharer_id}"]')
    await expect(tile).to_be_visible(timeout=FRAMES_WITHIN_MS)
    await page.wait_for_function(
        """(wanted) => {
            const video = document.querySelector("[data-testid=screen-tile] video");
            return video !== null && video.getVideoPlaybackQuality().totalVideoFrames >= wanted;
        }""",
        arg=more,
        timeout=FRAMES_WITHIN_MS,
    )


async def party_in_hearing(open_tab: OpenTab, bench: Tab, token: str, party_id: int) -> Tab:
    party = await open_tab("party-desktop", "/healthz")
    await party.page.add_init_script(KEEP_SCREENS)
    await party.page.goto(f"/join#{token}")
    await expect(party.page.get_by_test_id("join-button")).to_be_enabled()
    await party.page.get_by_test_id("join-button").click()
    await expect(party.page.get_by_test_id("waiting-room")).to_be_visible()
    # nothing to share from the waiting room
    await expect(party.page.get_by_test_id("share-toggle")).to_be_hidden()
    await check_identity(person(bench.page, party_id))
    await person(bench.page, party_id).get_by_test_id("admit").click()
    return party


async def test_a_party_shares_a_screen_the_judge_sees_and_stops_it(
    open_tab: OpenTab, judge: Caller, world: World
) -> None:
    hearing = await schedule(judge, world, detainee=False)
    bench = await bench_in_session(open_tab, hearing.hearing_id)
    party = await party_in_hearing(open_tab, bench, hearing.party_token, hearing.party_id)
    await video_plays(bench.page, hearing.party_id)
    await video_plays(party.page, hearing.judge_id)

    share = party.page.get_by_test_id("share-toggle")
    await expect(share).to_have_text("共享屏幕")
    await share.click()
    await expect(share).to_have_attribute("data-state", "on")
    await expect(share).to_have_text("停止共享")
    await screen_plays(bench.page, hearing.party_id)
    await expect(bench.page.get_by_test_id("screen-sharer")).to_have_text("张三正在共享屏幕")
    # the people stay, small beside it: the party's camera still plays
    await video_plays(bench.page, hearing.party_id)
    # the judge's own share button is held while someone else shares
    await expect(bench.page.get_by_test_id("share-toggle")).to_be_disabled()
    await both_languages(bench, "screen-share-judge")

    await bench.page.get_by_test_id("stop-share").click()
    await expect(bench.page.get_by_test_id("screen-tile")).to_have_count(0)
    await expect(share).to_have_attribute("data-state", "off")
    assert (
        await party.page.evaluate("window.sharedScreens[0].getVideoTracks()[0].readyState")
        == "ended"
    )

    # shared again, then ended from the browser's own "Stop sharing"
    await share.click()
    await screen_plays(bench.page, hearing.party_id)
    await party.page.evaluate(
        """() => {
            const track = window.sharedScreens.at(-1).getVideoTracks()[0];
            track.stop();
            track.dispatchEvent(new Event("ended"));
        }"""
    )
    await expect(bench.page.get_by_test_id("screen-tile")).to_have_count(0)
    await expect(share).to_have_attribute("data-state", "off")
    await expect(bench.page.get_by_test_id("share-toggle")).to_be_enabled()
    for tab in (bench, party):
        assert not [e for e in tab.errors if "negotiation" in e], tab.errors
