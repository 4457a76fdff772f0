"""Coalescing of keyframe requests (PLI) sent to a publisher.

Every subscriber that joins, switches source or reports picture loss wants a keyframe, but a
keyframe is large: asking the publisher once per subscriber makes a storm (40 subscribers gave
1-8 fps). This policy sends at most one request per `min_interval`, defers the ones that come
sooner, and asks again every `retry_interval` while someone still waits. It does no I/O: the
caller sends the PLI whenever a method returns True.

A subscriber that starts (joins, is admitted, comes back) sees nothing until a keyframe, so its
request waits only `start_interval` after the last one: deferred by the full `min_interval`, each
person of an admit-all after the first waited ~0.5 s longer for a picture. A keyframe arriving
meanwhile answers it.
"""

import time
from collections.abc import Callable

MIN_INTERVAL = 0.5
START_INTERVAL = 0.1
RETRY_INTERVAL = 1.0


class KeyframePolicy:
    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        min_interval: float = MIN_INTERVAL,
        retry_interval: float = RETRY_INTERVAL,
        start_interval: float = START_INTERVAL,
    ) -> None:
        self._clock = clock
        self._min_interval = min_interval
        self._start_interval = start_interval
        self._retry_interval = retry_interval
        self._last_sent: float | None = None
        self._deferred = False
        self._interval = min_interval
        """How long after the last request the deferred one is due."""

    def request(self, starting: bool = False) -> bool:
        """Someone wants a keyframe (`starting`: a subscriber that has no picture yet); return
        True if a request must go upstream now."""
        now = self._clock()
        interval = self._start_interval if starting else self._min_interval
        if self._last_sent is None or now - self._last_sent >= interval:
            self._last_sent = now
            self._deferred = False
            return True
        self._interval = min(interval, self._interval) if self._deferred else interval
        self._deferred = True
        return False

    def keyframe_received(self) -> None:
        """A keyframe started: requests made before it are answered."""
        self._deferred = False

    def poll(self, waiting: bool) -> bool:
        """Called periodically; `waiting` tells whether a subscriber still waits for a keyframe.

        Return True if a (deferred or repeated) request must go upstream now.
        """
        if self._last_sent is None:
            due = waiting
        else:
            elapsed = self._clock() - self._last_sent
            due = (self._deferred and elapsed >= self._interval) or (
                waiting and elapsed >= self._retry_interval
            )
        if due:
            self._last_sent = self._clock()
            self._deferred = False
        return due
