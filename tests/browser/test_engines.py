"""The party's client in the other engines people use: Firefox (Gecko) and WebKit (Safari's engine).

Playwright's own Firefox and WebKit cannot be downloaded here; Debian's can be installed
(`firefox-esr`, `webkit2gtk-driver`, `xvfb`; .ci/run does). Firefox is driven over WebDriver BiDi,
which it speaks itself (tests/browser/bidi.py); WebKitGTK through its WebDriver on an Xvfb display
of its own (tests/browser/webdriver.py). Each browser gets its engine's fake camera and microphone.

A party opens the invitation link on a phone-sized page, reads the court's notice on taking part
online and agrees (the bench has the answer), and passes the self-test (camera preview
playing, microphone, network); in a hearing whose judge is a headless aiortc participant (numbered
pictures and a tone), the party joins, waits, is admitted, and then the page plays the judge's
video and sound while the judge receives the party's video and sound.

Debian's WebKitGTK is built without WebRTC (no RTCPeerConnection): there the hearing itself cannot
run, and the test checks that the page says so instead of offering to join (as it must in any
browser without WebRTC, e.g. some in-app browsers). A WebKit with WebRTC runs the hearing test.
"""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestServer

from tests.browser.engine_pages import (
    VISIBLE,
    WITHIN_S,
    EnginePage,
    by_testid,
    engines,
    snapshot,
    wait_for,
)
from tests.browser.test_live import open_session, schedule
from tests.browser.test_simulcast import camera_of
from tests.callers import Caller, World
from tests.headless import HeadlessParticipant, SendTimes
from tests.integration.courtroom import presence, receiving, session_cookie
from tests.integration.peers import wait_until
from tests.signal_client import admit_checked

pytestmark = pytest.mark.browser

FRAMES = 15
"""Video frames the page must show advancing, and the judge must receive from the party."""
PLAYED_S = 1.0
"""Seconds of the judge's sound the page must play."""

# Frames a <video> presented, in every engine: Firefox counts no decoded frames of a MediaStream
# in getVideoPlaybackQuality(), so count requestVideoFrameCallback calls instead.
COUNT_FRAMES = """(selector) => {
    const video = document.querySelector(selector);
    if (video === null) return -1;
    if (typeof video.requestVideoFrameCallback !== "function") {
        return video.getVideoPlaybackQuality().totalVideoFrames;
    }
    if (video.__frames === undefined) {
        video.__frames = 0;
        const tick = () => { video.__frames += 1; video.requestVideoFrameCallback(tick); };
        video.requestVideoFrameCallback(tick);
    }
    return video.__frames;
}"""

# How far an <audio> element has played its stream, while it plays a live track that receives
# media (a remote track is muted until its packets arrive); -1 otherwise. (Not WebAudio: headless
# Firefox without a sound card never starts an AudioContext.)
PLAYED = """(selector) => {
    const audio = document.querySelector(selector);
    if (audio === null || audio.paused || !(audio.srcObject instanceof MediaStream)) return -1;
    const track = audio.srcObject.getAudioTracks()[0];
    if (track === undefined || track.readyState !== "live" || track.muted) return -1;
    return audio.currentTime;
}"""


def in_tile(participant_id: int, element: str) -> str:
    return f'[data-testid=tile][data-participant="{participant_id}"] {element}'


async def video_plays(page: EnginePage, selector: str, what: str) -> None:
    """Wait until the video ``selector`` finds has shown :data:`FRAMES` more frames."""
    await wait_for(page, f"{what} to appear", f"(s) => ({COUNT_FRAMES})(s) >= 0", selector)
    start: int = await page.evaluate(COUNT_FRAMES, selector)
    await wait_for(
        page, f"{what} to play", f"(s, n) => ({COUNT_FRAMES})(s) >= n", selector, start + FRAMES
    )


async def sound_plays(page: EnginePage, selector: str, what: str) -> None:
    """Wait until the audio ``selector`` finds has played :data:`PLAYED_S` more seconds."""
    await wait_for(page, f"{what} to start", f"(s) => ({PLAYED})(s) >= 0", selector)
    start: float = await page.evaluate(PLAYED, selector)
    await wait_for(
        page, f"{what} to play", f"(s, t) => ({PLAYED})(s) >= t", selector, start + PLAYED_S
    )


async def has_webrtc(page: EnginePage) -> bool:
    found: bool = await page.evaluate("() => typeof RTCPeerConnection === 'function'")
    return found


async def invitation_named(page: EnginePage, url: str) -> None:
    """Open the invitation: it names the court, and (the first time) shows the court's notice on
    taking part online with the question, before the self-test; the party agrees."""
    await page.goto(url)
    await wait_for(
        page,
        "the invitation",
        "(s) => document.querySelector(s)?.textContent === 'A区人民法院'",
        by_testid("court"),
    )
    await wait_for(page, "the notice on taking part online", VISIBLE, by_testid("consent-agree"))
    notice: str = await page.evaluate(
        "(s) => document.querySelector(s).textContent", by_testid("consent-notice")
    )
    assert "录音" in notice or "record sound" in notice, notice
    assert not await page.evaluate(VISIBLE, by_testid("join-button"))  # no self-test yet
    await snapshot(page, "consent")
    await page.click(by_testid("consent-agree"))
    await wait_for(
        page,
        "the answer recorded",
        "(s) => document.querySelector(s)?.dataset.answer === 'agreed'",
        by_testid("consent"),
    )


async def invitation_opens(page: EnginePage, url: str) -> None:
    """Open the invitation: it names the court, and the network check completes."""
    await invitation_named(page, url)
    await wait_for(
        page,
        "the network check",
        # "slow" is the machine (two cores shared by several browsers), not the engine
        "(s) => ['good', 'slow'].includes(document.querySelector(s)?.dataset.result)",
        by_testid("network-check"),
    )


async def self_test_passes(page: EnginePage, url: str) -> None:
    """The invitation opens; the self-test shows the camera playing and the microphone's meter;
    joining is allowed."""
    await invitation_opens(page, url)
    await video_plays(page, by_testid("preview"), "the camera preview")
    assert await page.evaluate(VISIBLE, by_testid("mic-meter"))
    await wait_for(
        page,
        "the join button",
        "(s) => document.querySelector(s)?.disabled === false",
        by_testid("join-button"),
    )
    await snapshot(page, "selftest")


@engines("firefox", "webkit")
async def test_a_party_is_admitted_and_sees_and_is_seen(
    party_page: EnginePage, base_url: str, server: TestServer, judge: Caller, world: World
) -> None:
    page = party_page
    hearing = await schedule(judge, world, detainee=False)
    await page.goto(base_url + "/healthz")
    if not await has_webrtc(page):
        pytest.skip(f"{page.name}: this build of the engine has no WebRTC (RTCPeerConnection)")
    presiding = HeadlessParticipant(base_url, SendTimes(), cookie=session_cookie(judge))
    try:
        await open_session(presiding, hearing.hearing_id)

        await self_test_passes(page, f"{base_url}/join#{hearing.party_token}")
        await page.click(by_testid("join-button"))
        await wait_for(page, "the waiting room", VISIBLE, by_testid("waiting-room"))
        await wait_until(
            lambda: presence(presiding, hearing.party_id) == "waiting",
            WITHIN_S,
            "the party waiting",
        )
        # the bench has the party's agreement to taking part online
        shown = next(m for m in presiding.signal.room["members"] if m["id"] == hearing.party_id)
        assert shown["consent"]["answer"] == "agreed", shown
        admitted = await admit_checked(presiding.signal, hearing.party_id)
        assert admitted == {"ok": True}

        # The page plays the judge's video and sound; the judge gets the party's.
        await video_plays(page, in_tile(hearing.judge_id, "video"), "the judge's video")
        await sound_plays(page, in_tile(hearing.judge_id, "audio"), "the judge's sound")
        await receiving(presiding, hearing.party_id, frames=FRAMES, limit=WITHIN_S)
        await snapshot(page, "hearing")
        # Firefox sends its camera as simulcast too (WebKit has no WebRTC here)
        camera = camera_of(server, hearing.hearing_id, hearing.party_id)
        assert camera.simulcast
        await wait_until(lambda: len(camera.live_layers()) >= 2, WITHIN_S, "two layers or more")

        assert await presiding.signal.call("close") == {"ok": True}
        await wait_for(
            page,
            "the end of the hearing",
            "(s) => document.querySelector(s)?.dataset.kind === 'closed'",
            by_testid("ended"),
        )
    finally:
        await presiding.close()


@engines("webkit")
async def test_a_browser_without_webrtc_is_told_before_joining(
    party_page: EnginePage, base_url: str, judge: Caller, world: World
) -> None:
    page = party_page
    hearing = await schedule(judge, world, detainee=False)
    await page.goto(base_url + "/healthz")
    if await has_webrtc(page):
        pytest.skip(f"{page.name}: this build of the engine has WebRTC")
    await invitation_named(page, f"{base_url}/join#{hearing.party_token}")
    settled = await wait_for(
        page,
        "the self-test to settle",
        """([help, join]) => {
            const shown = document.querySelector(help);
            if (shown !== null) return "help:" + shown.dataset.problem;
            return document.querySelector(join)?.disabled === false ? "join" : null;
        }""",
        [by_testid("media-help"), by_testid("join-button")],
    )
    await snapshot(page, "no-webrtc")
    assert settled == "help:no_webrtc", f"the self-test offers to join ({settled})"
