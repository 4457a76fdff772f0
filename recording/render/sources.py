"""A participant's recorded media, read back on the wall clock.

`VideoSource` answers "which picture was showing at wall-clock T?" for increasing T, decoding
its segments in order (each starts at a keyframe, so any segment can be opened on its own).
`AudioSource` returns the samples heard over a wall-clock span. A segment cut short by a crash
decodes up to where it was cut; a damaged file ends where the damage starts. A segment still
being recorded (`SegmentRef.growing`) is read as far as it has been written, and on as it
grows (`segment_reader`).
"""

import bisect
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt
from av import AudioFrame, VideoFrame

from .plan import AUDIO_RATE, SegmentRef
from .segment_reader import Frame, SegmentReader

Samples = npt.NDArray[np.float32]

HOLD = 0.5
"""A picture stays up this long past its segment's end (covers the switch to the next one)."""
RESYNC = 0.03
"""Audio frames are laid end to end unless their timestamps say they are this far off."""
DECODED_SEGMENTS = 3


class VideoSource:
    def __init__(self, segments: Sequence[SegmentRef]) -> None:
        self._segments = sorted(segments, key=lambda s: s.start)
        self._index = 0
        self._open: SegmentRef | None = None
        self._reader: SegmentReader | None = None
        self._frames: Iterator[tuple[float, Frame]] = iter(())
        self._current: VideoFrame | None = None
        self._next: tuple[float, VideoFrame] | None = None

    def add(self, segment: SegmentRef) -> None:
        """A segment begun or closed since (a live broadcast reads a recording as it grows):
        a closed one takes the place of its growing self; one that starts before the segment
        being read is too late to be shown."""
        if _replaced(self._segments, segment):
            if self._open is not None and self._open.path == segment.path:
                self._open = segment
                if self._reader is not None and not segment.growing:
                    self._reader.closed()
            return
        if self._index < len(self._segments) and segment.start < self._segments[self._index].start:
            return
        bisect.insort(self._segments, segment, key=lambda s: s.start)

    def frame_at(self, wall: float) -> VideoFrame | None:
        """The latest picture at or before `wall`; None while nothing is being recorded.
        Calls must come in increasing `wall` order."""
        while self._index < len(self._segments) and self._past(self._index, wall):
            self._index += 1
        if self._index == len(self._segments) or self._segments[self._index].start > wall:
            self._close()
            return None
        segment = self._segments[self._index]
        if segment is not self._open:
            self._start(segment)
        elif self._next is None:
            self._next = self._pull(segment)  # the file may have grown
        while self._next is not None and self._next[0] <= wall + 1e-3:
            self._current = self._next[1]
            self._next = self._pull(segment)
        return self._current

    def close(self) -> None:
        self._close()

    def _past(self, index: int, wall: float) -> bool:
        """Segment `index` is done with at `wall`: held long enough, or the next has begun."""
        following = self._segments[index + 1 : index + 2]
        return self._segments[index].end + HOLD <= wall or any(s.start <= wall for s in following)

    def _start(self, segment: SegmentRef) -> None:
        self._close()
        self._open = segment
        self._reader = SegmentReader(segment.path, "video", growing=segment.growing)
        self._next = self._pull(segment)

    def _pull(self, segment: SegmentRef) -> tuple[float, VideoFrame] | None:
        """The next picture and its wall-clock, reading on in the file once those in hand
        are done."""
        picture = _next_picture(self._frames)
        if picture is None and self._reader is not None:
            self._frames = self._reader.frames()
            picture = _next_picture(self._frames)
        return None if picture is None else (segment.anchor.wall_clock + picture[0], picture[1])

    def _close(self) -> None:
        self._frames = iter(())  # closes the file the reader had open
        self._open = self._reader = self._next = self._current = None


class AudioSource:
    def __init__(self, segments: Sequence[SegmentRef]) -> None:
        self._segments = sorted(segments, key=lambda s: s.start)
        self._decoded: OrderedDict[Path, _Sound] = OrderedDict()
        self.short = False
        """The last read reached past what a growing segment had written: its end is silent
        (a live broadcast whose delay is too short for the recorder's lag)."""

    def add(self, segment: SegmentRef) -> None:
        """A segment begun or closed since (a live broadcast reads a recording as it grows):
        a closed one takes the place of its growing self."""
        if _replaced(self._segments, segment):
            sound = self._decoded.get(segment.path)
            if sound is not None and not segment.growing:
                sound.reader.closed()
            return
        bisect.insort(self._segments, segment, key=lambda s: s.start)

    def forget_before(self, wall: float) -> None:
        """Segments that ended before `wall` will not be read again (a live broadcast's reads
        only move on)."""
        kept = [s for s in self._segments if s.end > wall]
        if len(kept) != len(self._segments):
            self._segments = kept

    def read(self, wall: float, count: int) -> Samples:
        """`count` mono samples at 48 kHz from wall-clock `wall`; silence where none were
        recorded."""
        out = np.zeros(count, np.float32)
        end = wall + count / AUDIO_RATE
        self.short = False
        for segment in self._segments:
            if segment.end <= wall or segment.start >= end:
                continue
            first, samples = self._decode(segment)
            if segment.growing and first + len(samples) / AUDIO_RATE < end:
                self.short = True
            offset = round((first - wall) * AUDIO_RATE)
            lo, hi = max(0, offset), min(count, offset + len(samples))
            if hi > lo:
                out[lo:hi] += samples[lo - offset : hi - offset]
        return out

    def _decode(self, segment: SegmentRef) -> tuple[float, Samples]:
        """The segment's samples as far as it reads now, laid end to end, and the wall-clock
        of the first."""
        sound = self._decoded.get(segment.path)
        if sound is None:
            sound = _Sound(
                SegmentReader(segment.path, "audio", growing=segment.growing),
                SoundLine(segment.start),
            )
            self._decoded[segment.path] = sound
            if len(self._decoded) > DECODED_SEGMENTS:
                self._decoded.popitem(last=False)
        else:
            self._decoded.move_to_end(segment.path)
        grown = False
        for at, frame in sound.reader.frames():
            if isinstance(frame, AudioFrame):
                sound.line.add(frame, segment.anchor.wall_clock + at)
                grown = True
        if grown or sound.result is None:
            sound.result = sound.line.result()
        return sound.result


@dataclass
class _Sound:
    """A segment's sound decoded so far."""

    reader: SegmentReader
    line: "SoundLine"
    result: tuple[float, Samples] | None = None


def _next_picture(frames: Iterator[tuple[float, Frame]]) -> tuple[float, VideoFrame] | None:
    return next(((at, f) for at, f in frames if isinstance(f, VideoFrame)), None)


def _replaced(segments: list[SegmentRef], segment: SegmentRef) -> bool:
    """Put `segment` in the place of a segment of the same file, if there is one."""
    for index, known in enumerate(segments):
        if known.path == segment.path:
            segments[index] = segment
            return True
    return False


class SoundLine:
    """Decoded sound as mono 48 kHz samples laid end to end, kept in step with the frames'
    timestamps: where they say the sound is more than `RESYNC` off, the gap is filled with
    silence or the overlap dropped. Used for recorded segments and for uploaded statements."""

    def __init__(self, start: float) -> None:
        """`start`: the time of the first sample if the first frame has none."""
        self._start = start
        self._first: float | None = None
        self._pieces: list[Samples] = []
        self._length = 0
        self._resampler = av.AudioResampler(format="flt", layout="mono", rate=AUDIO_RATE)

    def add(self, frame: AudioFrame, at: float | None) -> None:
        """Append `frame`, whose first sample belongs at time `at` (None: right after the
        last)."""
        if self._first is None:
            self._first = self._start if at is None else at
        elif at is not None:
            drift = round((at - self._first) * AUDIO_RATE) - self._length
            if abs(drift) > RESYNC * AUDIO_RATE:
                self._length += self._realign(drift)
        for chunk in _mono(self._resampler, frame):
            self._pieces.append(chunk)
            self._length += len(chunk)

    @property
    def first(self) -> float | None:
        """The time of the first sample; None before the first frame."""
        return self._first

    @property
    def end(self) -> float | None:
        """Where the next sample goes, if laid on; None before the first frame."""
        return None if self._first is None else self._first + self._length / AUDIO_RATE

    def result(self) -> tuple[float, Samples]:
        """The time of the first sample, and the samples."""
        pieces = self._pieces
        samples = np.concatenate(pieces) if pieces else np.zeros(0, np.float32)
        return (self._start if self._first is None else self._first), samples

    def _realign(self, drift: int) -> int:
        """Fill a gap in the timestamps with silence, or drop the overlap; returns the change
        in length."""
        pieces = self._pieces
        if drift > 0:
            pieces.append(np.zeros(drift, np.float32))
            return drift
        cut = -drift
        while cut and pieces:
            last = pieces.pop()
            keep = max(0, len(last) - cut)
            cut -= len(last) - keep
            if keep:
                pieces.append(last[:keep])
        return drift + cut


def _mono(resampler: av.AudioResampler, frame: AudioFrame) -> list[Samples]:
    frame.pts = None  # laid out by position, not by the resampler's idea of time
    return [
        f.to_ndarray().reshape(-1).astype(np.float32, copy=False) for f in resampler.resample(frame)
    ]
