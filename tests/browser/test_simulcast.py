"""A judge's camera in Chromium goes as simulcast: the server takes its three layers apart by
rid, the recording follows the best one, and a party is sent the layer its own connection
takes, moving up at a keyframe without a gap in what it decodes."""

from __future__ import annotations

import asyncio
import itertools
import time

from aiohttp.test_utils import TestServer

from signaling.media.publisher import PublishedTrack
from tests.browser.conftest import OpenTab
from tests.browser.test_live import admit_party, bench_in_session, headless_party, schedule
from tests.callers import Caller, World
from tests.integration.peers import wait_until
from tests.integration.test_hidden_videos import live_hearing_of, sent_to

CLIMB_LIMIT = 60
"""Seconds for an aiortc receiver's estimate (which climbs about 8 % a second from ~100 kbit/s)
to take the party above the lowest layer."""


def camera_of(server: TestServer, hearing_id: int, owner_id: int) -> PublishedTrack:
    live = live_hearing_of(server, hearing_id)
    return next(t for t in live.router.tracks[owner_id] if t.kind == "video")


async def test_a_desktop_camera_is_sent_in_three_layers_and_each_gets_its_own(
    open_tab: OpenTab, server: TestServer, judge: Caller, world: World
) -> None:
    hearing = await schedule(judge, world, detainee=False)
    tab = await bench_in_session(open_tab, hearing.hearing_id)
    live = live_hearing_of(server, hearing.hearing_id)
    await wait_until(lambda: hearing.judge_id in live.router.tracks, 15, "the judge's camera")
    camera = camera_of(server, hearing.hearing_id, hearing.judge_id)
    assert camera.simulcast and [layer.rid for layer in camera.layers] == ["q", "h", "f"]
    await wait_until(lambda: len(camera.live_layers()) == 3, 15, "three layers arriving")
    ssrcs = {layer.ssrc for layer in camera.layers}
    assert None not in ssrcs and len(ssrcs) == 3  # each layer its own stream

    # the recording takes the best layer
    await wait_until(
        lambda: camera.followed_layer is camera.layers[2], 15, "the recording on the top layer"
    )

    party = headless_party(server, hearing)
    try:
        await admit_party(tab.page, party, hearing, 15_000)
        video = sent_to(live, hearing.party_id, hearing.judge_id, "video")
        watched = party.reception(hearing.judge_id)
        await wait_until(lambda: len(watched.video) >= 10, 15, "the judge's video at the party")
        assert video.layer == 0  # a new subscriber starts low
        await wait_until(lambda: (video.layer or 0) > 0, CLIMB_LIMIT, "a better layer")
        moved_at = time.monotonic()
        await asyncio.sleep(2)
        around = [f.at for f in watched.video if moved_at - 2 <= f.at]
        gaps = [b - a for a, b in itertools.pairwise(around)]
        assert len(around) > 30 and max(gaps) < 0.5, gaps  # decoded on across the switch
        assert camera.followed_layer is camera.layers[2]  # the party's layer is its own
        # ranked lowest first: the lowest layer is the smallest
        sizes = [layer.received_bytes for layer in camera.layers]
        assert sizes[0] < sizes[1] < sizes[2], sizes
    finally:
        await party.close()
