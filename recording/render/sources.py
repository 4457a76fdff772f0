"""A participant's recorded media, read back on the wall clock.

`VideoSource` answers "which picture was showing at wall-clock T?" for increasing T, decoding
its segments in order (each starts at a keyframe, so any segment can be opened on its own).
`AudioSource` returns the samples heard over a wall-clock span. A segment cut short by a crash
decodes up to where it was cut; a damaged file ends where the damage starts.
"""

import bisect
import logging
from collections import OrderedDict
from collections.abc import Iterator, Sequence

import av
import numpy as np
import numpy.typing as npt
from av import AudioFrame, VideoFrame

from .plan import AUDIO_RATE, SegmentRef

logger = logging.getLogger(__name__)

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
        self._container: av.container.InputContainer | None = None
        self._frames: Iterator[VideoFrame] = iter(())
        self._current: VideoFrame | None = None
        self._next: tuple[float, VideoFrame] | None = None

    def add(self, segment: SegmentRef) -> None:
        """A segment closed since (a live broadcast reads a recording as it grows): one that
        starts before the segment being read is too late to be shown."""
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
        try:
            self._container = av.open(str(segment.path))
            self._frames = self._container.decode(video=0)
        except (av.error.FFmpegError, OSError) as error:
            logger.warning("cannot read %s: %s", segment.path, error)
        self._next = self._pull(segment)

    def _pull(self, segment: SegmentRef) -> tuple[float, VideoFrame] | None:
        try:
            for frame in self._frames:
                if frame.time is not None:
                    return segment.anchor.wall_clock + frame.time, frame
        except av.error.FFmpegError as error:
            logger.warning("%s ends early: %s", segment.path, error)
        return None

    def _close(self) -> None:
        if self._container is not None:
            self._container.close()
        self._open = self._container = self._next = self._current = None
        self._frames = iter(())


class AudioSource:
    def __init__(self, segments: Sequence[SegmentRef]) -> None:
        self._segments = sorted(segments, key=lambda s: s.start)
        self._decoded: OrderedDict[SegmentRef, tuple[float, Samples]] = OrderedDict()

    def add(self, segment: SegmentRef) -> None:
        """A segment closed since (a live broadcast reads a recording as it grows)."""
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
        for segment in self._segments:
            if segment.end <= wall or segment.start >= end:
                continue
            first, samples = self._decode(segment)
            offset = round((first - wall) * AUDIO_RATE)
            lo, hi = max(0, offset), min(count, offset + len(samples))
            if hi > lo:
                out[lo:hi] += samples[lo - offset : hi - offset]
        return out

    def _decode(self, segment: SegmentRef) -> tuple[float, Samples]:
        """The segment's samples laid end to end, and the wall-clock of the first."""
        if segment in self._decoded:
            self._decoded.move_to_end(segment)
            return self._decoded[segment]
        line = SoundLine(segment.start)
        try:
            with av.open(str(segment.path)) as container:
                for frame in container.decode(audio=0):
                    at = None if frame.time is None else segment.anchor.wall_clock + frame.time
                    line.add(frame, at)
        except (av.error.FFmpegError, OSError) as error:
            logger.warning("%s ends early: %s", segment.path, error)
        result = line.result()
        self._decoded[segment] = result
        if len(self._decoded) > DECODED_SEGMENTS:
            self._decoded.popitem(last=False)
        return result


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
