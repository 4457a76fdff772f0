"""Synthetic media for integration tests: pictures that carry a frame counter, and a tone.

The counter is drawn as 16 black/white blocks across the top of a 320x240 picture (noise
below, so frames span several packets like a camera's) and read back after decoding. Encoded
frames are recorded at the encoder, so what reaches a subscriber's decoder can be compared
bit for bit with what was sent.
"""

import asyncio
import fractions
import math
import os
import time

import pytest
from aiortc.codecs.vpx import Vp8Encoder, vp8_depayload
from aiortc.mediastreams import AudioStreamTrack, VideoStreamTrack
from av import AudioFrame, VideoFrame
from av.frame import Frame

WIDTH, HEIGHT = 320, 240
BITS = 16
BLOCK = WIDTH // BITS
NOISE_ROWS = 48


def draw_counter(counter: int) -> VideoFrame:
    frame = VideoFrame(width=WIDTH, height=HEIGHT, format="yuv420p")
    luma = frame.planes[0]
    stride = luma.line_size
    row = bytearray(stride)
    for bit in range(BITS):
        value = 235 if counter >> (BITS - 1 - bit) & 1 else 16
        row[bit * BLOCK : (bit + 1) * BLOCK] = bytes([value]) * BLOCK
    grey = bytes([128]) * stride
    # noise below a grey margin makes frames span several packets, like a real camera's
    noise = os.urandom(stride * NOISE_ROWS)
    luma.update(
        bytes(row) * BLOCK + grey * BLOCK + noise + grey * (HEIGHT - 2 * BLOCK - NOISE_ROWS)
    )
    for chroma in frame.planes[1:]:
        chroma.update(bytes([128]) * chroma.buffer_size)
    return frame


def read_counter(frame: VideoFrame) -> int:
    frame = frame.reformat(format="yuv420p") if frame.format.name != "yuv420p" else frame
    luma = frame.planes[0]
    data = bytes(luma)
    middle = (BLOCK // 2) * luma.line_size
    counter = 0
    for bit in range(BITS):
        counter = (counter << 1) | (data[middle + bit * BLOCK + BLOCK // 2] > 128)
    return counter


class CounterVideoTrack(VideoStreamTrack):
    """30 fps frames numbered 0, 1, 2... in their pixels."""

    def __init__(self, first: int = 0) -> None:
        super().__init__()
        self.counter = first

    async def recv(self) -> VideoFrame:
        pts, time_base = await self.next_timestamp()
        frame = draw_counter(self.counter & 0xFFFF)
        self.counter += 1
        frame.pts = pts
        frame.time_base = time_base
        return frame


class ToneAudioTrack(AudioStreamTrack):
    """A 440 Hz tone, so the audio level extension carries a real level."""

    RATE = 8000
    SAMPLES = 160

    def __init__(self) -> None:
        super().__init__()
        self._sent = 0
        self._started_at: float | None = None

    async def recv(self) -> AudioFrame:
        if self._started_at is None:
            self._started_at = time.time()
        else:
            await asyncio.sleep(self._started_at + self._sent / self.RATE - time.time())
        samples = bytearray()
        for i in range(self.SAMPLES):
            value = int(8000 * math.sin(2 * math.pi * 440 * (self._sent + i) / self.RATE))
            samples += value.to_bytes(2, "little", signed=True)
        frame = AudioFrame(format="s16", layout="mono", samples=self.SAMPLES)
        frame.planes[0].update(bytes(samples))
        frame.pts = self._sent
        frame.sample_rate = self.RATE
        frame.time_base = fractions.Fraction(1, self.RATE)
        self._sent += self.SAMPLES
        return frame


SentFrames = dict[bytes, int]
"""Encoded VP8 frame (depayloaded) -> counter of the picture it was encoded from."""


def record_encoded_frames(monkeypatch: pytest.MonkeyPatch) -> SentFrames:
    """Record every frame any aiortc VP8 encoder in the test produces."""
    sent: SentFrames = {}
    encode = Vp8Encoder.encode

    def recording_encode(
        self: Vp8Encoder, frame: Frame, force_keyframe: bool = False
    ) -> tuple[list[bytes], int]:
        payloads, timestamp = encode(self, frame, force_keyframe)
        assert isinstance(frame, VideoFrame)
        sent[b"".join(vp8_depayload(p) for p in payloads)] = read_counter(frame)
        return payloads, timestamp

    monkeypatch.setattr(Vp8Encoder, "encode", recording_encode)
    return sent
