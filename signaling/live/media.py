"""A live hearing's media: each member's peer connection and its negotiation, the router kept in
step with the room, the periodic look at the media (speakers, poor connections, stalled
devices) and what the recording is told.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from court.protocol import IceServer, OfferOut, SpeakerOut, WelcomeOut
from court.roles import Role
from signaling.background import BackgroundTasks
from signaling.ice import IceConfig
from signaling.live.audience import Audience
from signaling.live.refusals import ActionError
from signaling.media.publisher import PublishedTrack
from signaling.media.session import MediaSession
from signaling.monitor import TICK_SECONDS, MediaMonitor
from signaling.observer import MediaObserver
from signaling.room import Room
from signaling.router import MediaRouter
from signaling.store import Identity

log = logging.getLogger(__name__)

DEFAULT_BITRATE_CAP = 800_000
BITRATE_CAPS = {Role.JUDGE: 1_500_000, Role.CLERK: 1_000_000, Role.CREDITOR: 500_000}
"""What each role's camera may send (the REMB cap): the presiding judge is shown largest;
creditors' meetings have dozens of small tiles."""


class HearingMedia:
    def __init__(
        self,
        room: Room,
        router: MediaRouter,
        audience: Audience,
        tasks: BackgroundTasks,
        ice: IceConfig,
        observer: MediaObserver | None,
        stall_seconds: float,
        on_track_ended: Callable[[int, PublishedTrack], None],
    ) -> None:
        """``on_track_ended``: a member's published track ended (a shared screen, perhaps)."""
        self.room = room
        self.router = router
        self.audience = audience
        self.tasks = tasks
        self.ice = ice
        self.observer = observer
        self.on_track_ended = on_track_ended
        router.on_change = self._recordable  # the recording follows who gets what
        self.monitor = MediaMonitor(
            router,
            bench=lambda: {m.id for m in room.members.values() if m.on_bench},
            on_speaker=lambda member_id: tasks.spawn(self._speaker(member_id)),
            on_poor_connection=lambda member_id, loss: tasks.spawn(
                self._poor_connection(member_id, loss)
            ),
            on_stall=lambda member_id, stalled: tasks.spawn(self._stalled(member_id, stalled)),
            stall_seconds=stall_seconds,
        )
        self._monitor_task: asyncio.Task[None] | None = None
        self._offers_first: set[int] = set()

    def attach(self, identity: Identity, offers_first: bool) -> None:
        """A peer connection for the member who just connected (see ``LiveHearing.connect``
        for ``offers_first``); the periodic look starts with the first one."""
        member_id = identity.participant_id
        if offers_first:
            self._offers_first.add(member_id)
        else:
            self._offers_first.discard(member_id)
        session = MediaSession(
            self.ice.servers,
            max_bitrate=BITRATE_CAPS.get(identity.role, DEFAULT_BITRATE_CAP),
            on_track=lambda track: self._published(member_id, track),
            on_negotiation_needed=lambda: self.tasks.spawn(self._renegotiate(member_id)),
            on_connection_state=lambda state: self._connection_state(member_id, state),
            on_video_paused=lambda: self.tasks.spawn(self.audience.broadcast()),
        )
        self.router.attach(member_id, session)
        if self._monitor_task is None:
            self._monitor_task = asyncio.ensure_future(self._watch_media())

    async def detach(self, member_id: int) -> None:
        """The member's connection is gone: end its media and forget what the look knew."""
        await self.router.detach(member_id)
        self.monitor.forget(member_id)

    def welcome(self, identity: Identity) -> WelcomeOut:
        """What a client needs before it builds its peer connection: the ICE servers to use."""
        key = f"h{self.room.hearing_id}p{identity.participant_id}"
        return WelcomeOut(
            hearing_id=self.room.hearing_id,
            participant_id=identity.participant_id,
            ice_servers=[IceServer(**server) for server in self.ice.for_client(key)],
        )

    # WebRTC negotiation.

    def session(self, member_id: int) -> MediaSession:
        session = self.router.sessions.get(member_id)
        if session is None:
            raise ActionError("not_connected", "you are not connected to this hearing")
        return session

    async def offer(self, member_id: int, sdp: str) -> str | None:
        """The member's offer (what they publish); None means glare: answer ours first."""
        try:
            answer = await self.session(member_id).accept_offer(sdp)
        except ValueError as exc:
            raise ActionError("bad_sdp", str(exc)) from exc
        if member_id in self._offers_first:
            self._offers_first.discard(member_id)
            self.tasks.spawn(self._renegotiate(member_id))
        return answer

    async def answer(self, member_id: int, sdp: str) -> None:
        try:
            await self.session(member_id).accept_answer(sdp)
        except ValueError as exc:
            raise ActionError("bad_sdp", str(exc)) from exc

    async def candidate(
        self, member_id: int, candidate: str | None, mid: str | None, index: int | None
    ) -> None:
        try:
            await self.session(member_id).add_ice_candidate(candidate, mid, index)
        except ValueError as exc:
            raise ActionError("bad_candidate", str(exc)) from exc

    async def hide_videos(
        self, member_id: int, participant_ids: frozenset[int], small: frozenset[int] = frozenset()
    ) -> None:
        """The member's screen does not show these people's cameras now: send them none until
        a later list leaves them out (no renegotiation; their audio goes on); it shows the
        `small` ones as thumbnails: send their lowest layer."""
        self.session(member_id)  # refused unless connected
        await self.router.hide(member_id, participant_ids, small)

    async def _renegotiate(self, member_id: int) -> None:
        session = self.router.sessions.get(member_id)
        link = self.audience.links.get(member_id)
        if session is None or link is None or member_id in self._offers_first:
            return
        sdp = await session.create_offer()
        if sdp is not None:
            offer = OfferOut(sdp=sdp, tracks=self.router.track_map(member_id))
            await link.emit("offer", offer.model_dump(mode="json"))

    def _connection_state(self, member_id: int, state: str) -> None:
        if state == "failed":
            name = self.room.member(member_id).name
            self.tasks.spawn(
                self.audience.alert(
                    "connection_failed", member_id, f"{name}'s media connection failed"
                )
            )

    # Published tracks and the recording.

    def _recordable(self) -> None:
        if self.observer is not None:
            self.observer.recordable(
                self.room.hearing_id,
                self.room.state,
                self.router.recorded_tracks(),
                self.router.screens(),
            )

    def _published(self, member_id: int, track: PublishedTrack) -> None:
        self.router.publish(member_id, track)
        track.on_ended(lambda: self.on_track_ended(member_id, track))
        self.monitor.apply_last_n()

    # The periodic look.

    async def _watch_media(self) -> None:
        while True:
            await asyncio.sleep(TICK_SECONDS)
            try:
                self.monitor.tick()
            except Exception:  # the hearing goes on without speaker detection rather than stopping
                log.exception("media monitor of hearing %s failed", self.room.hearing_id)

    async def _speaker(self, member_id: int) -> None:
        for link in list(self.audience.links.values()):
            await link.emit("speaker", SpeakerOut(participant_id=member_id).model_dump(mode="json"))

    async def _poor_connection(self, member_id: int, loss: float) -> None:
        member = self.room.members.get(member_id)
        if member is not None:
            await self.audience.alert(
                "poor_connection",
                member_id,
                f"{member.name} is losing {loss:.0%} of their media packets",
            )

    async def _stalled(self, member_id: int, stalled: bool) -> None:
        """A sender's device stopped (or started again) sending anything while connected."""
        member = self.room.members.get(member_id)
        if (
            member is None
            or member_id not in self.audience.links
            or member.media_stalled is stalled
        ):
            return
        member.media_stalled = stalled
        if stalled:
            await self.audience.alert(
                "media_stopped", member_id, f"nothing arrives from {member.name}"
            )
        else:
            await self.audience.alert("media_resumed", member_id, f"{member.name}'s media is back")
        await self.audience.broadcast()

    async def shutdown(self) -> None:
        """Stop the periodic look and close every peer connection."""
        if self._monitor_task is not None:
            self._monitor_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._monitor_task
            self._monitor_task = None
        for member_id in list(self.router.sessions):
            await self.router.detach(member_id)
