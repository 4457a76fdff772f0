"""A publisher's uplink estimate: aiortc's receive-side estimator (abs-send-time, as REMB's),
fed once a frame and in batches (`UplinkEstimate`), with two of its parts replaced by
equivalents whose cost does not grow with the time between calls.

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


UPLINK_GROUP = 1311
"""5 ms in abs-send-time units (2^-18 s): the estimator takes packets sent within 5 ms of a
group's first as one group (aiortc's `InterArrival`), so a frame's last packet sent that soon
after the one last fed (a simulcast frame's other layers) is not fed apart; its bytes go with
the next one fed."""
UPLINK_BATCH = 64
"""Frames' arrivals kept for the estimator at most (two seconds' worth at 30 fps; it is fed
at each REMB, every second)."""


class UplinkEstimate:
    """The estimate of one publisher's uplink, from the arrival of its packets.

    The receive path reads abs-send-time from a frame's last packet only, so the estimator is
    fed once a frame (all of a simulcast frame's layers together, `UPLINK_GROUP`) with the
    bytes of every packet since. And it is fed in batches: when the estimate is read (each
    REMB) or when `UPLINK_BATCH` frames wait. It takes each arrival's time with it, so its
    estimate is the same as if fed at once; but fed once a frame, between everything else the
    server does, its code and state were out of the processor's caches at each call, which
    then cost ~50 us instead of ~8.
    """

    def __init__(self) -> None:
        self._estimator = uplink_estimator()
        self._bitrate: int | None = None
        self._arrivals: list[tuple[int, int, int, int]] = []
        """(arrival ms, abs-send-time, bytes, SSRC) of each frame not fed yet."""
        self._bytes = 0
        """Received since the last frame kept."""
        self._fed: int | None = None
        """The abs-send-time of the last frame kept."""

    @property
    def bitrate(self) -> int | None:
        """The estimate, in bits per second (None until the estimator has one)."""
        self._feed()
        return self._bitrate

    def received(self, size: int, sent_at: int | None, now: float, ssrc: int) -> None:
        """A packet of `size` bytes arrived at `now` (seconds), with the abs-send-time
        `sent_at` if it ends a frame."""
        self._bytes += size
        fed = self._fed
        if sent_at is not None and (fed is None or (sent_at - fed) & 0xFFFFFF >= UPLINK_GROUP):
            self._fed = sent_at
            arrivals = self._arrivals
            arrivals.append((int(now * 1000), sent_at, self._bytes, ssrc))
            self._bytes = 0
            if len(arrivals) >= UPLINK_BATCH:
                self._feed()

    def _feed(self) -> None:
        for arrival_ms, sent_at, size, ssrc in self._arrivals:
            estimate = self._estimator.add(arrival_ms, sent_at, size, ssrc)
            if estimate is not None:
                self._bitrate = estimate[0]
        self._arrivals.clear()
