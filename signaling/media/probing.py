"""Padding paced out to one subscriber while a better layer is tried (`layer_choice`).

The padding makes up the difference between the layer sent and the layer tried, so that the
subscriber's receive estimate shows whether its link carries the better layer before the
forwarder moves to it. It goes out in small packets every INTERVAL, never in a burst: a burst
would fill a weak link's queue as the keyframe of a tried layer did.
"""

import asyncio
import contextlib
from collections.abc import Callable

INTERVAL = 0.02
"""Seconds between two rounds of padding."""
PADDING = 255
"""Bytes of padding per packet (the most one RTP packet's padding length can say)."""
MAX_OWED = 0.05
"""Seconds of padding owed at most (a late round does not send a burst to catch up)."""


class Prober:
    def __init__(self, send: Callable[[int], int]) -> None:
        """`send(size)` sends one packet of `size` bytes of padding and returns the bytes sent
        (0: it could not)."""
        self._send = send
        self.rate = 0
        """Bits per second of padding sent now."""
        self._task: asyncio.Task[None] | None = None

    def set_rate(self, bits_per_second: int) -> None:
        self.rate = max(0, bits_per_second)
        if self.rate and self._task is None:
            self._task = asyncio.create_task(self._run())
        elif not self.rate and self._task is not None:
            self._task.cancel()
            self._task = None

    async def stop(self) -> None:
        task, self._task, self.rate = self._task, None, 0
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        at, owed = loop.time(), 0.0
        while True:
            await asyncio.sleep(INTERVAL)
            now = loop.time()
            owed = min(owed + self.rate * (now - at) / 8, self.rate * MAX_OWED / 8)
            at = now
            while owed >= PADDING:
                sent = self._send(PADDING)
                if not sent:
                    owed = 0.0
                    break
                owed -= sent
