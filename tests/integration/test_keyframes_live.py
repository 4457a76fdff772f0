"""Keyframe gating and coalesced keyframe requests, measured on real peers."""

import asyncio
import time

from tests.integration.media_sources import SentFrames
from tests.integration.peers import Connect, wait_until


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


async def test_subscriber_pli_yields_keyframe_within_one_second(connect: Connect) -> None:
    publisher = connect()
    await publisher.publish(audio=False, obey_remb=False)
    subscriber = connect()
    subscriber.session.subscribe(publisher.published("video"))
    await subscriber.negotiate()
    await subscriber.wait_frames("video", 10)
    received = subscriber.track("video")

    # wait for a quiet second: no keyframe unless someone asks for one
    await wait_until(
        lambda: not received.keyframes_since(time.monotonic() - 1.0),
        5,
        "a second without keyframes",
    )
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
    await wait_until(
        lambda: not received.keyframes_since(time.monotonic() - 1.0),
        5,
        "a second without keyframes",
    )
    start = time.monotonic()
    for _ in range(10):  # 30 PLIs within one second
        for subscriber in subscribers:
            await subscriber.send_pli()
        await asyncio.sleep(0.1)
    await asyncio.sleep(0.3)
    keyframes = received.keyframes_since(start)
    assert 1 <= len(keyframes) <= 3, f"{len(keyframes)} keyframes for 30 PLIs in 1 s"
