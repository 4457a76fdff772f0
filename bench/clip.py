"""Pre-encoded media, replayed in real time without encoding anything during a run.

A participant of the load generator sends the same few seconds of 640x360 VP8 (~800 kbps,
30 fps) and Opus (20 ms packets) on a loop: aiortc's sender packetizes an `av.Packet` from a
track instead of encoding a frame. The first frame of the clip is its only keyframe; a picture
loss indication (from the server, on a new subscriber's behalf) restarts the clip there, as a
camera's encoder would answer with a keyframe.

Each sent video frame is logged (clip index, RTP timestamp, monotonic send time) so that
receivers can measure latency: see bench/latency.py.
"""

from __future__ import annotations

import asyncio
import fractions
import math
import random
import time
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from aiortc.codecs.opus import OpusEncoder
from aiortc.codecs.vpx import Vp8Encoder, vp8_depayload
from aiortc.mediastreams import MediaStreamTrack
from av import AudioFrame, Packet, VideoFrame

WIDTH, HEIGHT = 640, 360
FPS = 30
VIDEO_CLOCK = 90_000
AUDIO_RATE = 48_000
AUDIO_SAMPLES = 960
FINGERPRINT_BYTES = 64
"""A frame is recognised by the first bytes of its VP8 data (the server forwards them as is)."""


@dataclass(frozen=True)
class Clip:
    video: list[bytes]
    """VP8 frames; the first is a keyframe."""
    audio: list[bytes]
    """Opus packets of 20 ms."""
    lower: list[list[bytes]] = field(default_factory=list)
    """For a simulcast publisher (bench/simulcast.py): the VP8 frames of the layers below
    `video`, lowest first, each starting with a keyframe; empty for one layer."""

    def fingerprints(self) -> dict[bytes, int]:
        """First bytes of each frame -> its index, for frames whose first bytes are unique."""
        seen: dict[bytes, int] = {}
        for index, frame in enumerate(self.video):
            key = frame[:FINGERPRINT_BYTES]
            seen[key] = -1 if key in seen else index
        return {key: index for key, index in seen.items() if index >= 0}

    @property
    def video_bitrate(self) -> float:
        return sum(map(len, self.video)) * 8 * FPS / len(self.video)


def encode_clip(seconds: float = 3.0, bitrate: int = 800_000, seed: int = 1) -> Clip:
    """Encode `seconds` of moving, noisy 640x360 pictures and a tone (takes a second or two)."""
    encoder = Vp8Encoder()
    encoder.target_bitrate = bitrate
    video = []
    for index, frame in enumerate(pictures(seconds, seed)):
        payloads, _ = encoder.encode(frame, force_keyframe=index == 0)
        video.append(b"".join(vp8_depayload(p) for p in payloads))
    return Clip(video=video, audio=_encode_tone(1.0))


def pictures(seconds: float, seed: int) -> Iterator[VideoFrame]:
    """The clip's 640x360 pictures: a noisy texture scrolling, with fresh noise in a band."""
    chance = random.Random(seed)
    count = round(seconds * FPS)
    scroll = 2
    texture = bytes(120 + (b & 15) for b in chance.randbytes(WIDTH * (HEIGHT + count * scroll)))
    chroma = bytes([128]) * (WIDTH * HEIGHT // 4)
    for index in range(count):
        frame = VideoFrame(width=WIDTH, height=HEIGHT, format="yuv420p")
        start = index * scroll * WIDTH
        luma = bytearray(texture[start : start + WIDTH * HEIGHT])
        band = (index * 7) % (HEIGHT - 16)  # fresh noise in a moving band, as a camera has
        luma[band * WIDTH : (band + 16) * WIDTH] = chance.randbytes(16 * WIDTH)
        frame.planes[0].update(bytes(luma))
        frame.planes[1].update(chroma)
        frame.planes[2].update(chroma)
        frame.pts = index * VIDEO_CLOCK // FPS
        frame.time_base = fractions.Fraction(1, VIDEO_CLOCK)
        yield frame


AUDIO_BITRATE = 40_000
"""What a browser sends of speech: Chromium's Opus runs at about 32-40 kbit/s, not the 96 kbit/s
aiortc's encoder is set to (at 96 it took ~120 kbit/s of a 300 kbit/s subscriber's link)."""


def _encode_tone(seconds: float) -> list[bytes]:
    encoder = OpusEncoder()
    encoder.codec.bit_rate = AUDIO_BITRATE
    packets = []
    for index in range(round(seconds * AUDIO_RATE / AUDIO_SAMPLES)):
        samples = bytearray()
        for i in range(AUDIO_SAMPLES):
            t = (index * AUDIO_SAMPLES + i) / AUDIO_RATE
            value = int(6000 * math.sin(2 * math.pi * 440 * t)).to_bytes(2, "little", signed=True)
            samples += value * 2
        frame = AudioFrame(format="s16", layout="stereo", samples=AUDIO_SAMPLES)
        frame.planes[0].update(bytes(samples))
        frame.pts = index * AUDIO_SAMPLES
        frame.sample_rate = AUDIO_RATE
        frame.time_base = fractions.Fraction(1, AUDIO_RATE)
        payloads, _ = encoder.encode(frame)
        packets.extend(payloads)
    return packets


@dataclass
class SendLog:
    """One publisher's sent video frames, in order."""

    index: array[int] = field(default_factory=lambda: array("q"))
    timestamp: array[int] = field(default_factory=lambda: array("q"))
    sent_at: array[float] = field(default_factory=lambda: array("d"))


class _PacedTrack(MediaStreamTrack):
    """Yields one pre-encoded packet every `interval` seconds, on a loop."""

    def __init__(self, packets: list[bytes], interval: float, clock_rate: int) -> None:
        super().__init__()
        self._packets = packets
        self._interval = interval
        self._ticks = round(interval * clock_rate)
        self._time_base = fractions.Fraction(1, clock_rate)
        self._sent = 0
        self._next = 0
        self._start: float | None = None

    def restart(self) -> None:
        """Send the clip's first packet next."""
        self._next = 0

    async def recv(self) -> Packet[Any]:
        now = time.monotonic()
        if self._start is None:
            self._start = now
        due = self._start + self._sent * self._interval
        if due > now:
            await asyncio.sleep(due - now)
        elif now - due > 5 * self._interval:  # fell behind: do not burst to catch up
            self._start = now - self._sent * self._interval
        index = self._next
        packet = Packet(self._packets[index])
        packet.pts = self._sent * self._ticks
        packet.time_base = self._time_base
        self._next = (index + 1) % len(self._packets)
        self._sent += 1
        self._sent_one(index, packet.pts)
        return packet

    def _sent_one(self, index: int, pts: int) -> None:
        """Called as each packet leaves (aiortc sends it in the same step)."""


class ClipVideoTrack(_PacedTrack):
    kind = "video"

    def __init__(self, clip: Clip, log: SendLog) -> None:
        super().__init__(clip.video, 1 / FPS, VIDEO_CLOCK)
        self.log = log

    def _sent_one(self, index: int, pts: int) -> None:
        self.log.index.append(index)
        self.log.timestamp.append(pts & 0xFFFFFFFF)
        self.log.sent_at.append(time.monotonic())


class ClipAudioTrack(_PacedTrack):
    kind = "audio"

    def __init__(self, clip: Clip) -> None:
        super().__init__(clip.audio, AUDIO_SAMPLES / AUDIO_RATE, AUDIO_RATE)
