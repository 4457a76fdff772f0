"""A cap on what is retransmitted to one subscriber: pure logic, no I/O.

A subscriber on a weak link NACKs what it lost, and NACKs it again each round trip while
the answer is queued or lost too: answering every NACK sent one weak party three times its
link's rate in retransmissions alone, which only deepened the congestion. Retransmissions to
a subscriber therefore draw on a token bucket refilled at a share of its receive estimate,
shared by all the streams sent to it (as the link is); a NACK the bucket cannot answer is
dropped, and the subscriber asks for a keyframe if the gap matters.
"""

import time
from collections.abc import Callable

SHARE = 0.25
"""The fraction of the subscriber's estimate retransmissions may use: a link losing a few
percent needs a few percent for them; a quarter leaves room for a burst of loss while the
media itself keeps the bulk of the link."""
BURST_SECONDS = 1.0
"""The bucket holds this many seconds of its rate (a burst of loss is answered at once)."""
STARTING_ESTIMATE = 300_000
"""Bits per second assumed until the subscriber's first estimate (a browser's start rate)."""


class RetransmissionBudget:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._rate = 0.0
        """Bytes per second."""
        self._capacity = 0.0
        self.set_estimate(None)
        self._tokens = self._capacity
        self._at = clock()
        self.refused = 0
        """Retransmissions not sent for want of budget."""

    def set_estimate(self, bits_per_second: int | None) -> None:
        """The subscriber's latest receive estimate (None: none yet)."""
        estimate = STARTING_ESTIMATE if bits_per_second is None else bits_per_second
        self._rate = estimate * SHARE / 8
        self._capacity = self._rate * BURST_SECONDS

    def allows(self) -> bool:
        """Whether one more retransmission may be sent now (counted as refused if not)."""
        now = self._clock()
        self._tokens = min(self._capacity, self._tokens + (now - self._at) * self._rate)
        self._at = now
        if self._tokens > 0:
            return True
        self.refused += 1
        return False

    def spend(self, size: int) -> None:
        """A retransmission of `size` bytes was sent (the bucket may go below empty by one
        packet: that is paid back before the next)."""
        self._tokens -= size
