"""The broadcast encoded once, as low-latency HLS: H.264 and AAC in MPEG-TS parts and segments.

One encoder for the whole broadcast, so timestamps run on unbroken across slates and cuts (a
slate is frames like any other). A keyframe opens every segment (a fixed GOP of the segment's
length, no scene-cut keyframes), so each segment plays on its own. The encoded pictures and
sound are cut into parts of `PART_SECONDS` at most, each its own MPEG-TS file written as soon
as it is whole (a low-latency player fetches them one by one); a segment, once whole, is its
parts one after the other in a file of its own (a player that knows only segments fetches
that). Each file is written under a temporary name and renamed into place, then the playlist
(`playlist`) the same way; segments that leave it are deleted, their parts sooner. Closing
writes `EXT-X-ENDLIST`.

Each part is muxed by an MPEG-TS muxer of its own, fed the encoders' packets with their own
timestamps (nothing shifted: the timestamps of the parts, and so of the segments, run on), so
that what a part holds is exactly the packets given to it: one muxer for the whole broadcast
would hold packets back to interleave them, across a cut. AAC goes into MPEG-TS with an ADTS
header on each frame, added here.

A broadcast begun again in a folder that holds an earlier one (its process restarted with the
server) numbers its segments on after the earlier's, and marks the break in its timestamps
(`EXT-X-DISCONTINUITY`): segments are cached as immutable for a day, so a segment name used
again would show the public, through a CDN or their own browser's cache, what was there first.
"""

from __future__ import annotations

import contextlib
import io
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt
from av import AudioFrame, VideoFrame
from av.audio.codeccontext import AudioCodecContext
from av.stream import Stream

from recording.render.plan import AUDIO_RATE, check_picture

from .playlist import PART_WINDOW, PLAYLIST, SEGMENT_NAME, LivePlaylist, segment_name

AAC_FRAME = 1024
PART_SECONDS = 0.2
"""The longest part (a segment's last may be shorter): a low-latency player plays three parts
behind the live edge, so the public sees a picture about 0.5 s after its part is listed."""
PART_WINDOW_KEPT = PART_WINDOW + 1
"""Segments, the newest, whose parts are kept (one more than the playlist names parts of: a
player may still be fetching the oldest it read)."""


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
    def __init__(
        self, directory: Path, settings: HlsSettings, clock: Callable[[], float] = time.time
    ) -> None:
        settings.validate()
        directory.mkdir(parents=True, exist_ok=True)
        self.settings = settings
        self.directory = directory
        self._clock = clock
        self.frames = 0
        """Video frames written."""
        self.first_segment = next_segment(directory)
        self._part_frames = max(1, round(settings.fps * PART_SECONDS))
        self.playlist = LivePlaylist(
            self.first_segment,
            settings.segment_seconds,
            self._part_frames / settings.fps,
            settings.list_size,
        )
        gop = settings.fps * settings.segment_seconds
        video = av.CodecContext.create("libx264", "w")
        video.width, video.height, video.pix_fmt = settings.width, settings.height, "yuv420p"
        video.time_base = Fraction(1, settings.fps)
        video.framerate = Fraction(settings.fps)
        video.thread_count = settings.threads
        video.options = {
            "preset": settings.preset,
            "tune": "zerolatency",
            "crf": str(settings.crf),
            "maxrate": str(settings.max_bitrate),
            "bufsize": str(settings.max_bitrate * 2),
            "bf": "0",
            "g": str(gop),
            "keyint_min": str(gop),
            "sc_threshold": "0",
        }
        self._video = video
        audio = av.CodecContext.create("aac", "w")
        audio.sample_rate, audio.layout, audio.format = AUDIO_RATE, "mono", "fltp"
        audio.time_base = Fraction(1, AUDIO_RATE)
        audio.bit_rate = settings.audio_bitrate
        self._audio = audio
        self._adts = _adts_header(audio)
        self._pending = np.zeros(0, np.float32)
        self._samples = 0
        """Audio samples encoded."""
        self._part: _PartMuxer | None = None
        self._in_part = 0
        """Video frames in the part being muxed."""
        self._in_segment = 0
        self._epoch: float | None = None
        """When the first picture was written: the date of the timeline's zero."""
        self._segment_began = 0.0
        """The open segment's date in the playlist: its first picture's place in the timeline
        after the epoch, not when it was written, so that dates advance exactly as the
        durations do however late a loaded machine writes (a player lines playlists up by
        their dates)."""
        self._segment_parts: list[bytes] = []

    def write(self, frame: VideoFrame, sound: npt.NDArray[np.float32]) -> None:
        """The next video frame and the sound that goes with it (mono, 48 kHz, ±1.0)."""
        frame = frame if frame.format.name == "yuv420p" else frame.reformat(format="yuv420p")
        if self._epoch is None:
            self._epoch = self._clock()
        frame.pts = self.frames
        frame.time_base = self._video.time_base
        for packet in self._video.encode(frame):
            self._put_video(packet)
        self.frames += 1
        pending = np.concatenate([self._pending, np.clip(sound, -1.0, 1.0).astype(np.float32)])
        whole = len(pending) // AAC_FRAME * AAC_FRAME
        for start in range(0, whole, AAC_FRAME):
            chunk = pending[start : start + AAC_FRAME]
            audio = AudioFrame.from_ndarray(chunk.reshape(1, -1), format="fltp", layout="mono")
            audio.sample_rate = AUDIO_RATE
            audio.pts = self._samples
            audio.time_base = self._audio.time_base
            self._samples += AAC_FRAME
            for packet in self._audio.encode(audio):
                self._put_audio(packet)
        self._pending = pending[whole:]

    def close(self) -> None:
        """Flush the encoders; the playlist says the broadcast has ended."""
        for packet in self._video.encode(None):
            self._put_video(packet)
        for packet in self._audio.encode(None):
            self._put_audio(packet)
        self._end_segment()
        self.playlist.end()
        self._write(PLAYLIST, self.playlist.render().encode())

    def _put_video(self, packet: av.Packet[Stream]) -> None:
        if packet.is_keyframe and self._in_segment:
            self._end_segment()
        elif self._in_part >= self._part_frames:
            self._end_part()
        if not self._in_segment and self._epoch is not None and packet.pts is not None:
            self._segment_began = self._epoch + packet.pts / self.settings.fps
        self._muxer().mux(packet, video=True)
        self._in_part += 1
        self._in_segment += 1

    def _put_audio(self, packet: av.Packet[Stream]) -> None:
        framed = av.Packet(self._adts(packet.size) + bytes(packet))
        framed.pts, framed.dts, framed.time_base = packet.pts, packet.dts, packet.time_base
        self._muxer().mux(framed, video=False)

    def _muxer(self) -> _PartMuxer:
        if self._part is None:
            self._part = _PartMuxer(self.settings)
        return self._part

    def _end_part(self, announce: bool = True) -> None:
        """Write the part being muxed; `announce`: and the playlist naming it (not when the
        segment ends with it: the playlist that completes the segment names it too)."""
        if self._part is None or not self._in_part:
            return
        data = self._part.close()
        self._part = None
        duration = self._in_part / self.settings.fps
        number, index = self.playlist.add_part(duration, self._segment_began)
        self._in_part = 0
        self._segment_parts.append(data)
        self._write(segment_name(number, index), data)
        if announce:
            self._write(PLAYLIST, self.playlist.render().encode())

    def _end_segment(self) -> None:
        self._end_part(announce=False)
        if not self._segment_parts:
            return
        number = self.playlist.segments[-1].number
        self._write(segment_name(number), b"".join(self._segment_parts))
        self._segment_parts = []
        self._in_segment = 0
        for gone in self.playlist.complete():
            self._delete(gone)
        self._write(PLAYLIST, self.playlist.render().encode())
        # parts of the segments no longer offered as parts: a player is done with them
        listed = [s.number for s in self.playlist.segments]
        for old in listed[:-PART_WINDOW_KEPT]:
            self._delete_parts(old)

    def _write(self, name: str, data: bytes) -> None:
        temporary = self.directory / f".{name}.tmp"
        temporary.write_bytes(data)
        os.replace(temporary, self.directory / name)

    def _delete(self, number: int) -> None:
        with contextlib.suppress(FileNotFoundError):
            (self.directory / segment_name(number)).unlink()
        self._delete_parts(number)

    def _delete_parts(self, number: int) -> None:
        for index in range(self.settings.segment_seconds * self.settings.fps):
            try:
                (self.directory / segment_name(number, index)).unlink()
            except FileNotFoundError:
                return  # parts go in order


class _PartMuxer:
    """One part's MPEG-TS, muxed in memory from the encoders' packets."""

    def __init__(self, settings: HlsSettings) -> None:
        self._buffer = io.BytesIO()
        options = {"avoid_negative_ts": "disabled", "pes_payload_size": "0"}
        self._out = av.open(self._buffer, "w", format="mpegts", options=options)
        self._video = self._out.add_mux_stream(
            "h264", rate=settings.fps, width=settings.width, height=settings.height
        )
        self._audio = self._out.add_mux_stream("aac", rate=AUDIO_RATE, layout="mono")

    def mux(self, packet: av.Packet[Stream], video: bool) -> None:
        packet.stream = self._video if video else self._audio
        self._out.mux(packet)

    def close(self) -> bytes:
        self._out.close()
        return self._buffer.getvalue()


def _adts_header(encoder: AudioCodecContext) -> Callable[[int], bytes]:
    """The 7-byte ADTS header of an AAC frame of `size` bytes from `encoder` (AAC-LC)."""
    rates = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000]
    rate_index = rates.index(encoder.sample_rate)
    channels = encoder.layout.nb_channels

    def header(size: int) -> bytes:
        length = size + 7
        return bytes(
            [
                0xFF,
                0xF1,  # MPEG-4, no CRC
                (1 << 6) | (rate_index << 2) | (channels >> 2),  # profile: AAC-LC
                ((channels & 3) << 6) | (length >> 11),
                (length >> 3) & 0xFF,
                ((length & 7) << 5) | 0x1F,
                0xFC,
            ]
        )

    return header


def next_segment(directory: Path) -> int:
    """The number after every segment an earlier broadcast left in `directory`, on disk or
    named by its playlist (0 for a new folder)."""
    names = [path.name for path in directory.glob("seg-*.ts")]
    with contextlib.suppress(FileNotFoundError):
        names += (directory / PLAYLIST).read_text(errors="replace").split()
    numbers = [int(match[1]) for name in names if (match := SEGMENT_NAME.fullmatch(name))]
    return max(numbers, default=-1) + 1
