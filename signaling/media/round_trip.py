"""The round trip to one subscriber, from its receiver reports of the sender reports sent to
it, and the queueing it shows: pure logic, no I/O.

A link toward a subscriber that is sent more than it carries either drops what does not fit
(the loss its receiver reports say) or queues it: a mobile network's long buffers hold packets
for seconds rather than drop them, so nothing is lost while the subscriber hears the hearing
later and later. The round trip then grows with the queue. What it is above its lowest of the
last BASE_WINDOW seconds is the queue (a route's own delay is in the lowest); `allocation`
treats a queue over its QUEUEING as it treats heavy loss.

A receiver report names the last sender report it received by the middle 32 bits of its NTP
time (`lsr`) and how long it held it (`dlsr`, in 1/65536 s): the round trip is the time since
that report was sent, less the hold. The reports of the last KEEP are remembered, so a report
answered after the next was sent (a queue longer than the reports' interval) still counts. A
sender report's NTP time is when the stream's newest packet went out (`transport`), so a
paused stream's reports all bear the same one: a report naming it is ambiguous, and passed
over.
"""

from collections import deque
from collections.abc import Iterable

KEEP = 16
"""Sender reports remembered (aiortc sends one every 0.5-1.5 s)."""
BASE_WINDOW = 30.0
"""Seconds over which the lowest round trip is the link's own."""
STALE = 5.0
"""Seconds after which a measurement says nothing of the queue now (a paused stream's
reports give none; a link whose reports stopped must not keep its video paused for ever)."""


class RoundTrip:
    def __init__(self) -> None:
        self._sent: deque[tuple[int, float | None]] = deque(maxlen=KEEP)
        """Per sender report, the middle of its NTP time and when it was sent (None: sent
        more than once)."""
        self._samples: deque[tuple[float, float]] = deque()
        self.latest: float | None = None
        """Seconds of the last round trip measured..."""
        self.latest_at: float | None = None
        """...and when (monotonic seconds)."""

    def sent(self, ntp_timestamp: int, now: float) -> None:
        """A sender report with this 64-bit NTP time went out at `now` (monotonic seconds)."""
        middle = (ntp_timestamp >> 16) & 0xFFFFFFFF
        for i, (earlier, _) in enumerate(self._sent):
            if earlier == middle:
                self._sent[i] = (middle, None)
                return
        self._sent.append((middle, now))

    def report(self, lsr: int, dlsr: int, now: float) -> None:
        """A receiver report block about the stream arrived at `now`."""
        if not lsr:
            return  # no sender report received yet
        sent_at = next((at for middle, at in self._sent if middle == lsr), None)
        if sent_at is None:
            return  # not one of ours, too old, or ambiguous
        rtt = max(0.0, now - sent_at - dlsr / 65536)
        self.latest, self.latest_at = rtt, now
        # the samples that may yet be the lowest of a window: ascending in time and in value
        samples = self._samples
        while samples and samples[-1][1] >= rtt:
            samples.pop()
        samples.append((now, rtt))
        while now - samples[0][0] > BASE_WINDOW:
            samples.popleft()

    @property
    def queueing(self) -> float:
        """Seconds the last round trip is above the lowest of the last BASE_WINDOW."""
        if self.latest is None or not self._samples:
            return 0.0
        return self.latest - self._samples[0][1]


def link_queueing(trips: Iterable[RoundTrip], now: float) -> float:
    """The queue of the link that carries all of `trips` (one subscriber's streams): what the
    freshest of them measured, 0 if none did within STALE seconds."""
    fresh = [t for t in trips if t.latest_at is not None and now - t.latest_at <= STALE]
    if not fresh:
        return 0.0
    return max(fresh, key=lambda t: t.latest_at or 0.0).queueing
