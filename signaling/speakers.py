"""Who is speaking, from the RFC 6464 audio levels publishers put in their RTP headers.

No decoding: aiortc negotiates the audio-level header extension and browsers fill it in.
Pure logic with the clock passed in, so it can be tested without media.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SPEAKING_LEVEL = 50
"""-dBov at or below which a voice-flagged level counts as speech (0 is loudest, 127 silence)."""
HOLD_SECONDS = 1.5
"""A new speaker must out-talk the current one for a moment: no flapping on a cough."""
STALE_SECONDS = 0.5
"""A level older than this means the publisher stopped sending audio (muted or gone)."""


@dataclass
class ActiveSpeakers:
    """The current speaker and the recent speakers, most recent first."""

    current: int | None = None
    recent: list[int] = field(default_factory=list)
    _since: dict[int, float] = field(default_factory=dict)

    def update(self, levels: dict[int, tuple[int, bool, float]], now: float) -> bool:
        """Take each member's latest (level, voice, measured at); True if the speaker changed."""
        speaking = {
            member_id
            for member_id, (level, voice, at) in levels.items()
            if voice and level <= SPEAKING_LEVEL and now - at <= STALE_SECONDS
        }
        for member_id in list(self._since):
            if member_id not in speaking:
                del self._since[member_id]
        for member_id in speaking:
            self._since.setdefault(member_id, now)
        if self.current in speaking or not speaking:
            return False
        # The longest continuous speaker takes over once they have held the floor long enough,
        # or at once if nobody is speaking now.
        candidate = min(speaking, key=lambda m: self._since[m])
        if self.current is not None and now - self._since[candidate] < HOLD_SECONDS:
            return False
        self.current = candidate
        if candidate in self.recent:
            self.recent.remove(candidate)
        self.recent.insert(0, candidate)
        return True

    def forget(self, member_id: int) -> None:
        self._since.pop(member_id, None)
        if member_id in self.recent:
            self.recent.remove(member_id)
        if self.current == member_id:
            self.current = None

    def last(self, n: int) -> list[int]:
        return self.recent[:n]
