"""Sharing a screen in a live hearing: one person at a time, in the hearing while it is in
session (docs/architecture.md#roles-and-permissions).

The sharer names the track of theirs that carries the screen before they add it (``share``);
the router forwards that track to whoever receives their camera and marks it as the screen, and
the recording keeps it as a track of its own. The share ends when the sharer stops it, the bench
stops it, the track ends (the browser's own "Stop sharing"), or the sharer leaves the hearing
proper or the session ends (the room ends it then). The timeline has who shared from when to
when (``share_started``, ``share_stopped``).
"""

from __future__ import annotations

from collections.abc import Callable

from court.permissions import Action
from signaling.background import BackgroundTasks
from signaling.live.audience import Audience
from signaling.live.refusals import ActionError, require
from signaling.live.timeline import Timeline
from signaling.media.publisher import PublishedTrack
from signaling.room import Room, RoomError, ScreenTaken
from signaling.router import MediaRouter
from signaling.store import Identity


class ScreenSharing:
    def __init__(
        self,
        room: Room,
        timeline: Timeline,
        audience: Audience,
        router: MediaRouter,
        tasks: BackgroundTasks,
        label: Callable[[int], str],
    ) -> None:
        """``label``: who a member is on the timeline."""
        self.room = room
        self.timeline = timeline
        self.audience = audience
        self.router = router
        self.tasks = tasks
        self.label = label

    async def share(self, actor: Identity, on: bool, track_id: str | None) -> None:
        """Start sharing as the track ``track_id`` of the actor's, or stop (nothing to stop is
        no error: the bench may have stopped it a moment before)."""
        member_id = actor.participant_id
        if not on:
            if self.room.sharer == member_id:
                self.room.end_share()
                await self._changed(actor.label)
            return
        require(self.room, actor, Action.SHARE_SCREEN)
        if track_id is None:
            raise ActionError("invalid_payload", "name the screen's track_id to start sharing")
        try:
            self.room.start_share(member_id, track_id)
        except ScreenTaken as exc:
            raise ActionError("screen_taken", str(exc)) from exc
        except RoomError as exc:
            raise ActionError("refused", str(exc)) from exc
        await self._changed(actor.label)

    async def stop(self, actor: Identity, member_id: int) -> None:
        """The bench stops someone's share."""
        require(self.room, actor, Action.STOP_SHARE)
        if self.room.sharer != member_id:
            name = self.room.member(member_id).name
            raise ActionError("not_sharing", f"{name} is not sharing their screen")
        self.room.end_share()
        await self._changed(actor.label)

    def track_ended(self, member_id: int, track: PublishedTrack) -> None:
        """One of the member's published tracks ended; if it was the screen they share, the
        share ends with it."""
        if self.room.sharer == member_id and self.router.source(member_id, track) == "screen":
            self.room.end_share()
            self.tasks.spawn(self._changed(self.label(member_id)))

    async def _changed(self, actor: str) -> None:
        self.router.sync()  # media first: the row is written while it is negotiated
        await self.timeline.record_share(actor)
        await self.audience.broadcast()
