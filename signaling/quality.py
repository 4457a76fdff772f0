"""Judging a participant's connection from the packets their publications lose.

Pure: fed cumulative (expected, received) counts at intervals; says when the bench should
hear about a poor connection, at most once per quiet period per participant.
"""

from __future__ import annotations

from dataclasses import dataclass, field

POOR_LOSS = 0.08
"""Fraction of media packets lost in an interval above which a connection counts as poor."""
MIN_PACKETS = 50
"""Fewer packets than this in an interval say nothing either way."""
ALERT_EVERY_SECONDS = 30.0


@dataclass
class ConnectionQuality:
    _last: dict[int, tuple[int, int]] = field(default_factory=dict)
    _alerted_at: dict[int, float] = field(default_factory=dict)

    def sample(self, member_id: int, expected: int, received: int, now: float) -> float | None:
        """Record the member's cumulative counts; return the interval's loss if it deserves an alert."""
        before = self._last.get(member_id)
        self._last[member_id] = (expected, received)
        if before is None:
            return None
        interval_expected, interval_received = expected - before[0], received - before[1]
        if interval_expected < MIN_PACKETS:
            return None
        loss = max(0.0, 1 - interval_received / interval_expected)
        if loss < POOR_LOSS:
            return None
        last_alert = self._alerted_at.get(member_id)
        if last_alert is not None and now - last_alert < ALERT_EVERY_SECONDS:
            return None
        self._alerted_at[member_id] = now
        return loss

    def forget(self, member_id: int) -> None:
        self._last.pop(member_id, None)
