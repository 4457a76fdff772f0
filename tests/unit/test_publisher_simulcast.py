"""A simulcast PublishedTrack on an unconnected aiortc receiver (the Harness of
test_publisher): packets are told apart by the rid of their first packets, RTX by its repaired
rid, and each layer is handed only to those listening to it; followers get the best layer sent
from its keyframe on; keyframe requests and NACKs name the layer's SSRC."""

import asyncio
from collections.abc import AsyncIterator, Callable
from struct import pack

import pytest
from aiortc.rtp import RTCP_PSFB_PLI, RtcpPsfbPacket, RtpPacket

from signaling.media.layers import STALE
from signaling.media.uplink import UPLINK_BATCH, uplink_estimator
from tests.unit.test_publisher import RTX, VP8, FakeSubscriber, Harness, harness, vp8

RIDS = ("q", "h", "f")
SSRCS = (1001, 1002, 1003)
RTX_SSRCS = (2001, 2002, 2003)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class LayerListener(FakeSubscriber):
    """A subscriber choosing its layers (`PublishedTrack.listen`)."""

    target_layer = 0


async def simulcast_harness(clock: Callable[[], float]) -> Harness:
    """test_publisher's harness, with the layers `RIDS`."""
    return await harness("video", [VP8, RTX], clock, rids=RIDS)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def video(clock: Clock) -> AsyncIterator[Harness]:
    made = await simulcast_harness(clock)
    yield made
    await made.track.stop()
    await made.pc.close()


def layer_packet(layer: int, seq: int, keyframe: bool = False, rid: bool = True) -> RtpPacket:
    """A VP8 packet of `layer` (its rid in the header extension if `rid`, as in a stream's
    first packets); the sequence numbers of layers are far apart, as a browser's are."""
    packet = vp8(layer * 10_000 + seq, keyframe=keyframe, ssrc=SSRCS[layer])
    if rid:
        packet.extensions.rtp_stream_id = RIDS[layer]
    return packet


def rtx_of(layer: int, original: RtpPacket, seq: int, rid: str | None) -> RtpPacket:
    packet = RtpPacket(
        payload_type=RTX.payloadType or 0,
        sequence_number=seq,
        timestamp=original.timestamp,
        ssrc=RTX_SSRCS[layer],
        payload=pack("!H", original.sequence_number) + original.payload,
    )
    packet.extensions.repaired_rtp_stream_id = rid
    return packet


def plis_for(video: Harness) -> list[int]:
    """The media SSRC each PLI sent upstream names."""
    return [
        p.media_ssrc for p in video.rtcp if isinstance(p, RtcpPsfbPacket) and p.fmt == RTCP_PSFB_PLI
    ]


async def start_layers(video: Harness, layers: range = range(3)) -> None:
    for layer in layers:
        await video.feed(layer_packet(layer, 1))


async def test_packets_go_to_the_layer_their_rid_names(video: Harness) -> None:
    track = video.track
    assert track.simulcast and [layer.rid for layer in track.layers] == list(RIDS)
    assert track.live_layers() == []
    track.listen(LayerListener(), range(3))  # a layer nobody takes keeps no packet
    await start_layers(video)
    for layer in range(3):
        found = track.layer_of(SSRCS[layer])
        assert found is track.layers[layer]
        assert found.ssrc == SSRCS[layer]
    # later packets carry no rid: their SSRC places them
    for seq in (2, 3):
        for layer in range(3):
            await video.feed(layer_packet(layer, seq, rid=False))
    for layer in range(3):
        history = track.layers[layer].history
        held = [history.get(layer * 10_000 + seq) for seq in (1, 2, 3)]
        assert all(p is not None and p.ssrc == SSRCS[layer] for p in held)
        assert history.get(((layer + 1) % 3) * 10_000 + 2) is None
    assert track.live_layers() == list(track.layers)
    assert video.nacked() == []  # each layer numbers its own packets


async def test_a_packet_of_an_unknown_rid_or_without_one_is_dropped(video: Harness) -> None:
    listener = LayerListener()
    video.track.listen(listener, {0, 1, 2})
    unknown = vp8(5, keyframe=True, ssrc=4444)
    unknown.extensions.rtp_stream_id = "x"
    await video.feed(unknown)
    await video.feed(vp8(6, keyframe=True, ssrc=5555))  # a new SSRC with no rid
    assert listener.packets == []
    assert video.track.layer_of(4444) is None and video.track.layer_of(5555) is None
    assert video.track.live_layers() == []


async def test_rtx_is_unwrapped_into_the_layer_its_repaired_rid_names(video: Harness) -> None:
    track = video.track
    listener = LayerListener()
    track.listen(listener, {1})
    await start_layers(video)
    await video.feed(layer_packet(1, 4, rid=False))
    assert video.nacked() == [10_002, 10_003]  # the gap of layer 1, in its numbers
    lost = layer_packet(1, 2, rid=False)
    await video.feed(rtx_of(1, lost, 500, rid="h"))
    later = layer_packet(1, 3, rid=False)
    await video.feed(rtx_of(1, later, 501, rid=None))  # the RTX SSRC is known now
    assert listener.sequences == [10_001, 10_004, 10_002, 10_003]
    assert all(p.ssrc == SSRCS[1] for p in listener.packets)
    repaired = track.layers[1].history.get(10_002)
    assert repaired is not None and repaired.payload == lost.payload
    assert track.layers[0].history.get(10_002) is None

    # a retransmission naming no layer we know is dropped
    stray = rtx_of(2, layer_packet(2, 7), 600, rid="x")
    await video.feed(stray)
    assert track.layers[2].history.get(20_007) is None
    assert listener.sequences == [10_001, 10_004, 10_002, 10_003]


async def test_a_listener_gets_only_its_layers(video: Harness) -> None:
    track = video.track
    one, both = LayerListener(), LayerListener()
    track.listen(one, {1})
    track.listen(both, {0, 2})
    for seq in (1, 2):
        for layer in range(3):
            await video.feed(layer_packet(layer, seq, keyframe=seq == 1, rid=seq == 1))
    assert one.sequences == [10_001, 10_002]
    assert both.sequences == [1, 20_001, 2, 20_002]
    assert track.subscriber_count == 2

    track.listen(one, {2, 7})  # a layer that does not exist is left out
    await video.feed(layer_packet(1, 3, rid=False))
    await video.feed(layer_packet(2, 3, rid=False))
    assert one.sequences[2:] == [20_003]
    track.detach(one)
    await video.feed(layer_packet(2, 4, rid=False))
    assert one.sequences[2:] == [20_003]
    assert both.sequences[-1] == 20_004


async def test_a_keyframe_request_names_the_layer_ssrc(video: Harness, clock: Clock) -> None:
    await start_layers(video)
    await video.track.request_keyframe(layer=2)
    assert plis_for(video) == [SSRCS[2]]
    await video.track.request_keyframe(layer=0)
    assert plis_for(video) == [SSRCS[2], SSRCS[0]]
    await video.track.request_keyframe(layer=2)  # coalesced per layer
    assert plis_for(video) == [SSRCS[2], SSRCS[0]]


async def wait_for(condition: Callable[[], bool]) -> None:
    """Until the periodic task (every 0.1 s) has made `condition` true."""
    for _ in range(50):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the periodic task did not act")


async def follower_on(video: Harness, layer: int, layers: range = range(3)) -> FakeSubscriber:
    """A follower attached while `layers` are sent, once it gets `layer` (the best) from the
    keyframe the periodic task asked for."""
    follower = FakeSubscriber()
    video.track.attach(follower)
    await start_layers(video, layers)
    video.track.start()
    await wait_for(lambda: SSRCS[layer] in plis_for(video))
    await video.feed(layer_packet(layer, 2, keyframe=True, rid=False))
    assert follower.sequences == [layer * 10_000 + 2]
    return follower


async def test_a_follower_gets_the_best_layer_sent_from_its_keyframe(
    video: Harness, clock: Clock
) -> None:
    track = video.track
    follower = FakeSubscriber()
    track.attach(follower)
    await start_layers(video)
    for layer in range(3):
        await video.feed(layer_packet(layer, 2, keyframe=True, rid=False))
    assert follower.packets == []  # no layer is chosen before the periodic task sees them

    track.start()
    await wait_for(lambda: SSRCS[2] in plis_for(video))
    assert plis_for(video) == [SSRCS[2]]  # the best layer's keyframe is asked for
    await video.feed(layer_packet(0, 3, keyframe=True, rid=False))
    await video.feed(layer_packet(1, 3, keyframe=True, rid=False))
    await video.feed(layer_packet(2, 3, rid=False))
    assert follower.packets == []  # waits for the keyframe of layer 2
    await video.feed(layer_packet(2, 4, keyframe=True, rid=False))
    for layer in range(3):
        await video.feed(layer_packet(layer, 5, rid=False))
    assert follower.sequences == [20_004, 20_005]

    # the publisher stops sending layer 2: followers move to layer 1 at its keyframe
    clock.now += STALE / 2
    for seq in (6, 7):
        await video.feed(layer_packet(0, seq, rid=False))
        await video.feed(layer_packet(1, seq, rid=False))
    clock.now += STALE / 2 + 0.01
    await video.feed(layer_packet(1, 8, rid=False))
    assert track.live_layers() == list(track.layers[:2])
    await wait_for(lambda: SSRCS[1] in plis_for(video))
    await video.feed(layer_packet(1, 9, rid=False))
    await video.feed(layer_packet(1, 10, keyframe=True, rid=False))
    await video.feed(layer_packet(0, 10, keyframe=True, rid=False))
    assert follower.sequences == [20_004, 20_005, 10_010]


async def test_followers_keyframes_are_asked_of_their_layer_when_a_better_one_stops(
    video: Harness, clock: Clock
) -> None:
    track = video.track
    follower = await follower_on(video, 1, range(2))

    # layer 2 starts; followers are to move to it at its keyframe, asked for
    await video.feed(layer_packet(2, 1))
    await wait_for(lambda: SSRCS[2] in plis_for(video))
    # but the browser drops it again before any keyframe of it (its uplink could not carry it)
    for seq in range(3, 9):
        clock.now += 0.5
        await video.feed(layer_packet(0, seq, rid=False))
        await video.feed(layer_packet(1, seq, rid=False))
        await asyncio.sleep(0.15)  # a tick of the periodic task
    assert track.live_layers() == list(track.layers[:2])
    assert follower.sequences == [10_002, *(10_000 + seq for seq in range(3, 9))]

    # a new follower (a still, a recorder) needs a picture of the layer followers are sent
    await track.request_keyframe(starting=True)
    assert plis_for(video)[-1] == SSRCS[1]


async def test_followers_stay_on_their_layer_when_it_comes_back(
    video: Harness, clock: Clock
) -> None:
    track = video.track
    follower = await follower_on(video, 2)

    # layer 2 pauses for longer than STALE: followers are to move to layer 1 at its keyframe
    clock.now += STALE + 0.1
    await video.feed(layer_packet(0, 3, rid=False))
    await video.feed(layer_packet(1, 3, rid=False))
    await wait_for(lambda: SSRCS[1] in plis_for(video))
    # it is sent again before that keyframe comes
    await video.feed(layer_packet(2, 3, rid=False))
    await asyncio.sleep(0.25)  # ticks of the periodic task
    assert track.live_layers() == list(track.layers)
    await video.feed(layer_packet(1, 4, keyframe=True, rid=False))
    await video.feed(layer_packet(2, 4, rid=False))
    assert follower.sequences == [20_002, 20_003, 20_004]


async def test_a_layer_nobody_takes_keeps_nothing_but_is_counted(video: Harness) -> None:
    """A browser sends every layer: one nobody listens to is counted (its rate, whether it is
    sent) and not kept; taken again, the packets not kept meanwhile are no gap to NACK."""
    track = video.track
    listener = LayerListener()
    track.listen(listener, {1})
    await start_layers(video)
    await video.feed(layer_packet(1, 2, rid=False))
    assert listener.sequences == [10_001, 10_002]
    track.detach(listener)
    for seq in range(3, 30):
        await video.feed(layer_packet(1, seq, rid=False))
    layer = track.layers[1]
    assert [layer.history.get(10_000 + seq) for seq in range(3, 30)] == [None] * 27
    counted = layer.received_bytes
    assert counted > 0 and layer in track.live_layers()

    again = LayerListener()
    track.listen(again, {1})
    await video.feed(layer_packet(1, 40, rid=False))
    await video.feed(layer_packet(1, 41, rid=False))
    assert again.sequences == [10_040, 10_041]
    assert layer.history.get(10_041) is not None and layer.received_bytes > counted
    assert video.nacked() == []


async def test_the_uplink_estimate_counts_every_layer_fed_once_a_frame(
    video: Harness, clock: Clock
) -> None:
    """A frame's three layers end within a millisecond of each other: the estimator is fed
    once for the three (it would group them anyway), with the bytes of all of them. It is fed
    in batches (when read, or `UPLINK_BATCH` frames on), to the same estimate as fed at once."""
    track = video.track
    assert track._uplink is not None
    uplink = track._uplink._estimator
    feeds: list[int] = []
    add = uplink.add
    at_once = uplink_estimator()
    estimates: list[int] = []
    waiting: list[int] = []

    def counted_add(
        arrival_ms: int, sent_at: int, size: int, ssrc: int
    ) -> tuple[int, list[int]] | None:
        feeds.append(size)
        estimate = at_once.add(arrival_ms, sent_at, size, ssrc)
        if estimate is not None:
            estimates.append(estimate[0])
        return add(arrival_ms, sent_at, size, ssrc)

    setattr(uplink, "add", counted_add)  # noqa: B010 (counted, not replaced)
    sizes = (200, 600, 1_200)  # per frame: 480 kbit/s at 30 fps, the top layer 288
    frames = 150
    for frame in range(frames):
        sent = clock.now = 1000.0 + frame / 30
        for layer, size in enumerate(sizes):
            packet = layer_packet(layer, frame, keyframe=frame == 0, rid=frame == 0)
            packet.payload = packet.payload + bytes(size - len(packet.payload))
            packet.marker = 1
            packet.extensions.abs_send_time = int((sent + layer * 0.0005) * 262_144) & 0xFFFFFF
            clock.now = sent + 0.01 + layer * 0.0005
            await video.feed(packet)
            waiting.append(frame + 1 - len(feeds))
    assert 0 < len(feeds) < frames and max(waiting) == UPLINK_BATCH - 1
    estimate = track.uplink_estimate
    assert len(feeds) == frames
    assert feeds[1:] == [sum(sizes)] * (frames - 1)
    assert estimate is not None and estimate > 300_000  # more than any one layer's rate
    assert estimate == estimates[-1]
