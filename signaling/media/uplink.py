"""A publisher's uplink estimate: aiortc's receive-side estimator (abs-send-time, as REMB's),
with two of its parts replaced by equivalents whose cost does not grow with the time between
calls.

aiortc's `RateCounter` keeps one bucket per millisecond of its 1-s window and walks, at each
call, every millisecond since the last (~33 between two frames, and it is called three times per
frame); `OveruseEstimator.update_min_frame_period` walks its last 60 deltas in Python. Fed once
a frame per publisher, the estimator cost ~29 us a call (12 with these), more than forwarding a
packet to a few subscribers. `WindowRate` keeps one entry per call instead, and the minimum is
taken by `min` over a bounded deque. Both give aiortc's figures: tests/unit/test_uplink.py
compares them, and the whole estimator, call for call on random input.
"""

from collections import deque

from aiortc.rate import MIN_FRAME_PERIOD_HISTORY_LENGTH, RemoteBitrateEstimator


class WindowRate:
    """aiortc's `RateCounter(window_ms, scale)` (add, rate, reset), for times that never go
    back: what was added in the last `window_ms` milliseconds, times `scale` over the span
    covered (the window, or less since the first value)."""

    def __init__(self, window_ms: int = 1000, scale: int = 8000) -> None:
        self._window = window_ms
        self._scale = scale
        self._values: deque[tuple[int, int]] = deque()
        """(millisecond, value) of each add in the window, oldest first."""
        self._origin: int | None = None
        """The window's first millisecond (that of the first value, until it slides)."""
        self._count = 0
        self._total = 0

    def add(self, value: int, now_ms: int) -> None:
        if self._origin is None:
            self._origin = now_ms
        else:
            self._slide(now_ms)
        self._values.append((now_ms, value))
        self._count += 1
        self._total += value

    def rate(self, now_ms: int) -> int | None:
        if self._origin is None:
            return None
        self._slide(now_ms)
        span = now_ms - self._origin + 1
        if self._count > 0 and span > 1:
            return round(self._scale * self._total / span)
        return None

    def reset(self) -> None:
        self._values.clear()
        self._origin = None
        self._count = 0
        self._total = 0

    def _slide(self, now_ms: int) -> None:
        assert self._origin is not None
        origin = now_ms - self._window + 1
        if origin <= self._origin:
            return
        self._origin = origin
        values = self._values
        while values and values[0][0] < origin:
            self._count -= 1
            self._total -= values.popleft()[1]


class MinFramePeriod:
    """aiortc's `OveruseEstimator.update_min_frame_period`: the smallest of a delta and the
    deltas before it, of the last `MIN_FRAME_PERIOD_HISTORY_LENGTH` kept."""

    def __init__(self) -> None:
        self._deltas: deque[float] = deque(maxlen=MIN_FRAME_PERIOD_HISTORY_LENGTH - 1)

    def __call__(self, ts_delta: float) -> float:
        smallest = min(ts_delta, min(self._deltas)) if self._deltas else ts_delta
        self._deltas.append(ts_delta)
        return smallest


def uplink_estimator() -> RemoteBitrateEstimator:
    """aiortc's estimator with `WindowRate` and `MinFramePeriod` in place of its own."""
    estimator = RemoteBitrateEstimator()
    estimator.incoming_bitrate = WindowRate()  # type: ignore[assignment]
    estimator.estimator.update_min_frame_period = MinFramePeriod()  # type: ignore[method-assign]
    return estimator
