"""The judge's console in Chromium shows a party whose connection cannot carry the judge's
video: a "weak connection: video paused" badge on their tile (both languages), gone once the
video is back; the party is told in `room` and keeps hearing the judge meanwhile."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aiohttp.test_utils import TestServer
from playwright.async_api import expect

from tests.browser.conftest import OpenTab
from tests.browser.test_live import (
    admit_party,
    bench_in_session,
    both_languages,
    headless_party,
    schedule,
)
from tests.callers import Caller, World
from tests.headless import HeadlessParticipant
from tests.integration.peers import wait_until

WITHIN_MS = 20_000


@contextmanager
def estimating(participant: HeadlessParticipant, bitrate: int) -> Iterator[None]:
    """While inside, the participant's receivers estimate `bitrate` for what they receive (its
    REMB says so): what a link that slow reports."""
    estimators = [
        getattr(t.receiver, "_RTCRtpReceiver__remote_bitrate_estimator")  # noqa: B009
        for t in participant.peer.pc.getTransceivers()
        if t.kind == "video" and t.receiver is not None
    ]
    estimators = [e for e in estimators if e is not None]
    assert estimators, "nothing received on video yet"
    for estimator in estimators:
        add = estimator.add

        def low(*args: Any, add: Any = add, **kwargs: Any) -> Any:
            estimate = add(*args, **kwargs)
            return None if estimate is None else (bitrate, estimate[1])

        setattr(estimator, "add", low)  # noqa: B010
    try:
        yield
    finally:
        for estimator in estimators:
            delattr(estimator, "add")


def paused_for(participant: HeadlessParticipant) -> list[int]:
    paused: list[int] = participant.signal.room["you"]["paused_video"]
    return paused


async def test_the_judge_sees_a_party_whose_link_cannot_carry_video(
    open_tab: OpenTab, judge: Caller, world: World, server: TestServer
) -> None:
    hearing = await schedule(judge, world, detainee=False)
    bench = await bench_in_session(open_tab, hearing.hearing_id)
    page = bench.page
    party = headless_party(server, hearing)
    try:
        tile = await admit_party(page, party, hearing, WITHIN_MS)
        await wait_until(
            lambda: (
                hearing.judge_id in party.received
                and len(party.received[hearing.judge_id].video) > 30
            ),
            WITHIN_MS / 1000,
            "the judge's video at the party",
        )

        with estimating(party, 60_000):
            badge = tile.get_by_test_id("tile-weak-connection")
            await expect(badge).to_have_text("网络较弱：视频已暂停", timeout=WITHIN_MS)
            assert paused_for(party) == [hearing.judge_id]
            heard = len(party.received[hearing.judge_id].audio)
            await both_languages(bench, "judge-weak-party")
            assert len(party.received[hearing.judge_id].audio) > heard  # still hears the judge

        await expect(tile.get_by_test_id("tile-weak-connection")).to_have_count(0, timeout=40_000)
        assert paused_for(party) == []
    finally:
        await party.close()
