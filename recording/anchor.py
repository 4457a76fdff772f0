"""A track's wall-clock anchor: which RTP timestamp was heard at which wall-clock time.

Every segment's presentation times count media time since its anchor, so
`wall_clock(pts) = anchor.wall_clock + pts` (seconds) for any track, which is how the renderer
lines up the tracks of a hearing. The anchor is the arrival time of the first recorded frame;
RTP time then drives the mapping, and the recorder re-anchors (in a new segment) if arrival and
RTP time drift apart by more than a threshold: a publisher that restarts its timestamps, or a
sender clock that runs fast.

Arrival times carry network jitter, and a publisher's audio and video may start at different
moments: two tracks anchored on arrival can be off by the jitter of their first frames. Once
the publisher's RTCP sender reports (which map its RTP timestamps to its own NTP clock) come
in, the anchor is taken from them instead: every track of one publisher shares one
`SenderClock`, the offset between that publisher's NTP clock and ours, so its audio and video
line up as the publisher captured them.
"""

from dataclasses import asdict, dataclass
from typing import Any

NTP_FRACTION = 1 << 32


def ntp_seconds(ntp_timestamp: int) -> float:
    """A 64-bit NTP timestamp (seconds since 1900, 32.32 fixed point) in seconds."""
    return ntp_timestamp / NTP_FRACTION


MAX_OFFSET_STEP = 2.0
"""A report claiming this much less delay than the best so far is a clock jump, not a faster
network: it is not believed."""


class SenderClock:
    """One publisher's NTP clock on our wall-clock, shared by all its tracks' recorders.

    The offset is `arrival - ntp` of the least delayed sender report seen so far (each report's
    own delay only ever adds to it, so the smallest is the truest, as NTP's minimum filter):
    a report delayed by a busy machine never pushes the publisher's media later than it was
    heard. Every track maps through the same offset, so its error moves the publisher's tracks
    together and never apart; recorders keep the earliest anchor it gives them."""

    def __init__(self) -> None:
        self.offset: float | None = None

    def wall_clock(self, ntp: float, arrival: float) -> float:
        """Our wall-clock for the publisher's NTP time `ntp`, in a report that came in at
        `arrival` (our wall-clock)."""
        offset = arrival - ntp
        if self.offset is None or self.offset - MAX_OFFSET_STEP <= offset < self.offset:
            self.offset = offset
        return ntp + self.offset


@dataclass(frozen=True, slots=True)
class Anchor:
    wall_clock: float
    """UNIX seconds at which `rtp_timestamp` arrived."""
    rtp_timestamp: int
    clock_rate: int
    source: str = "arrival"
    """How `wall_clock` was found: "arrival" of the first frame, or "rtcp" sender reports."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Anchor":
        return cls(
            float(data["wall_clock"]),
            int(data["rtp_timestamp"]),
            int(data["clock_rate"]),
            str(data.get("source", "arrival")),
        )


def rtp_difference(later: int, earlier: int) -> int:
    """`later - earlier` for 32-bit RTP timestamps that may have wrapped (within ±2^31)."""
    delta = (later - earlier) & 0xFFFFFFFF
    return delta - 0x100000000 if delta >= 0x80000000 else delta


class MediaClock:
    """Maps 32-bit RTP timestamps, which wrap, to clock ticks since the anchor."""

    def __init__(self, anchor: Anchor) -> None:
        self.anchor = anchor
        """Its `wall_clock` may be refined later (sender reports); its RTP timestamp stays."""
        self._last = 0
        """Ticks since the anchor of the latest timestamp seen (the unwrapping reference)."""

    def ticks(self, rtp_timestamp: int) -> int:
        delta = (rtp_timestamp - self.anchor.rtp_timestamp - self._last) & 0xFFFFFFFF
        if delta >= 0x80000000:
            delta -= 0x100000000
        ticks = self._last + delta
        self._last = max(self._last, ticks)
        return ticks

    def wall_clock(self, ticks: int) -> float:
        return self.anchor.wall_clock + ticks / self.anchor.clock_rate
