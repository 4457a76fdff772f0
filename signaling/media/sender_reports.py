"""The RTCP sender reports of everything sent to one participant, sent together.

aiortc runs a task per sender that wakes every 0.5-1.5 s to send its stream's report (SR and
SDES) as an SRTCP packet of its own: a participant receiving ten streams had ten tasks waking
apart, each finding its code and data out of the processor's caches. Here one task per
participant sends, every `INTERVAL` randomised by half either way (as aiortc, after RFC 3550,
6.2), the reports of all its streams whose sender runs, in as few compound packets as fit
`MAX_DATAGRAM` bytes (each packet starts with a sender report, as RFC 3550 asks).
"""

import asyncio
import contextlib
import random
from collections.abc import Iterable, Iterator, Sequence

from .subscriber import Subscription
from .transport import MAX_BACKLOG, RtpSendPath

INTERVAL = 1.0
"""Seconds between two rounds of reports, on average."""
MAX_DATAGRAM = 1200
"""Bytes of reports in one compound packet at most (below a path's MTU with SRTCP's trailer)."""


class SenderReports:
    """Sends the sender reports of a participant's subscriptions (see the module docstring)."""

    def __init__(self, subscriptions: Sequence[Subscription]) -> None:
        """`subscriptions`: the participant's, read at each round (the session's own list)."""
        self._subscriptions = subscriptions
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(INTERVAL * (0.5 + random.random()))
            self.send_now()

    def send_now(self) -> int:
        """Send one round of reports; how many streams were reported."""
        rounds: dict[RtpSendPath, list[bytes]] = {}
        for subscription in self._subscriptions:
            report = subscription.sender_report()
            if report is not None:
                rounds.setdefault(subscription.send_path, []).append(report)
        for path, reports in rounds.items():
            for datagram in compound(reports):
                path.send_rtcp(datagram, MAX_BACKLOG)
        return sum(len(reports) for reports in rounds.values())


def compound(reports: Iterable[bytes], limit: int = MAX_DATAGRAM) -> Iterator[bytes]:
    """`reports` joined into compound packets of at most `limit` bytes, in order (a report
    longer than that alone)."""
    batch: list[bytes] = []
    size = 0
    for report in reports:
        if batch and size + len(report) > limit:
            yield b"".join(batch)
            batch, size = [], 0
        batch.append(report)
        size += len(report)
    if batch:
        yield b"".join(batch)
