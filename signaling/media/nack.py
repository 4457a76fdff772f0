"""Which sequence numbers of an incoming stream to NACK upstream, and when to ask again.

aiortc's own receiver NACKs a gap once; if the retransmission is lost too the packet is never
asked for again. This tracker re-asks every `retry_interval`, at most `max_retries` times, and
forgets packets too old to matter. It does no I/O.
"""

import time
from collections.abc import Callable

RETRY_INTERVAL = 0.15
MAX_RETRIES = 4
MAX_AGE = 1024
"""Missing packets further than this behind the newest are given up (beyond any history)."""
MAX_JUMP = 1024
"""A forward jump larger than this is a stream restart, not loss."""


def seq_delta(a: int, b: int) -> int:
    """Signed distance from RTP sequence number `b` to `a`, in -32768..32767."""
    return ((a - b + 0x8000) & 0xFFFF) - 0x8000


class NackTracker:
    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        retry_interval: float = RETRY_INTERVAL,
        max_retries: int = MAX_RETRIES,
    ) -> None:
        self._clock = clock
        self._retry_interval = retry_interval
        self._max_retries = max_retries
        self._highest: int | None = None
        # sequence number -> (time last asked, times asked)
        self._missing: dict[int, tuple[float, int]] = {}

    def add(self, sequence_number: int) -> list[int]:
        """Record a received packet; return the sequence numbers newly found missing."""
        if self._highest is None:
            self._highest = sequence_number
            return []
        delta = seq_delta(sequence_number, self._highest)
        if delta == 1:  # the common case: the next packet, nothing lost
            self._highest = sequence_number
            if self._missing:
                self._forget_old()
            return []
        if delta <= 0:
            self._missing.pop(sequence_number, None)
            return []
        if delta > MAX_JUMP:
            self._missing.clear()
            self._highest = sequence_number
            return []
        now = self._clock()
        lost = [(self._highest + i) & 0xFFFF for i in range(1, delta)]
        for seq in lost:
            self._missing[seq] = (now, 1)
        self._highest = sequence_number
        self._forget_old()
        return lost

    def due(self) -> list[int]:
        """Return the missing sequence numbers to ask for again now."""
        now = self._clock()
        again: list[int] = []
        for seq, (asked, count) in list(self._missing.items()):
            if now - asked < self._retry_interval:
                continue
            if count >= self._max_retries:
                del self._missing[seq]
            else:
                self._missing[seq] = (now, count + 1)
                again.append(seq)
        return again

    def _forget_old(self) -> None:
        assert self._highest is not None
        highest = self._highest
        for seq in [s for s in self._missing if seq_delta(highest, s) > MAX_AGE]:
            del self._missing[seq]
