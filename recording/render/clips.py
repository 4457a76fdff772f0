"""The sound of audio and video exhibits played in the hearing, read back on the wall clock like
a participant's (`sources.AudioSource`): where a clip played from position p at wall-clock t,
wall-clock w hears the clip at p + (w - t). Only the stretch a chunk needs is decoded (a seek,
then frames to its end), so a long recording costs no more than the minutes it played.
"""

import logging
from pathlib import Path

import av
import numpy as np

from .plan import AUDIO_RATE, Clip
from .sources import Samples

logger = logging.getLogger(__name__)


class ClipSource:
    def __init__(self, clip: Clip) -> None:
        self._clip = clip

    def read(self, wall: float, count: int) -> Samples:
        """`count` mono samples at 48 kHz from wall-clock `wall`: silence where it did not
        play."""
        out = np.zeros(count, np.float32)
        end = wall + count / AUDIO_RATE
        for play in self._clip.plays:
            lo, hi = max(wall, play.start), min(end, play.end)
            first = round((lo - wall) * AUDIO_RATE)
            length = min(count, round((hi - wall) * AUDIO_RATE)) - first
            if length > 0:
                position = play.position + lo - play.start
                out[first : first + length] += clip_samples(self._clip.path, position, length)
        return out


def clip_samples(path: Path, position: float, count: int) -> Samples:
    """`count` samples of the file's sound from `position` seconds; silence where it has none
    (no sound track, past its end, unreadable)."""
    out = np.zeros(count, np.float32)
    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                return out
            stream = container.streams.audio[0]
            if stream.time_base is not None and position > 0:
                container.seek(int(position / stream.time_base), stream=stream)
            resampler = av.AudioResampler(format="flt", layout="mono", rate=AUDIO_RATE)
            at: int | None = None  # where the next decoded sample goes in `out`
            for frame in container.decode(stream):
                if at is None:
                    began = frame.time if frame.time is not None else 0.0
                    at = round((began - position) * AUDIO_RATE)
                frame.pts = None  # laid out by position, as `sources` does
                for piece in resampler.resample(frame):
                    samples = piece.to_ndarray().reshape(-1).astype(np.float32, copy=False)
                    lo, hi = max(at, 0), min(at + len(samples), count)
                    if hi > lo:
                        out[lo:hi] = samples[lo - at : hi - at]
                    at += len(samples)
                if at >= count:
                    break
    except (av.error.FFmpegError, OSError) as error:
        logger.warning("cannot play %s into the archive: %s", path, error)
    return out
