"""A publisher and subscribers through server-side MediaSessions, all real aiortc peers."""

import asyncio

from tests.integration.media_sources import SentFrames
from tests.integration.peers import Connect


async def test_two_subscribers_receive_video_in_order_and_audio(
    connect: Connect, sent_frames: SentFrames
) -> None:
    publisher = connect()
    await publisher.publish()
    assert sorted(t.kind for t in publisher.session.published) == ["audio", "video"]
    published = {kind: publisher.published(kind) for kind in ("audio", "video")}
    assert published["video"].codec.name == "VP8"
    assert published["audio"].codec.name == "opus"

    subscribers = [connect(), connect()]
    for subscriber in subscribers:
        subscriber.session.subscribe(published["video"])
        subscriber.session.subscribe(published["audio"])
        await subscriber.negotiate()

    for subscriber in subscribers:
        await subscriber.wait_frames("video", 45)
        await subscriber.wait_frames("audio", 20)
        video = subscriber.track("video")
        counters = video.sent_counters(sent_frames)
        assert counters == sorted(set(counters)), "frames out of order or repeated"
        span = counters[-1] - counters[0] + 1
        assert len(counters) >= 0.9 * span, f"lost frames: {len(counters)} of {span}"
        # and the pictures decode to what was drawn
        decoded = video.counters
        assert sum(c in counters for c in decoded) >= 0.9 * len(decoded)

    level = published["audio"].audio_level
    assert level is not None
    assert level.level < 60  # a tone at about -12 dBov, far from silence (127)


async def test_subscribers_get_sender_reports_of_what_was_forwarded(connect: Connect) -> None:
    """The server's sender reports (sent by its own RTCP path, SRTCP-protected in C) arrive,
    decrypt and count what the subscriber received."""
    publisher = connect()
    await publisher.publish()
    subscriber = connect()
    await subscriber.watch(publisher, "video", 30)
    receiver = next(t.receiver for t in subscriber.pc.getTransceivers() if t.kind == "video")
    for _ in range(40):  # aiortc reports every 0.5-1.5 s
        stats = list((await receiver.getStats()).values())
        reports = [s for s in stats if s.type == "remote-outbound-rtp"]
        if reports and reports[0].packetsSent > 0:
            break
        await asyncio.sleep(0.1)
    assert reports, "no sender report reached the subscriber"
    received = next(s for s in stats if s.type == "inbound-rtp")
    assert 0 < reports[0].packetsSent <= received.packetsReceived + 200
