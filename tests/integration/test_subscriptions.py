"""Subscription changes and departing publishers, on real peers."""

import asyncio

import pytest

from tests.integration.media_sources import SentFrames
from tests.integration.peers import Connect, wait_until


async def test_unsubscribe_stops_media_and_resubscribe_reuses_transceiver(
    connect: Connect,
) -> None:
    publisher = connect()
    await publisher.publish(audio=False)
    video = publisher.published("video")
    subscriber = connect()
    subscriber.session.subscribe(video)
    await subscriber.negotiate()
    await subscriber.wait_frames("video", 10)
    received = subscriber.track("video")

    subscriber.session.unsubscribe(video)
    assert video.subscriber_count == 0
    await asyncio.sleep(0.1)  # packets already on the wire
    packets, frames = len(received.packets), len(received.frames)
    await subscriber.negotiate()  # parks the transceiver (inactive)
    await asyncio.sleep(0.5)
    assert len(received.packets) == packets

    transceivers = len(subscriber.session._pc.getTransceivers())
    subscription = subscriber.session.subscribe(video)
    await subscriber.negotiate()
    await wait_until(lambda: len(received.frames) > frames + 5, 2, "video again")
    assert subscription.forwarding
    assert len(subscriber.session._pc.getTransceivers()) == transceivers


async def test_switch_source_keeps_one_continuous_stream(
    connect: Connect, sent_frames: SentFrames
) -> None:
    first, second = connect(), connect()
    await first.publish(audio=False, obey_remb=False)
    # tell the sources apart by their counters
    await second.publish(audio=False, obey_remb=False, first_frame=30000)
    subscriber = connect()
    subscription = subscriber.session.subscribe(first.published("video"))
    await subscriber.negotiate()
    await subscriber.wait_frames("video", 10)
    received = subscriber.track("video")

    await subscription.switch(second.published("video"))
    await wait_until(lambda: received.counters[-1] >= 30000, 1.0, "the second source")
    await subscriber.wait_frames("video", len(received.frames) + 10)
    counters = received.sent_counters(sent_frames)
    switch = next(i for i, c in enumerate(counters) if c >= 30000)
    assert all(c < 30000 for c in counters[:switch])
    after = counters[switch:]
    assert after == sorted(set(after))


async def test_departing_publishers_do_not_disturb_others(connect: Connect) -> None:
    closing, killed, staying = connect(), connect(), connect()
    for client in (closing, killed, staying):
        await client.publish(audio=False, obey_remb=False)
    staying_video = staying.published("video")
    # the killed peer also subscribes, so the server keeps sending into a dead socket
    killed.session.subscribe(staying_video)
    await killed.negotiate()

    watcher = connect()
    for client in (closing, killed, staying):
        watcher.session.subscribe(client.published("video"))
    await watcher.negotiate()
    await wait_until(
        lambda: (
            len(watcher.received) == 3
            and all(len(r.frames) >= 10 for r in watcher.received.values())
        ),
        5,
        "video from all three publishers",
    )
    ended: list[str] = []
    closing_video = closing.published("video")
    closing_video.on_ended(lambda: ended.append("closing"))

    await closing.pc.close()
    killed.kill()
    await closing.session.close()
    assert ended == ["closing"]
    assert closing_video.subscriber_count == 0

    before = {mid: len(r.frames) for mid, r in watcher.received.items()}
    await asyncio.sleep(1.0)
    grew = [mid for mid, r in watcher.received.items() if len(r.frames) > before[mid] + 15]
    assert len(grew) == 1, "only the staying publisher's video should still flow"
    assert staying_video.subscriber_count == 2


async def test_publisher_gets_receiver_reports_and_remb_under_cap(connect: Connect) -> None:
    publisher = connect()
    await publisher.publish(audio=False)
    subscriber = connect()
    await subscriber.watch(publisher, "video", 10)
    await wait_until(lambda: len(publisher.remb) >= 2, 3, "REMB at the publisher")
    assert all(0 < bitrate <= 1_500_000 for bitrate in publisher.remb)
    for _ in range(30):  # receiver reports come every 0.5-1.5 s
        stats = await publisher.pc.getStats()
        reports = [s for s in stats.values() if s.type == "remote-inbound-rtp"]
        if reports:
            break
        await asyncio.sleep(0.1)
    assert reports, "no receiver report reached the publisher"
    assert all(r.packetsReceived > 0 for r in reports)


async def test_congested_subscriber_socket_drops_instead_of_queueing(
    connect: Connect, monkeypatch: pytest.MonkeyPatch
) -> None:
    publisher = connect()
    await publisher.publish(audio=False)
    subscriber = connect()
    await subscriber.watch(publisher, "video", 5)
    received = subscriber.track("video")

    ice = subscriber.session._pc.getTransceivers()[0].sender.transport.transport
    socket = ice._connection._nominated[1].protocol.transport
    monkeypatch.setattr(socket, "get_write_buffer_size", lambda: 10**6)
    await asyncio.sleep(0.1)
    packets = len(received.packets)
    await asyncio.sleep(0.3)
    assert len(received.packets) == packets
