"""One hearing while people are connected: the room, its media, its timeline.

Every action arrives here already parsed; it is checked against the permission table
and the room, applied, written to the timeline, and the room's new state is sent to
every connected member (each sees what their place allows). Connections are reached
through :class:`Link`, so this module knows nothing of socket.io.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime
from typing import Any, Protocol

from court.kinds import RULES
from court.permissions import Action, refusal
from court.presence import Presence
from court.protocol import (
    AlertOut,
    ClosedOut,
    IceServer,
    MessageOut,
    OfferOut,
    RecordingState,
    RemovedOut,
    RoomView,
    SpeakerOut,
    WelcomeOut,
)
from court.roles import Role
from court.states import HearingState, TransitionError, check_transition
from signaling.ice import IceConfig
from signaling.liveness import DEFAULT_STALL_SECONDS
from signaling.media.publisher import PublishedTrack
from signaling.media.session import MediaSession
from signaling.monitor import TICK_SECONDS, MediaMonitor
from signaling.observer import MediaObserver
from signaling.room import Member, Room, RoomError
from signaling.room_view import member_view, visible_members
from signaling.router import MediaRouter
from signaling.store import (
    HearingRecord,
    HearingStore,
    Identity,
    ParticipantRecord,
    TimelineEvent,
)

log = logging.getLogger(__name__)


class Link(Protocol):
    """One member's connection, as the live hearing uses it."""

    async def emit(self, event: str, data: Any) -> None: ...

    async def close(self, reason: str) -> None: ...


class ActionError(Exception):
    """A refused action: ``code`` and a message the person can act on."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


CLOSE_LINGER_SECONDS = 2.0

INVITATION_ENDINGS = {
    "invitation_withdrawn": "the court withdrew your invitation",
    "invitation_expired": "your invitation has expired",
    "invitation_replaced": "the court gave you a new invitation link; this one no longer works",
}
"""Why an invited person's connection was ended while they were connected, by code."""

DEFAULT_BITRATE_CAP = 800_000
BITRATE_CAPS = {Role.JUDGE: 1_500_000, Role.CLERK: 1_000_000, Role.CREDITOR: 500_000}
"""What each role's camera may send (the REMB cap): the presiding judge is shown largest;
creditors' meetings have dozens of small tiles."""


def _now() -> datetime:
    return datetime.now(UTC)


class LiveHearing:
    def __init__(
        self,
        record: HearingRecord,
        store: HearingStore,
        ice: IceConfig | None = None,
        grace_seconds: float = 60.0,
        observer: MediaObserver | None = None,
        stall_seconds: float = DEFAULT_STALL_SECONDS,
    ) -> None:
        self.room = Room(
            hearing_id=record.id,
            kind=record.kind,
            public=record.public,
            state=record.state,
            phase=record.phase,
        )
        for participant in record.participants:
            self.add_participant(participant)
        self.store = store
        self.ice = ice or IceConfig()
        self.grace_seconds = grace_seconds
        self.observer = observer
        self.router = MediaRouter(self.room, on_change=self._record_media)
        self.monitor = MediaMonitor(
            self.router,
            bench=lambda: {m.id for m in self.room.members.values() if m.on_bench},
            on_speaker=lambda member_id: self._spawn(self._speaker(member_id)),
            on_poor_connection=lambda member_id, loss: self._spawn(
                self._poor_connection(member_id, loss)
            ),
            on_stall=lambda member_id, stalled: self._spawn(self._stalled(member_id, stalled)),
            stall_seconds=stall_seconds,
        )
        self._monitor_task: asyncio.Task[None] | None = None
        self.links: dict[int, Link] = {}
        self._identities: dict[int, Identity] = {}
        self._grace: dict[int, asyncio.TimerHandle] = {}
        self._expiry: dict[int, asyncio.TimerHandle] = {}
        """When each connected member's invitation expires (invited people only)."""
        self._tasks: set[asyncio.Task[None]] = set()
        self._offers_first: set[int] = set()
        self._self_tests: dict[int, tuple[bool, bool, str]] = {}
        """Each member's last self-test (camera, microphone, network) while connected here."""
        self.recording_failed = False
        """The recording service reported a failure: the room shows it until close."""
        self._consultations: set[frozenset[int]] = set()
        """The private consultations the timeline has as going on."""

    def add_participant(self, p: ParticipantRecord) -> None:
        """Make a participant known (also one added to the hearing while it runs).

        ``admitted``/``removed``/``bench_muted`` come from the timeline when a hearing is loaded
        again (after a restart, or on another process): an admitted person rejoins without
        waiting again, and whom the bench muted stays muted.
        """
        if p.id not in self.room.members:
            self.room.members[p.id] = Member(
                id=p.id,
                role=p.role,
                name=p.name,
                side=p.side,
                represents_id=p.represents_id,
                identity_verified=p.identity_verified,
                admitted=p.admitted,
                bench_muted=p.bench_muted,
                presence=Presence.REMOVED if p.removed else Presence.INVITED,
            )

    @property
    def connected(self) -> int:
        return len(self.links)

    @property
    def busy(self) -> bool:
        """Someone is connected (people who dropped may come back, but elsewhere if need be)."""
        return bool(self.links)

    # Connections.

    async def connect(self, identity: Identity, link: Link, offers_first: bool = False) -> None:
        """A member's connection arrived; place them by role and admission.

        ``offers_first``: the client will offer what it publishes before anything else, and
        the server holds back its own offers until then. Clients that cannot roll back a
        crossed offer (aiortc) avoid glare this way; browsers roll back and need not.
        """
        refused = refusal(identity.role, Action.JOIN, self.room.state)
        if refused is not None:
            raise ActionError("forbidden", refused)
        member_id = identity.participant_id
        if self.room.member(member_id).presence is Presence.REMOVED:
            raise ActionError("removed", "the court removed you from this hearing")
        previous = self.links.pop(member_id, None)
        if previous is not None:
            await self.router.detach(member_id)
            self.monitor.forget(member_id)
            self.room.member(member_id).media_stalled = False
            await previous.close("you joined from another device or tab")
        self._cancel_timers(member_id)
        was = self.room.member(member_id).presence
        try:
            presence = self.room.arrive(member_id)
        except RoomError as exc:
            raise ActionError("refused", str(exc)) from exc
        self.links[member_id] = link
        self._identities[member_id] = identity
        if offers_first:
            self._offers_first.add(member_id)
        else:
            self._offers_first.discard(member_id)
        session = MediaSession(
            self.ice.servers,
            max_bitrate=BITRATE_CAPS.get(identity.role, DEFAULT_BITRATE_CAP),
            on_track=lambda track: self._published(member_id, track),
            on_negotiation_needed=lambda: self._spawn(self._renegotiate(member_id)),
            on_connection_state=lambda state: self._connection_state(member_id, state),
            on_video_paused=lambda: self._spawn(self.broadcast()),
        )
        self.router.attach(member_id, session)
        if identity.expires_at is not None:
            self._expiry[member_id] = asyncio.get_running_loop().call_later(
                max(0.0, (identity.expires_at - _now()).total_seconds()),
                lambda: self._spawn(self.end_invitation(member_id, "invitation_expired")),
            )
        if self._monitor_task is None:
            self._monitor_task = asyncio.ensure_future(self._watch_media())
        await link.emit("welcome", self._welcome(identity).model_dump(mode="json"))
        kind = "reconnected" if was is Presence.RECONNECTING else "joined"
        await self._record(kind, identity.label, was, presence, {"participant_id": member_id})
        if kind == "reconnected":
            await self.alert("reconnected", member_id, f"{identity.name} is back")
        self.router.sync()
        await self.broadcast()

    async def disconnect(self, member_id: int, link: Link) -> None:
        """A connection ended without a goodbye: hold the member's place for the grace window."""
        if self.links.get(member_id) is not link:
            return  # an older connection, already replaced
        del self.links[member_id]
        self._cancel_timers(member_id)
        await self.router.detach(member_id)
        self.monitor.forget(member_id)
        member = self.room.member(member_id)
        if member.presence not in (Presence.LEFT, Presence.REMOVED):
            was = member.presence
            self.room.drop(member_id)
            await self._record(
                "dropped",
                self._label(member_id),
                was,
                member.presence,
                {"participant_id": member_id},
            )
            await self.alert("dropped", member_id, f"{member.name} lost the connection")
            loop = asyncio.get_running_loop()
            self._grace[member_id] = loop.call_later(
                self.grace_seconds, lambda: self._spawn(self._expire(member_id))
            )
        self.router.sync()
        await self.broadcast()

    async def _expire(self, member_id: int) -> None:
        self._grace.pop(member_id, None)
        if self.room.expire(member_id):
            await self._record(
                "left",
                self._label(member_id),
                Presence.RECONNECTING,
                Presence.LEFT,
                {
                    "participant_id": member_id,
                    "reason": "did not reconnect within the grace window",
                },
            )
            await self.broadcast()

    async def end_invitation(self, member_id: int, code: str) -> None:
        """The invitation the member connected with stopped working (``code``: a key of
        INVITATION_ENDINGS): tell them why, end their media and connection now, and free their
        place (a new invitation brings them back to the waiting room). Nothing if they are not
        connected here, nor held for a reconnection."""
        member = self.room.members.get(member_id)
        link = self.links.pop(member_id, None)
        if member is None or (link is None and member.presence is not Presence.RECONNECTING):
            return
        self._cancel_timers(member_id)
        await self.router.detach(member_id)
        self.monitor.forget(member_id)
        was = member.presence
        self.room.leave(member_id)
        data = {"participant_id": member_id, "code": code}
        await self._record("invitation_ended", self._label(member_id), was, Presence.LEFT, data)
        self.router.sync()
        await self.broadcast()
        if link is not None:
            reason = INVITATION_ENDINGS[code]
            await link.emit("removed", RemovedOut(code=code, reason=reason).model_dump(mode="json"))
            await link.close(reason)

    def _cancel_timers(self, member_id: int) -> None:
        for timers in (self._grace, self._expiry):
            timer = timers.pop(member_id, None)
            if timer is not None:
                timer.cancel()

    async def leave(self, member_id: int) -> None:
        """The person chose to leave."""
        link = self.links.pop(member_id, None)
        self._cancel_timers(member_id)
        await self.router.detach(member_id)
        was = self.room.member(member_id).presence
        self.room.leave(member_id)
        await self._record(
            "left", self._label(member_id), was, Presence.LEFT, {"participant_id": member_id}
        )
        self.router.sync()
        await self.broadcast()
        if link is not None:
            # Not awaited here: the leaver's own `leave` acknowledgement must go out first. It
            # is queued as soon as this handler returns, before the spawned task first runs.
            self._spawn(link.close("you left the hearing"))

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
            self._spawn(self._renegotiate(member_id))
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

    def _welcome(self, identity: Identity) -> WelcomeOut:
        """What a client needs before it builds its peer connection: the ICE servers to use."""
        key = f"h{self.room.hearing_id}p{identity.participant_id}"
        return WelcomeOut(
            hearing_id=self.room.hearing_id,
            participant_id=identity.participant_id,
            ice_servers=[IceServer(**server) for server in self.ice.for_client(key)],
        )

    def _record_media(self) -> None:
        if self.observer is not None:
            self.observer.recordable(
                self.room.hearing_id, self.room.state, self.router.recorded_tracks()
            )

    def _published(self, member_id: int, track: PublishedTrack) -> None:
        self.router.publish(member_id, track)
        self.monitor.apply_last_n()

    async def _watch_media(self) -> None:
        while True:
            await asyncio.sleep(TICK_SECONDS)
            try:
                self.monitor.tick()
            except Exception:  # the hearing goes on without speaker detection rather than stopping
                log.exception("media monitor of hearing %s failed", self.room.hearing_id)

    async def _speaker(self, member_id: int) -> None:
        for link in list(self.links.values()):
            await link.emit("speaker", SpeakerOut(participant_id=member_id).model_dump(mode="json"))

    async def _poor_connection(self, member_id: int, loss: float) -> None:
        member = self.room.members.get(member_id)
        if member is not None:
            await self.alert(
                "poor_connection",
                member_id,
                f"{member.name} is losing {loss:.0%} of their media packets",
            )

    async def _stalled(self, member_id: int, stalled: bool) -> None:
        """A sender's device stopped (or started again) sending anything while connected."""
        member = self.room.members.get(member_id)
        if member is None or member_id not in self.links or member.media_stalled is stalled:
            return
        member.media_stalled = stalled
        if stalled:
            await self.alert("media_stopped", member_id, f"nothing arrives from {member.name}")
        else:
            await self.alert("media_resumed", member_id, f"{member.name}'s media is back")
        await self.broadcast()

    async def _renegotiate(self, member_id: int) -> None:
        session = self.router.sessions.get(member_id)
        link = self.links.get(member_id)
        if session is None or link is None or member_id in self._offers_first:
            return
        sdp = await session.create_offer()
        if sdp is not None:
            offer = OfferOut(sdp=sdp, tracks=self.router.track_map(member_id))
            await link.emit("offer", offer.model_dump(mode="json"))

    def _connection_state(self, member_id: int, state: str) -> None:
        if state == "failed":
            name = self.room.member(member_id).name
            self._spawn(
                self.alert("connection_failed", member_id, f"{name}'s media connection failed")
            )

    # Conducting the hearing.

    def _require(self, actor: Identity, action: Action) -> Member:
        reason = refusal(actor.role, action, self.room.state)
        if reason is not None:
            raise ActionError("forbidden", reason)
        return self.room.member(actor.participant_id)

    async def change_state(self, actor: Identity, action: Action, target: HearingState) -> None:
        self._require(actor, action)
        previous = self.room.state
        try:
            check_transition(previous, target)
        except TransitionError as exc:
            raise ActionError("wrong_state", str(exc)) from exc
        self.room.state = target
        if target is HearingState.IN_SESSION and self.room.phase is None:
            self.room.phase = RULES[self.room.kind].phases[0]
        await self._record("state", actor.label, previous, target)
        await self.store.save_state(self.room.hearing_id, target, self.room.phase)
        if target is HearingState.CLOSED:
            await self._close_all()
            return
        self.router.sync()
        await self.broadcast()

    async def set_phase(self, actor: Identity, phase: str) -> None:
        self._require(actor, Action.SET_PHASE)
        phases = RULES[self.room.kind].phases
        if phase not in phases:
            raise ActionError("bad_phase", f"a {self.room.kind} has the phases {', '.join(phases)}")
        previous, self.room.phase = self.room.phase, phase
        await self._record("phase", actor.label, previous, phase)
        await self.store.save_state(self.room.hearing_id, self.room.state, phase)
        await self.broadcast()

    async def admit(self, actor: Identity, member_id: int) -> None:
        self._require(actor, Action.ADMIT)
        self._apply(lambda: self.room.admit(member_id))
        await self._member_event(
            "admitted", actor, member_id, Presence.WAITING, Presence.IN_HEARING
        )

    async def admit_all(self, actor: Identity) -> list[int]:
        self._require(actor, Action.ADMIT)
        admitted = self.room.admit_all()
        self.router.sync()  # media first: the rows below are written while it is negotiated
        for member_id in admitted:
            await self._record(
                "admitted",
                actor.label,
                Presence.WAITING,
                Presence.IN_HEARING,
                {"participant_id": member_id},
            )
        await self.broadcast()
        return admitted

    async def send_back(self, actor: Identity, member_id: int) -> None:
        self._require(actor, Action.SEND_BACK)
        was = self.room.member(member_id).presence
        self._apply(lambda: self.room.send_back(member_id))
        await self._member_event("sent_back", actor, member_id, was, Presence.WAITING)

    async def mute(self, actor: Identity, member_id: int, muted: bool) -> None:
        self._require(actor, Action.MUTE)
        member = self.room.member(member_id)
        member.bench_muted = muted
        await self._member_event("muted" if muted else "unmuted", actor, member_id, None, None)

    async def mute_all(self, actor: Identity) -> None:
        self._require(actor, Action.MUTE)
        muted = [m.id for m in self.room.members.values() if not m.on_bench]
        for member_id in muted:
            self.room.members[member_id].bench_muted = True
        await self._record("muted_all", actor.label, data={"participant_ids": muted})
        self.router.sync()
        await self.broadcast()

    async def remove(self, actor: Identity, member_id: int) -> None:
        self._require(actor, Action.REMOVE)
        was = self.room.member(member_id).presence
        self._apply(lambda: self.room.remove(member_id))
        link = self.links.pop(member_id, None)
        self._cancel_timers(member_id)
        await self.router.detach(member_id)
        await self._member_event("removed", actor, member_id, was, Presence.REMOVED)
        if link is not None:
            removed = RemovedOut(code="removed", reason="the judge removed you from the hearing")
            await link.emit("removed", removed.model_dump(mode="json"))
            await link.close("removed by the judge")

    async def verify_identity(self, actor: Identity, member_id: int) -> None:
        self._require(actor, Action.VERIFY_IDENTITY)
        member = self.room.member(member_id)
        member.identity_verified = True
        await self.store.mark_verified(member_id, actor)
        await self._member_event("identity_verified", actor, member_id, None, None)

    async def raise_hand(self, actor: Identity, raised: bool) -> None:
        member = self._require(actor, Action.RAISE_HAND)
        if member.presence is not Presence.IN_HEARING:
            raise ActionError("refused", "you can raise your hand once you are in the hearing")
        member.hand_raised = raised
        await self._record("hand_raised" if raised else "hand_lowered", actor.label)
        await self.broadcast()

    async def set_media(self, actor: Identity, audio: bool, video: bool) -> None:
        """The person's own microphone and camera switches (the bench's mute still wins)."""
        member = self.room.member(actor.participant_id)
        member.self_muted, member.camera_off = not audio, not video
        self.router.sync()
        await self.broadcast()

    async def consult(self, actor: Identity, other_id: int) -> None:
        self._require(actor, Action.CONSULT)
        self._apply(lambda: self.room.consult(actor.participant_id, other_id))
        self.router.sync()
        await self._record_consultations(actor.label)
        await self.broadcast()

    async def end_consultation(self, actor: Identity) -> None:
        self._apply(lambda: self.room.end_consultation(actor.participant_id))
        self.router.sync()
        await self._record_consultations(actor.label)
        await self.broadcast()

    async def self_test(
        self, actor: Identity, camera: bool, microphone: bool, network: str
    ) -> None:
        """The person's own self-test: on the timeline, and an alert to the bench if it failed.

        Someone whose camera or microphone failed may still take part (with the microphone
        only, or watching and listening): the bench sees it in the participant list. The
        client repeats its report on every connection (so a hearing placed again on another
        process knows too); a report the same as the last one changes nothing.
        """
        self._require(actor, Action.REPORT_SELF_TEST)
        member_id = actor.participant_id
        if self._self_tests.get(member_id) == (camera, microphone, network):
            return
        self._self_tests[member_id] = (camera, microphone, network)
        result = {"camera": camera, "microphone": microphone, "network": network}
        await self._record("self_test", actor.label, data={"participant_id": member_id, **result})
        failed = [name for name in ("camera", "microphone") if not result[name]]
        if network == "failed":
            failed.append("network")
        if failed:
            await self.alert(
                "self_test_failed",
                member_id,
                f"{actor.name}'s self-test failed: {', '.join(failed)}",
                failed=failed,
            )
        await self.broadcast()

    def missing_devices(self, member_id: int) -> frozenset[str]:
        """The devices the member's last self-test found unusable."""
        camera, microphone, _ = self._self_tests.get(member_id, (True, True, ""))
        return frozenset(
            name for name, works in (("camera", camera), ("microphone", microphone)) if not works
        )

    async def message(self, actor: Identity, to: int | str, text: str) -> None:
        """Participants write to the bench; the bench writes to one participant."""
        sender = self.room.member(actor.participant_id)
        if to == "bench":
            self._require(actor, Action.MESSAGE_BENCH)
            recipients = [m.id for m in self.room.members.values() if m.on_bench]
        else:
            self._require(actor, Action.MESSAGE_PARTICIPANT)
            assert isinstance(to, int)
            recipients = [
                self.room.member(to).id,
                *(m.id for m in self.room.members.values() if m.on_bench),
            ]
        out = MessageOut(from_id=sender.id, from_name=sender.name, to=to, text=text, at=_now())
        await self._record("message", actor.label, None, str(to), {"text": text})
        for member_id in dict.fromkeys(recipients):
            link = self.links.get(member_id)
            if link is not None:
                await link.emit("message", out.model_dump(mode="json"))

    # Helpers.

    def _apply(self, change: Any) -> None:
        try:
            change()
        except RoomError as exc:
            raise ActionError("refused", str(exc)) from exc

    async def _member_event(
        self, kind: str, actor: Identity, member_id: int, was: Presence | None, now: Presence | None
    ) -> None:
        self.router.sync()  # media first: the row is written while it is negotiated
        await self._record(kind, actor.label, was, now, {"participant_id": member_id})
        await self.broadcast()

    async def _record(
        self,
        kind: str,
        actor: str,
        was: str | None = None,
        now: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        # a consultation the change ended (someone in it left, was sent back, removed) goes
        # first: the member's own event then says where they went from there
        await self._record_consultations(actor)
        await self._write(kind, actor, was, now, data)

    async def _record_consultations(self, actor: str) -> None:
        """Put on the timeline each private consultation that began or ended since the last
        event, with who was in it (the archive shows them absent for that time)."""
        groups = {m.consultation for m in self.room.members.values() if m.consultation}
        ended, began = self._consultations - groups, groups - self._consultations
        self._consultations = groups
        for group in ended:
            data = {"participant_ids": sorted(group)}
            await self._write(
                "consultation_ended", actor, Presence.IN_CONSULTATION, Presence.IN_HEARING, data
            )
        for group in began:
            data = {"participant_ids": sorted(group)}
            await self._write(
                "consultation_started", actor, Presence.IN_HEARING, Presence.IN_CONSULTATION, data
            )

    async def _write(
        self,
        kind: str,
        actor: str,
        was: str | None,
        now: str | None,
        data: dict[str, Any] | None,
    ) -> None:
        event = TimelineEvent(
            kind=kind, actor=actor, from_value=was, to_value=now, data=data, at=_now()
        )
        await self.store.record(self.room.hearing_id, event)
        # the kind and the change only: names stay in the timeline, out of the logs
        log.info("hearing %s: %s %s -> %s", self.room.hearing_id, kind, was or "", now or "")

    def _label(self, member_id: int) -> str:
        identity = self._identities.get(member_id)
        return identity.label if identity else f"participant:{member_id}"

    def view(self, member_id: int) -> RoomView:
        member = self.room.member(member_id)
        return RoomView(
            hearing_id=self.room.hearing_id,
            state=self.room.state,
            phase=self.room.phase,
            phases=list(RULES[self.room.kind].phases),
            recording=self.room.state is HearingState.IN_SESSION and not self.recording_failed,
            recording_state=self._recording_state(),
            you=member_view(
                member, self.missing_devices(member_id), self.router.paused_video(member_id)
            ),
            members=[
                member_view(
                    m,
                    self.missing_devices(m.id),
                    # whose connection is too weak for which video: the bench's concern only
                    self.router.paused_video(m.id) if member.on_bench else None,
                )
                for m in visible_members(self.room, member)
            ],
        )

    def _recording_state(self) -> RecordingState:
        if self.recording_failed:
            return "failed"
        states: dict[HearingState, RecordingState] = {
            HearingState.IN_SESSION: "recording",
            HearingState.RECESS: "paused",
        }
        return states.get(self.room.state, "off")

    async def broadcast(self) -> None:
        for member_id, link in list(self.links.items()):
            await link.emit("room", self.view(member_id).model_dump(mode="json"))

    async def alert(
        self, kind: str, member_id: int | None, message: str, failed: list[str] | None = None
    ) -> None:
        if kind == "recording_failed" and not self.recording_failed:
            self.recording_failed = True  # everyone's room says so, not only the bench's alert
            await self.broadcast()
        alert = AlertOut.model_validate(
            {
                "kind": kind,
                "participant_id": member_id,
                "message": message,
                "at": _now(),
                "failed": failed or [],
            }
        )
        for bench_id in (m.id for m in self.room.members.values() if m.on_bench):
            link = self.links.get(bench_id)
            if link is not None:
                await link.emit("alert", alert.model_dump(mode="json"))

    async def _close_all(self) -> None:
        """Finish the record, tell everyone (with the record's verification code), end all
        media now, and drop the connections a moment later.

        The delay lets the closing judge's acknowledgement and everyone's ``closed`` event
        go out before the sockets do; clients normally leave on ``closed`` by themselves.
        """
        code = None
        if self.observer is not None:
            code = await self.observer.closed(self.room.hearing_id)
        closed = ClosedOut(hearing_id=self.room.hearing_id, verification_code=code)
        links = list(self.links.values())
        for link in links:
            await link.emit("closed", closed.model_dump(mode="json", exclude_none=True))
        self.room.close()
        self.links.clear()
        await self.shutdown()

        async def hang_up() -> None:
            await asyncio.sleep(CLOSE_LINGER_SECONDS)
            for link in links:
                with contextlib.suppress(Exception):
                    await link.close("the hearing is closed")

        self._spawn(hang_up())

    async def shutdown(self) -> None:
        """Cancel timers and close every media session (the hearing ended or the server stops)."""
        if self._monitor_task is not None:
            self._monitor_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._monitor_task
            self._monitor_task = None
        for member_id in [*self._grace, *self._expiry]:
            self._cancel_timers(member_id)
        for member_id in list(self.router.sessions):
            await self.router.detach(member_id)
        for task in list(self._tasks):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    def _spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("hearing %s task failed", self.room.hearing_id, exc_info=task.exception())
