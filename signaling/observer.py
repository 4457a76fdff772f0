"""What the live hearing tells the server about its media record, as a small interface.

The recording service (in ``hearing_server``) implements it; signaling never imports
recording. After every change the live hearing says which published tracks are part of
the hearing's record right now: those of people in the hearing (not waiting, not in a
private consultation), while the hearing is in session, audio only while not muted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

from court.states import HearingState
from signaling.media.publisher import Subscriber


class TrackCodec(Protocol):
    """The codec a track is sent with, as far as a recorder needs it."""

    @property
    def mimeType(self) -> str: ...

    @property
    def clockRate(self) -> int: ...


class RecordableTrack(Protocol):
    """What the recording service uses of a published track (`signaling.media`'s
    `PublishedTrack` is one): a recorder is attached to it like any other subscriber."""

    @property
    def id(self) -> str: ...

    @property
    def kind(self) -> str: ...

    @property
    def codec(self) -> TrackCodec: ...

    def attach(self, subscriber: Subscriber) -> None: ...

    def detach(self, subscriber: Subscriber) -> None: ...

    async def request_keyframe(self) -> None: ...

    def on_sender_report(self, callback: Callable[[int, int, int], None]) -> None:
        """`callback(ssrc, ntp_timestamp, rtp_timestamp)` for each RTCP sender report."""

    def on_ended(self, callback: Callable[[], None]) -> None: ...


class MediaObserver(Protocol):
    async def placed(self, hearing_id: int) -> None:
        """The hearing is now held by this process, and its media is about to start here.

        Another process may have held it before (it died, or it stopped): the recording
        service takes up what that one left before recording anything new."""

    def recordable(
        self,
        hearing_id: int,
        state: HearingState,
        tracks: Mapping[int, Sequence[RecordableTrack]],
        screens: frozenset[str] = frozenset(),
    ) -> None:
        """The tracks to record now, by participant id (empty outside the session); ``screens``:
        the ids of those that are a shared screen rather than a camera."""

    async def closed(self, hearing_id: int) -> str | None:
        """The hearing closed: finish recording (the service seals and renders from here).

        Returns the sealed record's verification code, sent to everyone with ``closed``
        (None: nothing was recorded)."""
