"""One short warning line per dropped packet, at most a few a minute, whoever sends them.

A client that sends garbage must not be able to fill the disk through the log: each line is
short (the reason, never the packet), and past ``burst`` lines in ``period`` seconds the rest
are only counted, the count told in the next line written.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

MAX_REASON = 120


class BadPacketLog:
    """Rate-limited warnings about packets the server dropped (one per server)."""

    def __init__(
        self,
        burst: int = 5,
        period: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.burst = burst
        self.period = period
        self.clock = clock
        self._window_start = float("-inf")
        self._written = 0
        self._held_back = 0
        self.dropped = 0
        """Packets dropped since start."""

    def dropped_packet(self, reason: str) -> None:
        self.dropped += 1
        now = self.clock()
        if now - self._window_start >= self.period:
            self._window_start, self._written = now, 0
        if self._written >= self.burst:
            self._held_back += 1
            return
        self._written += 1
        more, self._held_back = self._held_back, 0
        log.warning(
            "dropped a socket.io packet: %s%s",
            reason[:MAX_REASON],
            f" ({more} more dropped since the last line)" if more else "",
        )
