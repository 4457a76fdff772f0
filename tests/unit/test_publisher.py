"""PublishedTrack on an unconnected aiortc receiver: packets are fed in, RTCP is captured."""

import asyncio
import gc
import time
import weakref
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from struct import pack

import av
import pytest
from aiortc import RTCPeerConnection, RTCRtpTransceiver
from aiortc.rtcrtpparameters import RTCRtpCodecParameters
from aiortc.rtp import (
    RTCP_PSFB_PLI,
    RTCP_RTPFB_NACK,
    AnyRtcpPacket,
    RtcpPsfbPacket,
    RtcpRtpfbPacket,
    RtpPacket,
)

from recording.recorder import TrackRecorder
from recording.segment import SegmentInfo
from signaling.media import internals
from signaling.media.packet import SourcePacket
from signaling.media.publisher import PublishedTrack
from tests.integration.synthetic_rtp import SyntheticVideo

VP8 = RTCRtpCodecParameters(mimeType="video/VP8", clockRate=90000, payloadType=96)
RTX = RTCRtpCodecParameters(
    mimeType="video/rtx", clockRate=90000, payloadType=97, parameters={"apt": 96}
)
H264 = RTCRtpCodecParameters(mimeType="video/H264", clockRate=90000, payloadType=102)
OPUS = RTCRtpCodecParameters(mimeType="audio/opus", clockRate=48000, channels=2, payloadType=111)
MEDIA_SSRC, RTX_SSRC = 1111, 2222


class FakeSubscriber:
    def __init__(self) -> None:
        self.packets: list[SourcePacket] = []
        self.waiting_for_keyframe = False

    def forward_now(self, packet: SourcePacket, now: float, abs_send_time: int) -> None:
        self.packets.append(packet)

    @property
    def sequences(self) -> list[int]:
        return [p.sequence_number for p in self.packets]


@dataclass
class Harness:
    pc: RTCPeerConnection
    track: PublishedTrack
    transceiver: RTCRtpTransceiver
    rtcp: list[AnyRtcpPacket] = field(default_factory=list)

    async def feed(self, packet: RtpPacket) -> None:
        await self.transceiver.receiver._handle_rtp_packet(packet, arrival_time_ms=0)
        await asyncio.sleep(0)  # the NACK it caused goes out

    def nacked(self) -> list[int]:
        return [
            seq
            for p in self.rtcp
            if isinstance(p, RtcpRtpfbPacket) and p.fmt == RTCP_RTPFB_NACK
            for seq in p.lost
        ]

    def plis(self) -> int:
        return sum(isinstance(p, RtcpPsfbPacket) and p.fmt == RTCP_PSFB_PLI for p in self.rtcp)


async def harness(
    kind: str,
    codecs: list[RTCRtpCodecParameters],
    clock: Callable[[], float] = time.monotonic,
    rids: tuple[str, ...] = (),
) -> Harness:
    pc = RTCPeerConnection()
    transceiver = pc.addTransceiver(kind, direction="recvonly")
    transceiver._codecs = codecs
    receiver = transceiver.receiver
    internals.receiver_codecs(receiver).update({c.payloadType or 0: c for c in codecs})
    internals.receiver_rtx_ssrcs(receiver)[RTX_SSRC] = MEDIA_SSRC
    track = PublishedTrack(transceiver, "track-1", max_bitrate=1_000_000, rids=rids, clock_fn=clock)
    made = Harness(pc, track, transceiver)

    async def capture(packet: AnyRtcpPacket) -> None:
        made.rtcp.append(packet)

    setattr(receiver, "_send_rtcp", capture)  # noqa: B010
    return made


@pytest.fixture
async def video() -> AsyncIterator[Harness]:
    made = await harness("video", [VP8, RTX, H264])
    yield made
    await made.track.stop()
    await made.pc.close()


def vp8(seq: int, keyframe: bool = False, ssrc: int = MEDIA_SSRC) -> RtpPacket:
    payload = bytes([0x90, 0x80, 0x80, 0x01, 0x10 if keyframe else 0x11, 0x02, 0x00, 0xAA])
    return RtpPacket(
        payload_type=96, sequence_number=seq, timestamp=seq, ssrc=ssrc, payload=payload
    )


async def test_forwards_each_packet_once_to_every_subscriber(video: Harness) -> None:
    first, second = FakeSubscriber(), FakeSubscriber()
    video.track.attach(first)
    video.track.attach(second)
    for seq in (10, 11, 11, 12):
        await video.feed(vp8(seq, keyframe=(seq == 10)))
    assert first.sequences == second.sequences == [10, 11, 12]
    assert first.packets[0].keyframe and not first.packets[1].keyframe
    assert video.track.layers[0].history.get(12) is first.packets[2]
    stats = internals.receiver_statistics(video.transceiver.receiver)[MEDIA_SSRC]
    assert stats.packets_received == 4


async def test_gap_is_nacked_and_rtx_unwrapped(video: Harness) -> None:
    subscriber = FakeSubscriber()
    video.track.attach(subscriber)
    await video.feed(vp8(1, keyframe=True))
    await video.feed(vp8(4))
    assert video.nacked() == [2, 3]
    original = vp8(2)
    rtx = RtpPacket(
        payload_type=97,
        sequence_number=500,
        timestamp=original.timestamp,
        ssrc=RTX_SSRC,
        payload=pack("!H", 2) + original.payload,
    )
    await video.feed(rtx)
    await video.feed(RtpPacket(payload_type=97, sequence_number=501, ssrc=RTX_SSRC))  # padding
    assert subscriber.sequences == [1, 4, 2]
    assert subscriber.packets[-1].ssrc == MEDIA_SSRC
    assert subscriber.packets[-1].payload == original.payload


async def test_other_codecs_and_malformed_vp8_are_not_forwarded(video: Harness) -> None:
    subscriber = FakeSubscriber()
    video.track.attach(subscriber)
    await video.feed(RtpPacket(payload_type=102, sequence_number=1, ssrc=MEDIA_SSRC, payload=b"x"))
    await video.feed(
        RtpPacket(payload_type=96, sequence_number=2, ssrc=MEDIA_SSRC, payload=b"\x80")
    )
    await video.feed(RtpPacket(payload_type=55, sequence_number=3, ssrc=MEDIA_SSRC, payload=b"x"))
    assert subscriber.packets == []


async def test_keyframe_requests_are_coalesced(video: Harness) -> None:
    await video.feed(vp8(1, keyframe=True))  # the publisher's SSRC is now known
    for _ in range(5):
        await video.track.request_keyframe()
    assert video.plis() == 1


async def test_bitrate_target_is_the_uplink_estimate_under_the_cap() -> None:
    """The publisher's packets (sent 600 kbit/s, abs-send-time) are its uplink's estimate: no
    subscriber's REMB enters it."""
    now = [100.0]
    video = await harness("video", [VP8, RTX, H264], clock=lambda: now[0])
    assert video.track.target_bitrate() == 1_000_000  # the cap until there is an estimate
    payload = vp8(0).payload + bytes(992)
    interval = len(payload) * 8 / 600_000
    arrival = now[0]

    async def send(seconds: float, arrival_rate: int, first: int) -> None:
        nonlocal arrival
        for n in range(int(seconds / interval)):
            sent_at = 100.0 + (first + n) * interval
            packet = vp8(first + n, keyframe=(first + n == 0))
            packet.payload = payload
            packet.extensions.abs_send_time = int(sent_at * 262_144) & 0xFFFFFF
            # a link slower than the sender queues: arrivals spread out
            arrival = max(sent_at + 0.02, arrival + len(payload) * 8 / arrival_rate)
            now[0] = arrival
            await video.feed(packet)

    sent = int(5 / interval)
    await send(5, 10_000_000, 0)
    free = video.track.target_bitrate()
    assert 500_000 < free < 1_000_000
    await send(3, 300_000, sent)  # the uplink narrows to 300 kbit/s
    assert video.track.target_bitrate() < 350_000
    await video.track.stop()
    await video.pc.close()


async def test_stop_ends_forwarding_and_notifies(video: Harness) -> None:
    subscriber = FakeSubscriber()
    video.track.attach(subscriber)
    ended: list[bool] = []
    video.track.on_ended(lambda: ended.append(True))
    await video.track.stop()
    await video.feed(vp8(1, keyframe=True))
    assert ended == [True]
    assert subscriber.packets == []
    assert video.track.subscriber_count == 0


async def test_audio_level_is_exposed() -> None:
    audio = await harness("audio", [OPUS])
    try:
        assert audio.track.audio_level is None
        packet = RtpPacket(payload_type=111, sequence_number=1, ssrc=MEDIA_SSRC, payload=b"op")
        packet.extensions.audio_level = (True, 25)
        await audio.feed(packet)
        level = audio.track.audio_level
        assert level is not None
        assert (level.level, level.voice) == (25, True)
        assert audio.nacked() == [] and audio.track.codec.name == "opus"
    finally:
        await audio.track.stop()
        await audio.pc.close()


async def test_new_publisher_ssrc_is_not_loss(video: Harness) -> None:
    subscriber = FakeSubscriber()
    video.track.attach(subscriber)
    await video.feed(vp8(1, keyframe=True))
    await video.feed(vp8(400, keyframe=True, ssrc=3333))
    await video.feed(vp8(401, ssrc=3333))
    assert video.nacked() == []
    assert subscriber.sequences == [1, 400, 401]


async def test_a_recorder_takes_each_packet_on_the_receive_path(
    video: Harness, tmp_path: Path
) -> None:
    segments: list[SegmentInfo] = []
    errors: list[Exception] = []
    recorder = TrackRecorder(
        tmp_path, "video", "video/VP8", 90000, on_segment=segments.append, on_error=errors.append
    )
    video.track.attach(recorder)
    source = SyntheticVideo(ssrc=MEDIA_SSRC)
    for n in range(30):
        for packet in source.next_frame(keyframe=n == 0):
            # straight into the receive callback: no task runs between two packets
            video.track._on_rtp(
                RtpPacket(
                    payload_type=96,
                    marker=int(packet.marker),
                    sequence_number=packet.sequence_number,
                    timestamp=packet.timestamp,
                    ssrc=packet.ssrc,
                    payload=packet.payload,
                )
            )
    video.track.detach(recorder)
    await recorder.close()
    assert not errors
    [segment] = segments
    assert segment.frames == 30
    with av.open(str(segment.path)) as container:
        assert len(list(container.decode(video=0))) == 30


async def test_an_ended_track_is_freed_with_its_history() -> None:
    made = await harness("video", [VP8, RTX])
    await made.feed(vp8(1, keyframe=True))
    await made.track.stop()
    await made.pc.close()
    freed = weakref.ref(made.track)
    del made
    gc.collect()
    assert freed() is None
