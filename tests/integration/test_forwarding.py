"""A publisher and subscribers through server-side MediaSessions, all real aiortc peers."""

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
