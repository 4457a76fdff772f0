"""A subscription the subscriber hides: nothing sent, left out of the bandwidth sharing, and
sent again from a keyframe (asked for at once) when shown; hidden and paused for a weak link
are separate. A real PublishedTrack on an unconnected receiver feeds a real Subscription on an
unconnected sender, whose datagrams are captured instead of sent."""

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from aiortc import RTCPeerConnection
from aiortc.rtcrtpparameters import RTCRtpSendParameters

from signaling.media.allocation import PAUSE_LOSSLESS
from signaling.media.session import MediaSession
from signaling.media.sharing import BandwidthSharing
from signaling.media.subscriber import SilentTrack, Subscription
from tests.unit.test_publisher import RTX, VP8, Harness, harness, vp8


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Forwarding:
    publisher: Harness
    subscription: Subscription
    sent: list[bytes]
    clock: Clock
    sequence: int = 100

    async def frame(self, keyframe: bool = False, packets: int = 1) -> int:
        """Feed one frame's packets; return how many the subscription sent of them."""
        before = len(self.sent)
        for _ in range(packets):
            self.sequence += 1
            await self.publisher.feed(vp8(self.sequence, keyframe=keyframe))
        self.clock.now += 0.1
        return len(self.sent) - before


async def subscribed(clock: Clock, pc: RTCPeerConnection) -> Forwarding:
    publisher = await harness("video", [VP8, RTX], clock=clock)
    subscription = Subscription(
        publisher.track, retransmissions=BandwidthSharing([]).retransmissions
    )
    subscription.bind(pc.addTransceiver(SilentTrack("video"), direction="sendonly"))
    sent: list[bytes] = []
    setattr(subscription, "_send", sent.append)  # noqa: B010 (the socket is not the subject)
    # what aiortc does once the subscriber's DTLS transport is up
    await subscription._on_sender_started(RTCRtpSendParameters(codecs=[VP8, RTX], muxId="1"))
    return Forwarding(publisher, subscription, sent, clock)


@pytest.fixture
async def forwarding() -> AsyncIterator[Forwarding]:
    pc = RTCPeerConnection()
    made = await subscribed(Clock(), pc)
    yield made
    await made.publisher.track.stop()
    await made.publisher.pc.close()
    await pc.close()


async def test_a_hidden_video_is_not_sent_and_comes_back_at_a_keyframe(
    forwarding: Forwarding,
) -> None:
    subscription = forwarding.subscription
    assert await forwarding.frame(keyframe=True) == 1
    assert await forwarding.frame() == 1

    subscription.hide()
    assert not subscription.sending
    assert await forwarding.frame(keyframe=True) == 0
    assert await forwarding.frame() == 0
    assert not subscription.waiting_for_keyframe  # nobody asks for pictures not sent

    forwarding.clock.now += 1
    plis = forwarding.publisher.plis()
    await subscription.show()
    assert forwarding.publisher.plis() == plis + 1  # asked at once
    assert subscription.waiting_for_keyframe
    assert await forwarding.frame() == 0  # the middle of a picture is useless
    assert await forwarding.frame(keyframe=True, packets=2) == 2
    assert await forwarding.frame() == 1
    assert not subscription.waiting_for_keyframe


async def test_hidden_and_paused_hold_the_video_back_separately(forwarding: Forwarding) -> None:
    subscription = forwarding.subscription
    assert await forwarding.frame(keyframe=True) == 1
    subscription.pause()
    subscription.hide()
    forwarding.clock.now += 1
    plis = forwarding.publisher.plis()

    await subscription.unpause()  # the link carries it again, but it is still hidden
    assert subscription.hidden and not subscription.paused
    assert forwarding.publisher.plis() == plis
    assert await forwarding.frame(keyframe=True) == 0

    subscription.pause()
    await subscription.show()  # shown, but the link cannot carry it
    assert forwarding.publisher.plis() == plis
    assert await forwarding.frame(keyframe=True) == 0

    await subscription.unpause()
    assert forwarding.publisher.plis() == plis + 1
    assert await forwarding.frame(keyframe=True) == 1


async def test_the_sharing_leaves_a_hidden_video_out(forwarding: Forwarding) -> None:
    """A hidden video takes none of the budget, and the sharing neither pauses nor unpauses it
    (nor tells of it as paused): paused for a weak link before it was hidden, it is still paused
    when shown, and comes back when the link carries it."""
    subscription = forwarding.subscription
    sharing = BandwidthSharing([subscription])
    assert await forwarding.frame(keyframe=True) == 1
    ssrc = subscription.ssrc
    assert ssrc is not None

    async def ticks(count: int, estimate: int) -> None:
        for _ in range(count):
            sharing.estimates.report(frozenset({ssrc}), estimate)
            for _ in range(5):
                await forwarding.frame(packets=5)
            await sharing.reallocate(forwarding.clock.now)

    # far less than the video needs, and nothing lost: paused after PAUSE_LOSSLESS (a tick is
    # half a second), tried again FIRST_RETRY later
    await ticks(round(PAUSE_LOSSLESS / 0.5) + 2, 1_000)
    assert subscription.paused
    assert sharing.paused_video == {forwarding.publisher.track}

    subscription.hide()
    await ticks(4, 10_000_000)
    assert subscription.paused and subscription.hidden
    assert sharing.paused_video == frozenset()

    await subscription.show()
    await ticks(1, 1_000)
    assert subscription.paused  # its pause was kept while hidden, not started afresh
    assert await forwarding.frame(keyframe=True) == 0
    await ticks(1, 10_000_000)
    assert not subscription.paused
    assert await forwarding.frame(keyframe=True) == 1


async def test_a_session_remembers_what_is_hidden_for_later_subscriptions() -> None:
    clock, pc = Clock(), RTCPeerConnection()
    made = await subscribed(clock, pc)
    session = MediaSession()
    try:
        track = made.publisher.track
        await session.hide_video(frozenset({track}))
        later = session.subscribe(track)
        assert later.hidden
        await session.hide_video(frozenset())
        assert not later.hidden
    finally:
        await session.close()
        await made.publisher.track.stop()
        await made.publisher.pc.close()
        await pc.close()
