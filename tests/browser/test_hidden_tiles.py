"""A party's phone in Chromium whose page goes to the background (the person switched apps) asks
for no video: the server stops sending the judge's video to it, audio goes on, and the video
comes back when the page is shown again."""

from __future__ import annotations

import asyncio

from aiohttp.test_utils import TestServer

from tests.browser.conftest import OpenTab
from tests.browser.test_live import (
    judge_in_session,
    phone_admitted,
    schedule,
    video_plays,
)
from tests.callers import Caller, World
from tests.integration.peers import wait_until
from tests.integration.test_hidden_videos import live_hearing_of, sent_to, stays

# Headless Chromium's page is always visible: the page is told otherwise as a phone's browser
# tells it when its app goes to the background.
BACKGROUND = """() => {
    Object.defineProperty(document, "visibilityState", {configurable: true, get: () => "hidden"});
    document.dispatchEvent(new Event("visibilitychange"));
}"""
FOREGROUND = """() => {
    delete document.visibilityState;
    document.dispatchEvent(new Event("visibilitychange"));
}"""


async def test_a_phone_in_the_background_is_sent_no_video(
    open_tab: OpenTab, server: TestServer, judge: Caller, world: World
) -> None:
    hearing = await schedule(judge, world, detainee=False)
    async with judge_in_session(server, judge, hearing.hearing_id) as presiding:
        page = (await phone_admitted(open_tab, presiding, hearing, "party-background")).page
        live = live_hearing_of(server, hearing.hearing_id)
        video = sent_to(live, hearing.party_id, hearing.judge_id, "video")
        audio = sent_to(live, hearing.party_id, hearing.judge_id, "audio")

        await page.evaluate(BACKGROUND)
        await wait_until(lambda: video.hidden, 3, "the judge's video held back")
        await asyncio.sleep(0.2)  # packets already on the wire
        heard = audio.sent_bytes
        assert await stays(lambda: video.sent_bytes, 1.0), "the judge's video is still sent"
        assert audio.sent_bytes > heard  # the judge is still heard

        await page.evaluate(FOREGROUND)
        await wait_until(lambda: not video.hidden, 3, "the judge's video sent again")
        await video_plays(page, hearing.judge_id)
        assert not video.hidden and video.sent_bytes > 0
