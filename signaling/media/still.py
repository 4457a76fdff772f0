"""One still picture of a published video track, taken by the server from what it forwards.

The forwarder never decodes (docs/architecture.md#a-media-packets-path); a still is the one
exception, on request. `capture_still` attaches to the track like any subscriber that waits for
a keyframe (so the track's keyframe policy asks the publisher for one, coalesced with everyone
else's), collects the packets of the first complete keyframe (VP8 or H264, as negotiated: from
the packet that starts it to the marker bit, with no sequence gap), detaches, and decodes that
one picture with PyAV in a worker thread under a time budget, encoding it as a JPEG.

A picture whose packets had a gap is dropped and the next keyframe awaited; nothing here
renders or reads anything but the keyframe's own bytes.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from fractions import Fraction

import av
from aiortc.codecs import depayload

from .packet import SourcePacket
from .publisher import PublishedTrack

MAX_KEYFRAME_BYTES = 4 * 1024 * 1024
"""More than any keyframe a camera sends; a stream past it is not decoded."""
JPEG_QUALITY = 3
"""FFmpeg's mjpeg `qscale` (2 best .. 31 worst): a clear face and a legible document."""
QP2LAMBDA = 118
"""FFmpeg's FF_QP2LAMBDA: `global_quality` is a qscale in these units."""


class StillError(Exception):
    """No picture: the track sent no usable keyframe in time, or it did not decode."""


@dataclass(frozen=True)
class Still:
    jpeg: bytes
    width: int
    height: int


@dataclass
class KeyframeCollector:
    """The subscriber that collects one keyframe's packets (the `Subscriber` a track feeds)."""

    codec: str
    """"VP8" or "H264"."""
    done: asyncio.Future[list[bytes]] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )
    _payloads: list[bytes] = field(default_factory=list)
    _timestamp: int | None = None
    _next_sequence: int = 0
    _size: int = 0

    @property
    def waiting_for_keyframe(self) -> bool:
        return not self.done.done()

    def forward_now(self, packet: SourcePacket, now: float, abs_send_time: int) -> None:
        self.take(packet)

    def take(self, packet: SourcePacket) -> None:
        if self.done.done() or not packet.payload:
            return
        if self._timestamp is None or packet.timestamp != self._timestamp:
            self._payloads.clear()
            self._timestamp = None
            if not starts_keyframe(self.codec, packet):
                return
            self._timestamp, self._size = packet.timestamp, 0
        elif packet.sequence_number != self._next_sequence:
            self._payloads.clear()  # lost or reordered: wait for the next keyframe
            self._timestamp = None
            return
        self._next_sequence = (packet.sequence_number + 1) & 0xFFFF
        self._payloads.append(packet.payload)
        self._size += len(packet.payload)
        if self._size > MAX_KEYFRAME_BYTES:
            self.done.set_exception(StillError("the keyframe is larger than any camera's"))
        elif packet.marker:
            self.done.set_result(list(self._payloads))


def starts_keyframe(codec: str, packet: SourcePacket) -> bool:
    """Whether the packet is the first of a keyframe (VP8: the parsed descriptor; H264: an SPS
    or IDR NAL unit, alone, aggregated (STAP-A) or the start of a fragmented one (FU-A))."""
    if codec == "VP8":
        return packet.keyframe
    payload = packet.payload
    nal = payload[0] & 0x1F
    if nal == 24:  # STAP-A: 2-byte sizes, each followed by a NAL unit
        position = 1
        while position + 2 < len(payload):
            size = int.from_bytes(payload[position : position + 2], "big")
            if payload[position + 2] & 0x1F in (5, 7):
                return True
            position += 2 + size
        return False
    if nal == 28:  # FU-A: the start bit and the fragmented unit's type
        return len(payload) > 1 and bool(payload[1] & 0x80) and payload[1] & 0x1F in (5, 7)
    return nal in (5, 7)


async def capture_still(track: PublishedTrack, wait_seconds: float, decode_budget: float) -> Still:
    """A JPEG of the next keyframe `track` sends; StillError if none arrives within `wait_seconds`
    seconds or it does not decode within `decode_budget` seconds."""
    codec = track.codec.name.upper()
    if track.kind != "video" or codec not in ("VP8", "H264"):
        raise StillError(f"no still from a {track.kind} track in {track.codec.name}")
    collector = KeyframeCollector(codec)
    track.attach(collector)
    try:
        await track.request_keyframe(starting=True)
        payloads = await asyncio.wait_for(collector.done, wait_seconds)
    except TimeoutError:
        raise StillError(f"no keyframe arrived within {wait_seconds:g} s") from None
    finally:
        track.detach(collector)
    codec_parameters = track.codec
    data = b"".join(depayload(codec_parameters, payload) for payload in payloads)
    try:
        return await asyncio.wait_for(
            asyncio.to_thread(decode_keyframe, codec, data), decode_budget
        )
    except TimeoutError:
        raise StillError(f"the keyframe did not decode within {decode_budget:g} s") from None


def decode_keyframe(codec: str, data: bytes) -> Still:
    """Decode one keyframe's bitstream and encode the picture as a JPEG (blocking: a thread).
    The thread cannot be stopped once it started: the budget bounds the wait, and the input is
    one keyframe of bounded size."""
    decoder = av.CodecContext.create("vp8" if codec == "VP8" else "h264", "r")
    try:
        frames = list(decoder.decode(av.Packet(data))) + list(decoder.decode(None))
    except av.FFmpegError as exc:
        raise StillError(f"the keyframe did not decode: {exc}") from exc
    if not frames:
        raise StillError("the keyframe held no picture")
    frame = frames[0]
    encoder = av.CodecContext.create("mjpeg", "w")
    encoder.width, encoder.height = frame.width, frame.height
    encoder.pix_fmt = "yuvj420p"
    encoder.time_base = Fraction(1, 25)
    encoder.flags |= av.codec.context.Flags.qscale
    encoder.global_quality = JPEG_QUALITY * QP2LAMBDA
    encoded = list(encoder.encode(frame.reformat(format="yuvj420p")))
    encoded += list(encoder.encode(None))
    if not encoded:
        raise StillError("the picture could not be encoded")
    return Still(bytes(encoded[0]), frame.width, frame.height)
