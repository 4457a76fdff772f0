"""Whose tile is emphasised in each frame: from the active-speaker changes the live session
logged, or else the participant whose audio was loudest over the last half second.

The loudness rule has no memory beyond its window, so any chunk of the archive can be drawn on
its own and still agree with its neighbours at the seams.
"""

import bisect
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from .plan import AUDIO_RATE, SpeakerChange

WINDOW = 0.5
THRESHOLD = 0.01
"""RMS (of full scale) below which nobody counts as speaking: about -40 dBFS."""

Levels = npt.NDArray[np.float64]


def logged_speakers(
    changes: Sequence[SpeakerChange], walls: Sequence[float | None], ids: Sequence[str]
) -> list[int | None]:
    """Tile index of the logged speaker at each frame's wall-clock (None: none, or a card)."""
    ordered = sorted(changes, key=lambda c: c.at)
    times = [c.at for c in ordered]
    index = {pid: i for i, pid in enumerate(ids)}
    result: list[int | None] = []
    for wall in walls:
        at = -1 if wall is None else bisect.bisect_right(times, wall) - 1
        pid = ordered[at].participant_id if at >= 0 else None
        result.append(index.get(pid) if pid is not None else None)
    return result


def window_rms(samples: npt.NDArray[np.float32], lookback: int, per_frame: int) -> Levels:
    """One participant's RMS over the `WINDOW` before the end of each frame.

    `samples` holds `lookback` samples before the first frame, then `per_frame` per frame.
    """
    window = round(WINDOW * AUDIO_RATE)
    energy = np.concatenate([[0.0], np.cumsum(samples.astype(np.float64) ** 2)])
    ends = np.arange(lookback + per_frame, len(samples) + 1, per_frame)
    starts = np.maximum(ends - window, 0)
    rms: Levels = np.sqrt((energy[ends] - energy[starts]) / np.maximum(ends - starts, 1))
    return rms


def loudest(levels: Sequence[Levels], frames: int) -> list[int | None]:
    """Tile index of the loudest participant in each frame, from each one's `window_rms`."""
    if not levels:
        return [None] * frames
    stacked = np.stack(levels)
    best = stacked.argmax(axis=0)
    loud = stacked.max(axis=0) >= THRESHOLD
    return [int(b) if ok else None for b, ok in zip(best, loud, strict=True)]
