"""Forwarding under packet loss: NACK upstream, RTX from the server's history downstream."""

from itertools import pairwise

from tests.integration.media_sources import SentFrames
from tests.integration.peers import Connect, lose_rtp


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
