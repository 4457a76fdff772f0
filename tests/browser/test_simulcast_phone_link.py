"""A party's phone in real Chromium on a weak mobile link: the judge's console (Chromium, its
camera in three simulcast layers) is sent to the phone at the layer the phone's link carries.

The phone's Chromium runs inside a network namespace (tests/network_namespace.py) whose link
from the server is shaped to 300 kbit/s with 100 ms delay and 2 % loss (the rate alone where the
kernel has no netem); it reaches the server at the namespace's outside address. Another party
(headless, unconstrained) and the recording are measured beside it. What the phone decodes is
read from its own peer connection's statistics (frames decoded, sampled every 0.1 s).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import aioice.ice
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from playwright.async_api import Browser, Page, async_playwright, expect

from tests.browser.conftest import CHROMIUM, CHROMIUM_FLAGS, PHONE, OpenTab
from tests.browser.test_live import (
    Scheduled,
    bench_in_session,
    check_identity,
    headless_party,
    person,
    schedule,
)
from tests.browser.test_simulcast import camera_of
from tests.callers import Caller, World, invite
from tests.integration.peers import wait_until
from tests.integration.test_hidden_videos import live_hearing_of, sent_to
from tests.network_namespace import Namespace, NamespaceUnavailable, network_namespace

RATE, DELAY_MS, LOSS_PCT = "300kbit", 100, 2.0
SETTLE = 5.0
"""Seconds after the limit begins that the phone's figures leave out."""
LIMITED = 20.0
"""Seconds the phone is measured on the weak link after SETTLE."""
CLIMB_BACK = 30.0
"""Seconds within which the phone is back on the top layer once the link is free. The target is
10 s; measured 5.4, 8.4, 7.4, 5.9 and 7.9 s since a probe succeeds as soon as the estimate has climbed
10 % (`layer_choice.SURE_CLIMB`) and a steady estimate 1.2 times what is sent is probed
(6.3-16.2 s, median 12.5 s in ten runs, before). The phone's estimate (REMB) grows about 8 % a
second, and a probe that fails on the weak link makes it fall to about 0.85 times what is
sent: the first probe after the lift waits for it to climb back. Bounded loosely here: a
loaded CI machine's browsers decode and estimate late."""
FREEZE = 0.5

# Every peer connection the page makes, for its statistics.
KEEP_PEER_CONNECTIONS = """
window.__peerConnections = [];
const Native = window.RTCPeerConnection;
window.RTCPeerConnection = class extends Native {
  constructor(...args) { super(...args); window.__peerConnections.push(this); }
};
"""
RECEIVED = """async ([video, audio]) => {
  const found = [0, 0, 0, 0];
  for (const pc of window.__peerConnections) {
    for (const report of (await pc.getStats()).values()) {
      if (report.type !== "inbound-rtp") continue;
      if (report.mid === video) {
        found[0] = report.framesDecoded || 0;
        found[1] = report.frameHeight || 0;
      } else if (report.mid === audio) {
        found[2] = report.totalSamplesReceived || 0;
        found[3] = report.concealedSamples || 0;
      }
    }
  }
  return found;
}"""
CONCEALED = 0.05
"""At most this share of the judge's audio samples may be concealment (made up for lost ones)."""


@pytest.fixture
def namespace() -> Iterator[Namespace]:
    try:
        with network_namespace() as made:
            yield made
    except NamespaceUnavailable as exc:
        pytest.skip(f"no network namespace here: {exc}")


@pytest.fixture
async def phone_browser(
    namespace: Namespace, server: TestServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[Browser, str]]:
    """Chromium inside the namespace, and the server's address as seen from there (the server
    listens there too, and offers its media there)."""
    near = namespace.outside_address
    assert server.runner is not None
    site = web.TCPSite(server.runner, near, 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    url = f"http://{near}:{port}"
    monkeypatch.setattr(
        aioice.ice, "get_host_addresses", lambda use_ipv4, use_ipv6: ["127.0.0.1", near]
    )
    wrapper = tmp_path / "chromium-in-namespace"
    wrapper.write_text(f'#!/bin/sh\nexec ip netns exec {namespace.name} {CHROMIUM} "$@"\n')
    wrapper.chmod(0o755)
    flags = [*CHROMIUM_FLAGS, f"--unsafely-treat-insecure-origin-as-secure={url}"]
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(wrapper), args=flags, headless=True
        )
        try:
            yield browser, url
        finally:
            await browser.close()
            await site.stop()


async def phone_joins(browser: Browser, url: str, token: str) -> Page:
    """A phone (its screen three device pixels to the CSS pixel, so the judge's tile is no
    thumbnail) opens the invitation, agrees and joins."""
    context = await browser.new_context(
        base_url=url,
        viewport=PHONE,
        device_scale_factor=3,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
    )
    await context.add_init_script(KEEP_PEER_CONNECTIONS)
    page = await context.new_page()
    agree = page.get_by_test_id("consent-agree")
    await page.add_locator_handler(agree, lambda: agree.click())
    await page.goto(f"/join#{token}")
    await expect(page.get_by_test_id("join-button")).to_be_enabled(timeout=30_000)
    await page.get_by_test_id("join-button").click()
    await expect(page.get_by_test_id("waiting-room")).to_be_visible()
    return page


@dataclass
class Sample:
    at: float
    frames: int
    height: int
    layer: int | None
    others_bytes: int
    estimate: int | None = None
    loss: float = 0.0
    others_layer: int | None = None
    layer_bytes: tuple[int, ...] = ()
    top: int = 0
    """The best layer the judge sends now."""
    samples: int = 0
    concealed: int = 0
    """Audio samples received and made up for lost ones."""


class Watch:
    """Samples every 0.1 s: the phone's decoded frames of the judge, the layer the server sends
    it, and the bytes sent to the other party."""

    def __init__(
        self, page: Page, mids: tuple[str, str], phone: Any, other: Any, sharing: Any
    ) -> None:
        self.samples: list[Sample] = []
        self._page, self._mids, self._phone, self._other = page, mids, phone, other
        self._sharing = sharing
        self._camera = other.publisher

    async def run(self) -> None:
        while True:
            frames, height, samples, concealed = await self._page.evaluate(
                RECEIVED, list(self._mids)
            )
            self.samples.append(
                Sample(
                    time.monotonic(),
                    frames,
                    height,
                    self._phone.layer,
                    self._other.sent_bytes,
                    self._sharing.estimates.total(),
                    self._phone.loss,
                    self._other.layer,
                    tuple(layer.received_bytes for layer in self._camera.layers),
                    max((layer.index for layer in self._camera.live_layers()), default=0),
                    samples,
                    concealed,
                )
            )
            await asyncio.sleep(0.1)

    def between(self, start: float, end: float) -> list[Sample]:
        return [s for s in self.samples if start <= s.at <= end]


def frame_rates(samples: list[Sample]) -> list[int]:
    """Frames decoded in each 1-s window (one ending at each sample)."""
    windows = []
    start = 0
    for sample in samples:
        while sample.at - samples[start].at > 1.0:
            start += 1
        if sample.at - samples[0].at >= 1.0:
            windows.append(sample.frames - samples[start].frames)
    return windows


def freezes(samples: list[Sample]) -> list[float]:
    """The gaps over FREEZE between newly decoded frames, each as long as it surely was: from
    the sample that first showed a frame to the last sample that still showed no newer one.
    (Measured between the samples that showed the changes, a gap could be one sampling
    interval longer than the freeze: 0.54 s in a loaded CI run, where the phone had shown no
    new frame for at least 0.44 s.) A freeze under way when the samples begin or end counts
    from their first or to their last."""
    frozen = []
    since = samples[0].at
    for a, s in pairwise(samples):
        if s.frames > a.frames:
            if a.at - since > FREEZE:
                frozen.append(a.at - since)
            since = s.at
    if samples[-1].at - since > FREEZE:
        frozen.append(samples[-1].at - since)
    return frozen


FOLLOW = 2.0
"""Seconds the judge's top layer must have been the same for a sample to say whether the other
party is sent it."""


def steady_top(samples: list[Sample], sample: Sample) -> bool:
    """Whether the judge's top layer was `sample`'s for the FOLLOW seconds before it."""
    before = [s for s in samples if sample.at - FOLLOW <= s.at <= sample.at]
    return before[0].at <= sample.at - FOLLOW + 0.2 and all(s.top == sample.top for s in before)


def rate(samples: list[Sample]) -> float:
    """Bits per second sent to the other party over `samples`."""
    first, last = samples[0], samples[-1]
    return (last.others_bytes - first.others_bytes) * 8 / (last.at - first.at)


def share_of_best(samples: list[Sample]) -> float:
    """What the other party was sent over what the judge's best layer brought meanwhile (the
    judge's own browser drops its top layer at times on a loaded machine: that is no fault of
    the weak link)."""
    best = sum(b.layer_bytes[b.top] - a.layer_bytes[b.top] for a, b in pairwise(samples))
    return (samples[-1].others_bytes - samples[0].others_bytes) / best


async def test_a_phone_on_a_weak_link_gets_a_lower_layer_smoothly_and_climbs_back(
    open_tab: OpenTab,
    server: TestServer,
    judge: Caller,
    world: World,
    namespace: Namespace,
    phone_browser: tuple[Browser, str],
) -> None:
    hearing = await schedule(judge, world, detainee=False)
    other = await invite(judge, hearing.hearing_id, side="defendant")
    other_seat = Scheduled(
        hearing.hearing_id,
        hearing.judge_id,
        other["participant"]["id"],
        other["invitation"]["token"],
        0,
    )
    tab = await bench_in_session(open_tab, hearing.hearing_id)
    live = live_hearing_of(server, hearing.hearing_id)
    await wait_until(lambda: hearing.judge_id in live.router.tracks, 15, "the judge's camera")
    camera = camera_of(server, hearing.hearing_id, hearing.judge_id)
    await wait_until(lambda: len(camera.live_layers()) == 3, 15, "three layers")

    browser, url = phone_browser
    page = await phone_joins(browser, url, hearing.party_token)
    await check_identity(person(tab.page, hearing.party_id))
    await person(tab.page, hearing.party_id).get_by_test_id("admit").click()
    party_b = headless_party(server, other_seat)
    watching: asyncio.Task[None] | None = None
    try:
        # the other party watches (publishes nothing): the phone's link is the judge's
        await party_b.join(hearing.hearing_id, publish=False)
        await check_identity(person(tab.page, other_seat.party_id))
        await person(tab.page, other_seat.party_id).get_by_test_id("admit").click()
        phone = sent_to(live, hearing.party_id, hearing.judge_id, "video")
        to_b = sent_to(live, other_seat.party_id, hearing.judge_id, "video")
        heard = sent_to(live, hearing.party_id, hearing.judge_id, "audio")
        assert phone.mid is not None and heard.mid is not None
        sharing = live.router.sessions[hearing.party_id].sharing
        watch = Watch(page, (phone.mid, heard.mid), phone, to_b, sharing)
        watching = asyncio.create_task(watch.run())

        # nobody limited: the phone starts on the lowest layer (what it decodes of it here is
        # the measure of this machine), then everyone reaches the top layer
        await wait_until(lambda: phone.layer == 2 and to_b.layer == 2, 60, "the top layer")
        lowest = [s for s in watch.samples if s.layer == 0 and s.frames > 0]
        await asyncio.sleep(10)
        baseline_end = time.monotonic()
        baseline = watch.between(baseline_end - 10, baseline_end)

        netem = namespace.shape(RATE, DELAY_MS, LOSS_PCT)
        limited_at = time.monotonic()
        await asyncio.sleep(SETTLE + LIMITED)
        limited = watch.between(limited_at + SETTLE, time.monotonic())
        top_throughout = camera.followed_layer is camera.live_layers()[-1]

        namespace.lift()
        climbed = await wait_until(lambda: phone.layer == 2, 30, "the top layer again")
        watching.cancel()

        rates = frame_rates(limited)
        unlimited = sorted(frame_rates(lowest)) or [0]
        usual = unlimited[len(unlimited) // 2]
        frozen = freezes(limited)
        layers = sorted({s.layer for s in limited if s.layer is not None})
        share = share_of_best(limited) / share_of_best(baseline)
        first, last = limited[0], limited[-1]
        concealed = (last.concealed - first.concealed) / max(1, last.samples - first.samples)
        print(
            f"\nweak phone ({RATE}, netem {netem}): {min(rates)} fps at least, {rates[::10]} (the same layer "
            f"unlimited: {usual}), freezes {frozen}, layers {layers}, heights "
            f"{sorted({s.height for s in limited})}, audio {concealed:.1%} concealed, estimate "
            f"{min(s.estimate or 0 for s in limited) // 1000}-"
            f"{max(s.estimate or 0 for s in limited) // 1000} kbit/s; the other party "
            f"{rate(baseline) / 1000:.0f} -> {rate(limited) / 1000:.0f} kbit/s, "
            f"{share:.2f} of its share of the best layer; back on the top layer {climbed:.1f} s "
            "after the limit lifted"
        )
        assert max(layers) < 2, layers  # the weak link is sent a lower layer
        # 15 fps or more (unless this machine's browsers cannot even decode that unlimited),
        # never frozen (below): a try of the next layer, which the link cannot carry, dips one
        # second's count (9 and 11 fps in two loaded CI runs; the target is 15 in every second)
        typical = sorted(rates)[len(rates) // 2]
        assert typical >= min(15, 0.75 * usual), (rates, usual)
        assert frozen == [], frozen
        assert last.samples > first.samples and concealed <= CONCEALED, concealed  # heard on
        # the other party and the record keep the best layer the judge sends. The judge's own
        # browser drops and restores its top layer on a loaded machine, and following it back
        # waits for that layer's keyframe: the samples within FOLLOW of a change of the top
        # layer say nothing of the weak link (a loaded CI run kept 77 % of all samples, with a
        # bitrate share of 0.94)
        steady = [s for s in limited if steady_top(limited, s)]
        kept = [s.others_layer == s.top for s in steady]
        assert len(steady) >= 0.5 * len(limited), (len(steady), len(limited))
        assert sum(kept) >= 0.8 * len(kept) and top_throughout, (sum(kept), len(kept))
        assert share >= 0.9, share
        assert climbed <= CLIMB_BACK, climbed
    finally:
        if watching is not None:
            watching.cancel()
        await party_b.close()
