"""What the live hearing tells the server about its media record, as a small interface.

The recording service (in ``hearing_server``) implements it; signaling never imports
recording. After every change the live hearing says which published tracks are part of
the hearing's record right now: those of people in the hearing (not waiting, not in a
private consultation), while the hearing is in session, audio only while not muted.
"""

from __future__ import annotations

from typing import Protocol

from court.states import HearingState
from signaling.media.publisher import PublishedTrack


class MediaObserver(Protocol):
    async def placed(self, hearing_id: int) -> None:
        """The hearing is now held by this process, and its media is about to start here.

        Another process may have held it before (it died, or it stopped): the recording
        service takes up what that one left before recording anything new."""

    def recordable(
        self, hearing_id: int, state: HearingState, tracks: dict[int, list[PublishedTrack]]
    ) -> None:
        """The tracks to record now, by participant id (empty outside the session)."""

    async def closed(self, hearing_id: int) -> str | None:
        """The hearing closed: finish recording (the service seals and renders from here).

        Returns the sealed record's verification code, sent to everyone with ``closed``
        (None: nothing was recorded)."""
