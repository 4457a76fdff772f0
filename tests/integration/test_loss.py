"""Forwarding under packet loss: NACK upstream, RTX from the server's history downstream."""

import asyncio
from itertools import pairwise

from signaling.media.retransmissions import BURST_SECONDS, SHARE, STARTING_ESTIMATE
from tests.integration.media_sources import SentFrames
from tests.integration.peers import Connect, lose_rtp

WINDOW = 4
"""Seconds over which retransmissions are counted."""


async def test_two_percent_loss_both_ways_frames_stay_bit_identical(
    connect: Connect, sent_frames: SentFrames
) -> None:
    publisher = connect()
    await publisher.publish(audio=False, obey_remb=False)
    upstream = lose_rtp(publisher, rate=0.02, seed=1)
    video = publisher.published("video")
    subscriber = connect()
    subscriber.session.subscribe(video)
    await subscriber.negotiate()
    downstream = lose_rtp(subscriber, rate=0.02, seed=2)

    await subscriber.wait_frames("video", 90, limit=15)
    assert upstream.sent > 0 and downstream.received > 0, "no loss was injected"
    # every frame decoded is bit-identical to one sent, and they come in order
    counters = subscriber.track("video").sent_counters(sent_frames)
    assert counters == sorted(set(counters))
    span = counters[-1] - counters[0] + 1
    assert len(counters) >= 0.9 * span, f"only {len(counters)} of {span} frames arrived"
    arrivals = [at for at, _ in subscriber.track("video").frames]
    longest = max(b - a for a, b in pairwise(arrivals))
    assert longest <= 0.5, f"video stalled for {longest:.2f} s"


async def test_retransmissions_to_a_lossy_subscriber_keep_within_a_share_of_its_estimate(
    connect: Connect,
) -> None:
    """At 40 % loss the subscriber NACKs more than a quarter of its estimate (~0.58 Mbit/s of
    ~1 Mbit/s uncapped): the budget refuses what is over."""
    publisher = connect()
    await publisher.publish(audio=False, obey_remb=False)
    subscriber = connect()
    subscriber.session.subscribe(publisher.published("video"))
    await subscriber.negotiate()
    await subscriber.wait_frames("video", 10, limit=15)
    lose_rtp(subscriber, rate=0.4, seed=3)
    await asyncio.sleep(1)

    sharing = subscriber.session.sharing
    [video] = subscriber.session.subscriptions
    budget = sharing.retransmissions
    estimates: list[int] = []
    before, refused_before = video.retransmitted_bytes, budget.refused
    for _ in range(WINDOW * 10):
        await asyncio.sleep(0.1)
        estimates.append(sharing.estimates.total() or STARTING_ESTIMATE)
    sent = video.retransmitted_bytes - before
    assert sent > 0, "nothing was retransmitted"
    assert budget.refused > refused_before, "NACKs never asked for more than the share"
    allowed = max(estimates) * SHARE / 8 * (WINDOW + BURST_SECONDS)
    assert sent <= allowed, f"{sent} bytes retransmitted in {WINDOW} s, over {allowed:.0f}"
