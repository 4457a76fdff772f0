"""One keyframe collected from forwarded packets and decoded to a JPEG (signaling/media/still.py),
with aiortc's own encoders and packetizers standing in for a camera: VP8 and H264, a gap, a
stream that starts mid-picture, and the H264 NAL units that start a keyframe."""

from __future__ import annotations

import io
from fractions import Fraction

import av
import numpy as np
import pytest
from aiortc.codecs import depayload
from aiortc.codecs.h264 import H264Encoder
from aiortc.codecs.vpx import Vp8Encoder
from aiortc.rtcrtpparameters import RTCRtpCodecParameters
from av import VideoFrame

from signaling.media.packet import SourcePacket
from signaling.media.still import KeyframeCollector, decode_keyframe, starts_keyframe
from signaling.media.vp8 import parse_descriptor

COLOUR = (30, 90, 210)


def picture(counter: int = 0, noisy: bool = False) -> VideoFrame:
    rgb = np.zeros((240, 320, 3), dtype=np.uint8)
    rgb[:] = COLOUR
    if noisy:  # hard to compress: a keyframe of several packets
        rgb[:] = np.random.default_rng(counter).integers(0, 256, rgb.shape, dtype=np.uint8)
    rgb[:16, : 8 * (counter % 40)] = 255  # a moving bar: each picture differs
    frame = VideoFrame.from_ndarray(rgb, format="rgb24")
    frame.pts, frame.time_base = counter * 3000, Fraction(1, 90000)
    return frame


def packets(
    codec: str, frames: int = 3, first_sequence: int = 100, noisy: bool = False
) -> list[SourcePacket]:
    """`frames` pictures (the first a keyframe) as the forwarder hands them on."""
    encoder = Vp8Encoder() if codec == "VP8" else H264Encoder()
    result: list[SourcePacket] = []
    sequence = first_sequence
    for counter in range(frames):
        payloads, timestamp = encoder.encode(picture(counter, noisy), force_keyframe=counter == 0)
        for index, payload in enumerate(payloads):
            result.append(
                SourcePacket(
                    ssrc=1,
                    sequence_number=sequence & 0xFFFF,
                    timestamp=timestamp,
                    marker=index == len(payloads) - 1,
                    payload=payload,
                    vp8=parse_descriptor(payload) if codec == "VP8" else None,
                )
            )
            sequence += 1
    return result


def mean_colour(jpeg: bytes) -> np.ndarray:
    with av.open(io.BytesIO(jpeg), "r") as container:
        frame = next(container.decode(video=0))
    rgb: np.ndarray = frame.to_ndarray(format="rgb24")[32:].reshape(-1, 3).astype(float)
    mean: np.ndarray = rgb.mean(axis=0)
    return mean


@pytest.mark.parametrize("codec", ["VP8", "H264"])
async def test_a_keyframe_is_collected_and_decoded(codec: str) -> None:
    collector = KeyframeCollector(codec)
    for packet in packets(codec):
        collector.take(packet)
    assert collector.done.done() and not collector.waiting_for_keyframe
    parameters = RTCRtpCodecParameters(mimeType=f"video/{codec}", clockRate=90000)
    data = b"".join(depayload(parameters, p) for p in collector.done.result())
    still = decode_keyframe(codec, data)
    assert (still.width, still.height) == (320, 240)
    assert still.jpeg.startswith(b"\xff\xd8")
    assert np.abs(mean_colour(still.jpeg) - COLOUR).max() < 12


async def test_a_stream_joined_mid_picture_waits_for_the_next_keyframe() -> None:
    stream = packets("VP8", frames=2)
    collector = KeyframeCollector("VP8")
    keyframe = [p for p in stream if p.timestamp == stream[0].timestamp]
    for packet in stream[len(keyframe) :]:  # only the delta picture: no keyframe in it
        collector.take(packet)
    assert not collector.done.done() and collector.waiting_for_keyframe


async def test_a_gap_in_the_keyframe_drops_it() -> None:
    stream = packets("VP8", frames=1, noisy=True)
    assert len(stream) > 2, "the keyframe needs several packets for this test"
    collector = KeyframeCollector("VP8")
    for packet in stream[:1] + stream[2:]:
        collector.take(packet)
    assert not collector.done.done()
    for packet in packets("VP8", frames=1, first_sequence=500, noisy=True):  # the next keyframe
        collector.take(packet)
    assert collector.done.done()


@pytest.mark.parametrize(
    ("payload", "starts"),
    [
        (bytes([0x67, 0x42]), True),  # SPS
        (bytes([0x65, 0x88]), True),  # IDR slice
        (bytes([0x41, 0x9A]), False),  # non-IDR slice
        (bytes([0x7C, 0x85, 0x00]), True),  # FU-A, start of an IDR
        (bytes([0x7C, 0x05, 0x00]), False),  # FU-A, continuation
        (bytes([0x78, 0x00, 0x02, 0x67, 0x42, 0x00, 0x02, 0x68, 0xCE]), True),  # STAP-A SPS+PPS
        (bytes([0x78, 0x00, 0x02, 0x41, 0x9A]), False),  # STAP-A without one
    ],
)
def test_h264_keyframe_starts(payload: bytes, starts: bool) -> None:
    packet = SourcePacket(ssrc=1, sequence_number=1, timestamp=0, marker=False, payload=payload)
    assert starts_keyframe("H264", packet) is starts
