"""RTP packets as a publisher sends them, made without a network: for recorder tests that
need no peers (failures) or run in a child process (the kill -9 test).

Video is CounterVideoTrack's picture encoded by aiortc's VP8 encoder (so the counters can be
read back from a recording); audio is a tone encoded once by aiortc's Opus encoder, its
packets repeated with advancing timestamps.
"""

import asyncio
import fractions
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from aiortc.codecs.opus import OpusEncoder
from aiortc.codecs.vpx import Vp8Encoder
from av import AudioFrame

from tests.integration.media_sources import draw_counter

VIDEO_RATE = 90000
FPS = 30
OPUS_SAMPLES = 960


@dataclass(frozen=True, slots=True)
class Packet:
    ssrc: int
    sequence_number: int
    timestamp: int
    marker: bool
    payload: bytes


class SyntheticVideo:
    def __init__(self, ssrc: int = 1111) -> None:
        self.counter = 0
        self._ssrc = ssrc
        self._sequence = 0
        self._encoder = Vp8Encoder()
        self._force_keyframe = False

    async def request_keyframe(self) -> None:
        self._force_keyframe = True

    def next_frame(self, keyframe: bool = False) -> list[Packet]:
        """The packets of the next picture (numbered `counter`)."""
        picture = draw_counter(self.counter)
        picture.pts = self.counter * VIDEO_RATE // FPS
        picture.time_base = fractions.Fraction(1, VIDEO_RATE)
        payloads, timestamp = self._encoder.encode(picture, keyframe or self._force_keyframe)
        self._force_keyframe = False
        self.counter += 1
        packets = []
        for i, payload in enumerate(payloads):
            marker = i == len(payloads) - 1
            packets.append(Packet(self._ssrc, self._sequence, timestamp, marker, payload))
            self._sequence = (self._sequence + 1) & 0xFFFF
        return packets


class SyntheticAudio:
    def __init__(self, ssrc: int = 2222) -> None:
        self._ssrc = ssrc
        self._sequence = 0
        self._timestamp = 0
        self._payloads = _opus_payloads(50)

    def next_packet(self) -> Packet:
        payload = self._payloads[self._sequence % len(self._payloads)]
        packet = Packet(self._ssrc, self._sequence, self._timestamp, True, payload)
        self._sequence = (self._sequence + 1) & 0xFFFF
        self._timestamp = (self._timestamp + OPUS_SAMPLES) & 0xFFFFFFFF
        return packet


def _opus_payloads(count: int) -> list[bytes]:
    """`count` 20 ms Opus packets of a 440 Hz tone."""
    encoder = OpusEncoder()
    payloads: list[bytes] = []
    while len(payloads) < count:
        frame = AudioFrame(format="s16", layout="mono", samples=OPUS_SAMPLES)
        start = len(payloads) * OPUS_SAMPLES
        samples = (
            int(8000 * math.sin(2 * math.pi * 440 * (start + i) / 48000)).to_bytes(
                2, "little", signed=True
            )
            for i in range(OPUS_SAMPLES)
        )
        frame.planes[0].update(b"".join(samples))
        frame.sample_rate = 48000
        frame.pts = start
        frame.time_base = fractions.Fraction(1, 48000)
        payloads += encoder.encode(frame)[0]
    return payloads[:count]


Forward = Callable[[Packet], None]
"""Hands a packet on as the forwarder does: synchronously."""


async def play(
    seconds: float,
    video: SyntheticVideo,
    audio: SyntheticAudio,
    to_video: Forward,
    to_audio: Forward,
    after_frame: Callable[[int], None] = lambda counter: None,
) -> None:
    """Send 30 fps video and 50 packets/s audio in real time for `seconds`."""
    start = time.monotonic()
    audio_sent = 0
    while (elapsed := time.monotonic() - start) < seconds:
        for packet in video.next_frame():
            to_video(packet)
        while audio_sent * OPUS_SAMPLES / 48000 <= elapsed:
            to_audio(audio.next_packet())
            audio_sent += 1
        after_frame(video.counter - 1)
        await asyncio.sleep(max(0.0, start + video.counter / FPS - time.monotonic()))
