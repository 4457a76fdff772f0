"""The video statements `bench.statements` submits: one real recording, encoded once, and N
distinct files derived from it without encoding again.

The recording is WebM (VP8 + Opus) as a phone's MediaRecorder writes it: a header without a
length (so the server's probe reads every sound packet for the length, as it does for a real
phone's file), a small picture (320x240 at 15 fps, ~250 kbps) that moves, and a tone. A
statement is kept under its SHA-256, so N identical files would be one file on the server: the
recording is remuxed once with a Matroska title of fixed length (the packets are copied,
nothing is decoded), and each copy has its own number written over that title's digits: a few
bytes of the header differ, nothing a court would see or hear.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
from av.audio.stream import AudioStream
from av.video.stream import VideoStream

WIDTH, HEIGHT, FPS = 320, 240, 15
VIDEO_BITRATE = 250_000
AUDIO_RATE, AUDIO_SAMPLES = 48_000, 960
"""Opus frames of 20 ms."""


@dataclass(frozen=True)
class Statement:
    path: Path
    size: int
    sha256: str


def record(path: Path, seconds: float) -> None:
    """Encode `seconds` of a moving picture and a tone into `path` (a few seconds per minute)."""
    out = av.open(str(path), "w", format="webm", options={"live": "1"})
    video = out.add_stream("libvpx", rate=FPS, options={"deadline": "realtime", "cpu-used": "8"})
    assert isinstance(video, VideoStream)
    video.width, video.height, video.pix_fmt = WIDTH, HEIGHT, "yuv420p"
    video.bit_rate = VIDEO_BITRATE
    audio = out.add_stream("libopus", rate=AUDIO_RATE)  # before any muxing
    assert isinstance(audio, AudioStream)
    audio.layout = "mono"
    ys, xs = np.mgrid[0:HEIGHT, 0:WIDTH]
    for i in range(int(seconds * FPS)):
        # a diagonal pattern that drifts, with a square crossing it: every frame changes
        picture = np.empty((HEIGHT, WIDTH, 3), np.uint8)
        picture[..., 0] = (xs + ys + 3 * i) % 256
        picture[..., 1] = (xs - 2 * i) % 256
        picture[..., 2] = (ys + i) % 256
        left = (7 * i) % (WIDTH - 40)
        picture[100:140, left : left + 40] = 255
        for packet in video.encode(av.VideoFrame.from_ndarray(picture, format="rgb24")):
            out.mux(packet)
    for packet in video.encode():
        out.mux(packet)
    t = np.arange(AUDIO_SAMPLES) / AUDIO_RATE
    for i in range(int(seconds * AUDIO_RATE / AUDIO_SAMPLES)):
        pitch = 220 + 110 * math.sin(i / 25)
        tone = (3000 * np.sin(2 * math.pi * pitch * (t + i * AUDIO_SAMPLES / AUDIO_RATE))).astype(
            np.int16
        )
        frame = av.AudioFrame.from_ndarray(tone.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate, frame.pts = AUDIO_RATE, i * AUDIO_SAMPLES
        for packet in audio.encode(frame):
            out.mux(packet)
    for packet in audio.encode():
        out.mux(packet)
    out.close()


TITLE = "statement {:06d}"


def derive(source: Path, path: Path, title: str) -> None:
    """A copy of `source` titled `title`: its packets remuxed, not encoded again."""
    with av.open(str(source)) as original:
        out = av.open(str(path), "w", format="webm", options={"live": "1"})
        out.metadata["title"] = title
        streams = {s.index: out.add_stream_from_template(s) for s in original.streams}
        for packet in original.demux():
            if packet.dts is None:  # the demuxer's empty packet at each stream's end
                continue
            packet.stream = streams[packet.stream.index]
            out.mux(packet)
        out.close()


def statements(folder: Path, count: int, seconds: float) -> list[Statement]:
    """`count` distinct statements of `seconds` each in `folder`."""
    source, template = folder / "recorded.webm", folder / "template.webm"
    record(source, seconds)
    derive(source, template, TITLE.format(0))
    data = template.read_bytes()
    title = TITLE.format(0).encode()
    at = data.find(title)
    assert at > 0 and data.count(title) == 1, "the title is not once in the header"
    made = []
    for n in range(count):
        copy = data[:at] + TITLE.format(n).encode() + data[at + len(title) :]
        path = folder / f"statement-{n}.webm"
        path.write_bytes(copy)
        made.append(Statement(path, len(copy), hashlib.sha256(copy).hexdigest()))
    return made
