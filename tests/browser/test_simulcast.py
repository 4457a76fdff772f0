"""A judge's camera in Chromium goes as simulcast: the server takes its layers apart by rid and
sends each subscriber the layer it chooses."""

from __future__ import annotations

import asyncio

from aiohttp.test_utils import TestServer

from signaling.media.publisher import PublishedTrack
from tests.browser.conftest import OpenTab
from tests.browser.test_live import admit_party, bench_in_session, headless_party, schedule
from tests.callers import Caller, World
from tests.integration.peers import wait_until
from tests.integration.test_hidden_videos import live_hearing_of, sent_to


def camera_of(server: TestServer, hearing_id: int, owner_id: int) -> PublishedTrack:
    live = live_hearing_of(server, hearing_id)
    return next(t for t in live.router.tracks[owner_id] if t.kind == "video")


async def test_a_desktop_camera_is_sent_in_three_layers(
    open_tab: OpenTab, server: TestServer, judge: Caller, world: World
) -> None:
    hearing = await schedule(judge, world, detainee=False)
    tab = await bench_in_session(open_tab, hearing.hearing_id)
    await wait_until(
        lambda: hearing.judge_id in live_hearing_of(server, hearing.hearing_id).router.tracks,
        15,
        "the judge's camera published",
    )
    camera = camera_of(server, hearing.hearing_id, hearing.judge_id)
    assert camera.simulcast
    await wait_until(lambda: len(camera.live_layers()) == 3, 15, "three layers arriving")
    party = headless_party(server, hearing)
    try:
        await admit_party(tab.page, party, hearing, 15_000)
        live = live_hearing_of(server, hearing.hearing_id)
        video = sent_to(live, hearing.party_id, hearing.judge_id, "video")
        for _ in range(40):
            await asyncio.sleep(0.5)
            session = live.router.sessions[hearing.party_id]
            print(video.layer, video.target_layer, session.sharing.estimates.total(), [l.received_bytes for l in camera.layers])
    finally:
        await party.close()
