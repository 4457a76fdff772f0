"""Noticing a participant whose device froze: their media stopped while their socket stayed.

Pure: fed, at intervals, how many datagrams (RTP, RTCP, DTLS) have arrived from each
participant so far. Someone who mutes or turns their camera off still sends RTCP reports every
second or so, so only a count that stands still for ``stall_seconds`` means the far end stopped
(a phone whose browser was frozen, a terminal whose process hung).
"""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_STALL_SECONDS = 5.0


@dataclass
class MediaLiveness:
    stall_seconds: float = DEFAULT_STALL_SECONDS
    stalled: set[int] = field(default_factory=set)
    """Who is stalled now."""
    _seen: dict[int, tuple[int, float]] = field(default_factory=dict)
    """Each member's last count, and when it last changed."""

    def sample(self, member_id: int, received: int, now: float) -> bool | None:
        """Record the member's cumulative count; True when they just stalled, False when their
        packets just came back, None when nothing changed."""
        seen = self._seen.get(member_id)
        if seen is None or received != seen[0]:
            self._seen[member_id] = (received, now)
            if member_id in self.stalled:
                self.stalled.discard(member_id)
                return False
            return None
        if member_id not in self.stalled and now - seen[1] >= self.stall_seconds:
            self.stalled.add(member_id)
            return True
        return None

    def forget(self, member_id: int) -> None:
        self._seen.pop(member_id, None)
        self.stalled.discard(member_id)
