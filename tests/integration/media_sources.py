"""Synthetic media for integration tests: pictures that carry a frame counter, and a tone.

The counter is drawn as 16 black/white blocks across the top of a 320x240 picture, with a
second row of blocks below it naming the source (noise further down, so frames span several
packets like a camera's), and both are read back after decoding. Encoded frames are recorded at
the encoder, so what reaches a subscriber's decoder can be compared bit for bit with what was
sent.
"""

import asyncio
import fractions
import math
import os
import time

import numpy as np
import pytest
from aiortc.codecs.vpx import Vp8Encoder, vp8_depayload
from aiortc.mediastreams import (
    VIDEO_CLOCK_RATE,
    VIDEO_TIME_BASE,
    AudioStreamTrack,
    VideoStreamTrack,
)
from av import AudioFrame, VideoFrame
from av.frame import Frame

WIDTH, HEIGHT = 320, 240
BITS = 16
BLOCK = WIDTH // BITS
NOISE_ROWS = 48


def draw_counter(counter: int, tag: int = 0, noise_rows: int = NOISE_ROWS) -> VideoFrame:
    """A picture carrying `counter` in its top row of blocks and `tag` in the row below."""
    frame = VideoFrame(width=WIDTH, height=HEIGHT, format="yuv420p")
    luma = frame.planes[0]
    stride = luma.line_size
    grey = bytes([128]) * stride
    # noise below a grey margin makes frames span several packets, like a real camera's
    noise = os.urandom(stride * noise_rows)
    luma.update(
        _blocks(counter, stride) * BLOCK
        + _blocks(tag, stride) * BLOCK
        + grey * BLOCK
        + noise
        + grey * (HEIGHT - 3 * BLOCK - noise_rows)
    )
    for chroma in frame.planes[1:]:
        chroma.update(bytes([128]) * chroma.buffer_size)
    return frame


def _blocks(value: int, stride: int) -> bytes:
    """One row of pixels: `value`'s bits as black and white blocks, most significant first."""
    row = bytearray([128]) * stride
    for bit in range(BITS):
        level = 235 if value >> (BITS - 1 - bit) & 1 else 16
        row[bit * BLOCK : (bit + 1) * BLOCK] = bytes([level]) * BLOCK
    return bytes(row)


def read_marks(frame: VideoFrame) -> tuple[int, int]:
    """The counter and the tag a decoded picture carries."""
    frame = frame.reformat(format="yuv420p") if frame.format.name != "yuv420p" else frame
    luma = frame.planes[0]
    data = bytes(luma)
    marks = []
    for band in range(2):
        middle = (band * BLOCK + BLOCK // 2) * luma.line_size
        value = 0
        for bit in range(BITS):
            value = (value << 1) | (data[middle + bit * BLOCK + BLOCK // 2] > 128)
        marks.append(value)
    return marks[0], marks[1]


def read_counter(frame: VideoFrame) -> int:
    return read_marks(frame)[0]


class CounterVideoTrack(VideoStreamTrack):
    """Frames numbered 0, 1, 2... in their pixels (30 a second unless told), marked with `tag`.

    With `sent`, the moment each frame is handed to the encoder is kept by counter, so a
    receiver in the same process can tell how long the frame took to reach it.
    """

    def __init__(
        self,
        first: int = 0,
        tag: int = 0,
        sent: dict[int, float] | None = None,
        fps: int = 30,
        noise_rows: int = NOISE_ROWS,
    ) -> None:
        super().__init__()
        self.counter = first
        self.tag = tag
        self.sent = sent
        self.fps = fps
        self.noise_rows = noise_rows
        self._frames = 0
        self._started_at: float | None = None

    async def recv(self) -> VideoFrame:
        if self._started_at is None:
            self._started_at = time.time()
        else:
            await asyncio.sleep(self._started_at + self._frames / self.fps - time.time())
        counter = self.counter & 0xFFFF
        frame = draw_counter(counter, self.tag, self.noise_rows)
        frame.pts = self._frames * VIDEO_CLOCK_RATE // self.fps
        frame.time_base = VIDEO_TIME_BASE
        self.counter += 1
        self._frames += 1
        if self.sent is not None:
            self.sent[counter] = time.monotonic()
        return frame


class ToneAudioTrack(AudioStreamTrack):
    """A steady tone (440 Hz unless told), so the audio level extension carries a real level and
    a listener can tell publishers apart by pitch (`dominant_hz`)."""

    RATE = 8000
    SAMPLES = 160

    def __init__(self, hz: float = 440) -> None:
        super().__init__()
        self.hz = hz
        self._sent = 0
        self._started_at: float | None = None

    async def recv(self) -> AudioFrame:
        if self._started_at is None:
            self._started_at = time.time()
        else:
            await asyncio.sleep(self._started_at + self._sent / self.RATE - time.time())
        samples = bytearray()
        for i in range(self.SAMPLES):
            value = int(8000 * math.sin(2 * math.pi * self.hz * (self._sent + i) / self.RATE))
            samples += value.to_bytes(2, "little", signed=True)
        frame = AudioFrame(format="s16", layout="mono", samples=self.SAMPLES)
        frame.planes[0].update(bytes(samples))
        frame.pts = self._sent
        frame.sample_rate = self.RATE
        frame.time_base = fractions.Fraction(1, self.RATE)
        self._sent += self.SAMPLES
        return frame


def tone_hz(tag: int) -> float:
    """The pitch of the microphone that goes with the camera marked ``tag`` (150 Hz apart:
    three bins of a decoded 20-ms Opus frame)."""
    return 300.0 + 150.0 * tag


def dominant_hz(frame: AudioFrame) -> float:
    """The strongest frequency in a decoded audio frame (0 for silence)."""
    samples = frame.to_ndarray().astype(np.float64)
    mono = samples.reshape(-1, len(frame.layout.channels)).mean(axis=1)
    spectrum = np.abs(np.fft.rfft(mono * np.hanning(len(mono))))
    if spectrum.max() < 1e-6 * len(mono):
        return 0.0
    return float(np.argmax(spectrum) * frame.sample_rate / len(mono))


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
