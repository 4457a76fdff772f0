"""The broadcast encoded once, as HLS: H.264 and AAC in MPEG-TS segments under a playlist.

One encoder for the whole broadcast, so timestamps run on unbroken across slates and cuts (a
slate is frames like any other). A keyframe opens every segment (a fixed GOP of the segment's
length, no scene-cut keyframes), so each segment plays on its own. FFmpeg's HLS muxer writes
each segment under a temporary name and renames it when complete, keeps the playlist to the
last `LIST_SIZE` segments, deletes older ones, and marks each segment with the wall-clock time
it shows (`EXT-X-PROGRAM-DATE-TIME`). Closing writes `EXT-X-ENDLIST`.

A broadcast begun again in a folder that holds an earlier one (its process restarted with the
server) numbers its segments on after the earlier's, and marks the break in its timestamps
(`EXT-X-DISCONTINUITY`): segments are cached as immutable for a day, so a segment name used
again would show the public, through a CDN or their own browser's cache, what was there first.
"""

import contextlib
import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt
from av import AudioFrame, VideoFrame

from recording.render.plan import AUDIO_RATE, check_picture

AAC_FRAME = 1024
PLAYLIST = "index.m3u8"
SEGMENT_PATTERN = "seg-%05d.ts"
SEGMENT_NAME = re.compile(r"seg-(\d{5,9})\.ts")
"""A name `SEGMENT_PATTERN` gives (five digits and more once past 99999: over 55 h of 2-s
segments)."""


@dataclass(frozen=True, slots=True)
class HlsSettings:
    width: int = 1280
    height: int = 720
    fps: int = 25
    segment_seconds: int = 2
    list_size: int = 10
    """Segments the playlist names (older ones are deleted)."""
    preset: str = "superfast"
    crf: int = 26
    max_bitrate: int = 1_800_000
    audio_bitrate: int = 64000
    threads: int = 1

    def validate(self) -> None:
        check_picture(self.width, self.height, self.fps)
        if not 1 <= self.segment_seconds <= 10 or self.list_size < 3:
            raise ValueError("segments of 1-10 s, and at least 3 in the playlist")


class HlsWriter:
    def __init__(self, directory: Path, settings: HlsSettings) -> None:
        settings.validate()
        directory.mkdir(parents=True, exist_ok=True)
        self.settings = settings
        self.frames = 0
        """Video frames written."""
        self.first_segment = next_segment(directory)
        flags = "delete_segments+independent_segments+temp_file+program_date_time"
        self._out = av.open(
            str(directory / PLAYLIST),
            "w",
            format="hls",
            options={
                "hls_time": str(settings.segment_seconds),
                "hls_list_size": str(settings.list_size),
                "hls_flags": flags + ("+discont_start" if self.first_segment else ""),
                "hls_segment_type": "mpegts",
                "hls_segment_filename": str(directory / SEGMENT_PATTERN),
                "start_number": str(self.first_segment),
            },
        )
        gop = settings.fps * settings.segment_seconds
        video = self._out.add_stream(
            "libx264",
            rate=settings.fps,
            options={
                "preset": settings.preset,
                "tune": "zerolatency",
                "crf": str(settings.crf),
                "maxrate": str(settings.max_bitrate),
                "bufsize": str(settings.max_bitrate * 2),
                "bf": "0",
                "g": str(gop),
                "keyint_min": str(gop),
                "sc_threshold": "0",
            },
        )
        video.width, video.height, video.pix_fmt = settings.width, settings.height, "yuv420p"
        video.codec_context.thread_count = settings.threads
        self._video = video
        audio = self._out.add_stream("aac", rate=AUDIO_RATE, layout="mono")
        audio.bit_rate = settings.audio_bitrate
        self._audio = audio
        self._pending = np.zeros(0, np.int16)
        self._samples = 0
        """Audio samples encoded."""

    def write(self, frame: VideoFrame, sound: npt.NDArray[np.float32]) -> None:
        """The next video frame and the sound that goes with it (mono, 48 kHz, ±1.0)."""
        frame.pts = self.frames
        frame.time_base = Fraction(1, self.settings.fps)
        self._out.mux(self._video.encode(frame))
        self.frames += 1
        pcm = (np.clip(sound, -1.0, 1.0) * 32767).astype(np.int16)
        pending = np.concatenate([self._pending, pcm])
        whole = len(pending) // AAC_FRAME * AAC_FRAME
        for start in range(0, whole, AAC_FRAME):
            chunk = pending[start : start + AAC_FRAME]
            audio = AudioFrame.from_ndarray(chunk.reshape(1, -1), format="s16", layout="mono")
            audio.sample_rate = AUDIO_RATE
            audio.pts = self._samples
            audio.time_base = Fraction(1, AUDIO_RATE)
            self._samples += AAC_FRAME
            self._out.mux(self._audio.encode(audio))
        self._pending = pending[whole:]

    def close(self) -> None:
        """Flush the encoders; the playlist says the broadcast has ended."""
        self._out.mux(self._video.encode(None))
        self._out.mux(self._audio.encode(None))
        self._out.close()


def next_segment(directory: Path) -> int:
    """The number after every segment an earlier broadcast left in `directory`, on disk or
    named by its playlist (0 for a new folder)."""
    names = [path.name for path in directory.glob("seg-*.ts")]
    with contextlib.suppress(FileNotFoundError):
        names += (directory / PLAYLIST).read_text(errors="replace").split()
    numbers = [int(match[1]) for name in names if (match := SEGMENT_NAME.fullmatch(name))]
    return max(numbers, default=-1) + 1
