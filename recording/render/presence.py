"""What a tile without a picture says: why that participant shows no camera at a given
wall-clock instant. A party who joined with the microphone only is present (camera off), not
"not connected"; a party sent back is in the waiting room; a tile whose camera is about to
show is connecting.

The hearing's own log of presence (admitted, sent back, left...) decides where it is known;
the recorded media decide the rest.
"""

import bisect
from collections.abc import Sequence
from enum import Enum

from .plan import Participant, PresenceChange, SegmentRef

CONNECTING_SECONDS = 3.0
"""A camera whose first picture comes within this long (or came this long ago, still not
decoded) is "connecting" rather than "camera off"."""


class Absence(Enum):
    """Why a tile shows no picture; the value is its words (Chinese, English)."""

    CONNECTING = ("正在连接", "Connecting")
    CAMERA_OFF = ("在线 · 未开摄像头", "Present, camera off")
    WAITING = ("在候审室", "In the waiting room")
    CONSULTING = ("私下沟通中", "In a private consultation")
    RECONNECTING = ("正在重新连接", "Reconnecting")
    NOT_CONNECTED = ("不在线", "Not connected")


_BY_PRESENCE = {
    "joining": Absence.CONNECTING,
    "waiting": Absence.WAITING,
    "in_consultation": Absence.CONSULTING,
    "reconnecting": Absence.RECONNECTING,
    "invited": Absence.NOT_CONNECTED,
    "left": Absence.NOT_CONNECTED,
    "removed": Absence.NOT_CONNECTED,
}
"""Presences that say it all; "in_hearing" (or none logged) is told apart by the media."""


class Whereabouts:
    """One participant's presence over the session, asked in any order."""

    def __init__(self, person: Participant, changes: Sequence[PresenceChange]) -> None:
        own = sorted(
            (c for c in changes if c.participant_id == person.participant_id), key=lambda c: c.at
        )
        self._times = [c.at for c in own]
        self._presence = [c.presence for c in own]
        self._video = person.video
        self._audio = person.audio

    def presence_at(self, wall: float) -> str | None:
        """The last presence logged at or before `wall`; None if none was."""
        index = bisect.bisect_right(self._times, wall) - 1
        return self._presence[index] if index >= 0 else None

    def period(self, wall: float) -> tuple[float, float | None] | None:
        """When the presence logged at `wall` began and ended (None: it had not ended when the
        session did); None if none was logged."""
        index = bisect.bisect_right(self._times, wall) - 1
        if index < 0:
            return None
        ends = index + 1 < len(self._times)
        return self._times[index], self._times[index + 1] if ends else None

    def absence(self, wall: float) -> Absence:
        """Why there is no picture at `wall`."""
        presence = self.presence_at(wall)
        if presence in _BY_PRESENCE:
            return _BY_PRESENCE[presence]
        if any(abs(s.start - wall) <= CONNECTING_SECONDS for s in self._video):
            return Absence.CONNECTING
        if presence == "in_hearing" or _covers(self._audio, wall):
            return Absence.CAMERA_OFF
        if any(0 <= s.start - wall <= CONNECTING_SECONDS for s in self._audio):
            return Absence.CONNECTING
        return Absence.NOT_CONNECTED


def _covers(segments: Sequence[SegmentRef], wall: float) -> bool:
    return any(s.start <= wall <= s.end for s in segments)
