"""Keyframe gating and coalesced keyframe requests, measured on real peers."""

import asyncio
import time

from tests.integration.media_sources import SentFrames
from tests.integration.peers import ClientPeer, Connect, Received, wait_until


async def test_late_subscriber_sees_video_within_one_second(
    connect: Connect, sent_frames: SentFrames
) -> None:
    publisher = connect()
    await publisher.publish(obey_remb=False)
    video, audio = publisher.published("video"), publisher.published("audio")
    early = connect()
    early.session.subscribe(video)
    await early.negotiate()
    await early.wait_frames("video", 45)  # the keyframe that started it is 1.5 s old

    late = connect()
    late.session.subscribe(audio)
    await late.negotiate()
    await late.wait_frames("audio", 5)  # connected
    late.session.subscribe(video)
    start = time.monotonic()
    await late.negotiate()
    await late.wait_frames("video", 1, limit=1.0)
    assert time.monotonic() - start <= 1.0

    # the early subscriber's stream went on undisturbed, in order
    counters = early.track("video").sent_counters(sent_frames)
    assert counters == sorted(set(counters))


async def test_brand_new_subscriber_sees_video_within_one_second_of_connecting(
    connect: Connect,
) -> None:
    publisher = connect()
    await publisher.publish(audio=False, obey_remb=False)
    video = publisher.published("video")
    early = connect()
    early.session.subscribe(video)
    await early.negotiate()
    await early.wait_frames("video", 30)

    late = connect()
    late.session.subscribe(video)
    await late.negotiate()
    await wait_until(lambda: late.pc.connectionState == "connected", 5, "connection")
    await late.wait_frames("video", 1, limit=1.0)


async def quiet_second(received: Received) -> None:
    """Wait for a second without keyframes: none comes unless someone asks for one."""
    await wait_until(
        lambda: not received.keyframes_since(time.monotonic() - 1.0),
        5,
        "a second without keyframes",
    )


async def test_subscriber_pli_yields_keyframe_within_one_second(connect: Connect) -> None:
    publisher = connect()
    await publisher.publish(audio=False, obey_remb=False)
    subscriber = connect()
    await subscriber.watch(publisher, "video", 10)
    received = subscriber.track("video")

    await quiet_second(received)
    asked = time.monotonic()
    await subscriber.send_pli()
    took = await wait_until(
        lambda: bool(received.keyframes_since(asked)), 1.0, "keyframe after PLI"
    )
    assert took <= 1.0


async def test_many_plis_are_coalesced(connect: Connect) -> None:
    publisher = connect()
    await publisher.publish(audio=False, obey_remb=False)
    subscribers = [connect() for _ in range(3)]
    for subscriber in subscribers:
        subscriber.session.subscribe(publisher.published("video"))
        await subscriber.negotiate()
    for subscriber in subscribers:
        await subscriber.wait_frames("video", 10)
    received = subscribers[0].track("video")
    await quiet_second(received)
    start = time.monotonic()
    for _ in range(10):  # 30 PLIs within one second
        for subscriber in subscribers:
            await subscriber.send_pli()
        await asyncio.sleep(0.1)
    await asyncio.sleep(0.3)
    keyframes = received.keyframes_since(start)
    assert 1 <= len(keyframes) <= 3, f"{len(keyframes)} keyframes for 30 PLIs in 1 s"


async def connected_on_audio(connect: Connect, publisher: ClientPeer) -> ClientPeer:
    """A subscriber already connected (receiving the publisher's audio), not yet its video."""
    subscriber = connect()
    await subscriber.watch(publisher, "audio", 5)
    return subscriber


async def test_a_subscriber_starting_just_after_another_is_not_held_back(
    connect: Connect,
) -> None:
    """Two people admitted together start a moment apart: the second one's keyframe request is
    not deferred for the half second that coalesces picture-loss requests."""
    publisher = connect()
    await publisher.publish(obey_remb=False)
    first, second = [await connected_on_audio(connect, publisher) for _ in range(2)]
    await first.watch(publisher, "video", 1)
    second.session.subscribe(publisher.published("video"))
    await second.negotiate()
    took = await second.wait_frames("video", 1, limit=2.0)
    assert took <= 0.4, f"first frame {took:.2f} s after the answer"


async def test_renegotiation_asks_no_keyframe_of_flowing_video(connect: Connect) -> None:
    """aiortc restarts every sender after each negotiation of the connection: a subscription
    already showing a picture must not ask its publisher for a keyframe then."""
    publisher = connect()
    await publisher.publish(audio=False, obey_remb=False)
    other = connect()
    await other.publish(video=False)
    subscriber = connect()
    await subscriber.watch(publisher, "video", 10)
    received = subscriber.track("video")
    await quiet_second(received)
    start = time.monotonic()
    await subscriber.watch(other, "audio", 5)  # a renegotiation
    await asyncio.sleep(0.5)
    assert received.keyframes_since(start) == []
