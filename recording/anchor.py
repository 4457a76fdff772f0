"""A track's wall-clock anchor: which RTP timestamp was heard at which wall-clock time.

Every segment's presentation times count media time since its anchor, so
`wall_clock(pts) = anchor.wall_clock + pts` (seconds) for any track, which is how the renderer
lines up the tracks of a hearing. The anchor is the arrival time of the first recorded frame;
RTP time then drives the mapping, and the recorder re-anchors (in a new segment) if arrival and
RTP time drift apart by more than a threshold: a publisher that restarts its timestamps, or a
sender clock that runs fast.
"""

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Anchor:
    wall_clock: float
    """UNIX seconds at which `rtp_timestamp` arrived."""
    rtp_timestamp: int
    clock_rate: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Anchor":
        return cls(float(data["wall_clock"]), int(data["rtp_timestamp"]), int(data["clock_rate"]))


class MediaClock:
    """Maps 32-bit RTP timestamps, which wrap, to clock ticks since the anchor."""

    def __init__(self, anchor: Anchor) -> None:
        self.anchor = anchor
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
