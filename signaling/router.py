"""Who receives which published track: the media router keeps every member's subscriptions
equal to what the room allows, and changes them as the room changes.

It knows the room (to ask) and the media sessions (to subscribe and unsubscribe); the
forwarding itself is the media layer's, which knows nothing of rooms. A member's video track is
their camera, or their shared screen when it is the track they declared for it (the room's
``screen_track``); a screen goes to whoever receives its sharer's camera, and only while the
share lasts.

What a member receives is not always sent: a member's client says whose cameras it does not
show now (``hide``: tiles scrolled away, the app in the background), and those are held back
for that member alone, without renegotiation, until shown again (a camera published later
included). Shared screens and audio are never held back this way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from court.protocol import TrackOut, TrackSource
from signaling.media.publisher import PublishedTrack
from signaling.media.session import MediaSession
from signaling.room import Room

log = logging.getLogger(__name__)


class MediaRouter:
    def __init__(self, room: Room, on_change: Callable[[], None] | None = None) -> None:
        self.room = room
        self.sessions: dict[int, MediaSession] = {}
        self.tracks: dict[int, list[PublishedTrack]] = {}
        self.on_change = on_change
        """Called after every change of who gets what (the recording follows it)."""
        self.video_sources: set[int] | None = None
        """In a large meeting, the only members whose video is forwarded (None: everyone's)."""
        self.hidden: dict[int, frozenset[int]] = {}
        """Per member, the members whose camera their client does not show now."""
        self.small: dict[int, frozenset[int]] = {}
        """Per member, the members whose camera their client shows as a thumbnail."""

    def attach(self, member_id: int, session: MediaSession) -> None:
        self.sessions[member_id] = session
        self.tracks.setdefault(member_id, [])

    async def detach(self, member_id: int) -> None:
        """The member's connection is gone: stop what it received and what it published."""
        session = self.sessions.pop(member_id, None)
        tracks = self.tracks.pop(member_id, [])
        self.hidden.pop(member_id, None)  # a new connection's client says it again
        self.small.pop(member_id, None)
        for other in self.sessions.values():
            for track in tracks:
                other.unsubscribe(track)
        if tracks:
            self._changed()
        if session is not None:
            await session.close()

    def publish(self, member_id: int, track: PublishedTrack) -> None:
        if member_id not in self.sessions:
            return
        self.tracks[member_id].append(track)
        track.on_ended(lambda: self._ended(member_id, track))
        self.sync()

    def _ended(self, member_id: int, track: PublishedTrack) -> None:
        tracks = self.tracks.get(member_id)
        if tracks is not None and track in tracks:
            tracks.remove(track)
            for session in self.sessions.values():
                session.unsubscribe(track)
            self._changed()

    def published_kinds(self, member_id: int) -> set[str]:
        return {track.kind for track in self.tracks.get(member_id, [])}

    def source(self, member_id: int, track: PublishedTrack) -> TrackSource:
        """Whether the track is the member's camera (or microphone) or their shared screen."""
        member = self.room.members.get(member_id)
        screen = member is not None and track.kind == "video" and track.id == member.screen_track
        return "screen" if screen else "camera"

    def _shown(self, member_id: int, track: PublishedTrack) -> bool:
        """A screen is shown while its share lasts; cameras and microphones always."""
        return self.source(member_id, track) == "camera" or self.room.sharer == member_id

    def screens(self) -> frozenset[str]:
        """The ids of the published tracks that are a shared screen."""
        return frozenset(
            track.id
            for member_id, tracks in self.tracks.items()
            for track in tracks
            if self.source(member_id, track) == "screen"
        )

    def recorded_tracks(self) -> dict[int, list[PublishedTrack]]:
        """The tracks that belong in the hearing's record now (muted audio is not heard, so not
        kept); a shared screen is a track of its own."""
        recorded: dict[int, list[PublishedTrack]] = {}
        for member_id, tracks in self.tracks.items():
            if not self.room.on_record(member_id):
                continue
            muted = self.room.members[member_id].audio_muted
            kept = [
                t for t in tracks if not (t.kind == "audio" and muted) and self._shown(member_id, t)
            ]
            if kept:
                recorded[member_id] = kept
        return recorded

    async def hide(
        self, member_id: int, hidden: frozenset[int], small: frozenset[int] = frozenset()
    ) -> None:
        """Send ``member_id`` none of the cameras of ``hidden`` (their client does not show them
        now) and every other camera they receive again, those of ``small`` (thumbnails) at
        their lowest layer. Ids of no one, or of someone whose video they do not receive,
        change nothing now; the sets are kept for later tracks."""
        session = self.sessions.get(member_id)
        if session is None:
            return
        self.hidden[member_id] = hidden
        self.small[member_id] = small
        session.small_video = self._cameras_of(member_id, self.small)
        await session.hide_video(self._cameras_of(member_id, self.hidden))

    def _cameras_of(
        self, member_id: int, chosen: dict[int, frozenset[int]]
    ) -> frozenset[PublishedTrack]:
        """The cameras of the people `chosen[member_id]` names."""
        hidden = chosen.get(member_id, frozenset())
        return frozenset(
            track
            for owner in hidden
            for track in self.tracks.get(owner, [])
            if track.kind == "video" and self.source(owner, track) == "camera"
        )

    def sync(self) -> None:
        """Subscribe and unsubscribe until every member gets exactly what the room allows."""
        for subscriber_id, session in self.sessions.items():
            # the cameras it hides, including any published since it said so
            session.hidden_video = self._cameras_of(subscriber_id, self.hidden)
            session.small_video = self._cameras_of(subscriber_id, self.small)
            current = {s.publisher for s in session.subscriptions if s.publisher is not None}
            for publisher_id, tracks in self.tracks.items():
                for track in tracks:
                    if track.kind == "audio":
                        wanted = self.room.hears(subscriber_id, publisher_id)
                    elif self.source(publisher_id, track) == "screen":
                        # the shared screen is the main picture: never left out of a large meeting
                        wanted = self.room.sharer == publisher_id and self.room.receives(
                            subscriber_id, publisher_id
                        )
                    else:
                        wanted = self.room.receives(subscriber_id, publisher_id) and (
                            self.video_sources is None
                            or publisher_id in self.video_sources
                            or self.room.members[subscriber_id].consultation is not None
                        )
                    if wanted and track not in current:
                        session.subscribe(track)
                    elif not wanted and track in current:
                        session.unsubscribe(track)
        self._changed()

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change()

    def paused_video(self, member_id: int) -> list[int]:
        """The members whose video this member's connection cannot carry now (paused)."""
        session = self.sessions.get(member_id)
        if session is None or not session.paused_video:
            return []
        paused = session.paused_video
        return sorted(owner for owner, tracks in self.tracks.items() if paused.intersection(tracks))

    def track_map(self, member_id: int) -> dict[str, TrackOut]:
        """Which member each of this member's incoming transceivers (by mid) carries now."""
        session = self.sessions.get(member_id)
        if session is None:
            return {}
        owners = {id(t): owner for owner, tracks in self.tracks.items() for t in tracks}
        carried: dict[str, TrackOut] = {}
        for subscription in session.subscriptions:
            track = subscription.publisher
            if subscription.mid is None or track is None or id(track) not in owners:
                continue
            owner = owners[id(track)]
            carried[subscription.mid] = TrackOut(
                participant_id=owner, kind=subscription.kind, source=self.source(owner, track)
            )
        return carried
