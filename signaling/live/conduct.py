"""The bench conducting a live hearing: its state and phase, who is let in or sent back, who
is heard, who is removed (whose identity is checked: identity_check.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from court.kinds import RULES
from court.permissions import Action
from court.presence import Presence
from court.protocol import RemovedOut
from court.staggered import TURN_LIVE_FIRST
from court.states import HearingState, TransitionError, check_transition
from signaling.live.audience import Audience
from signaling.live.identity_check import admission_refusal
from signaling.live.members import Members
from signaling.live.refusals import ActionError, attempt, require
from signaling.live.timeline import Timeline
from signaling.room import Room
from signaling.router import MediaRouter
from signaling.store import HearingStore, Identity


class Conduct:
    def __init__(
        self,
        room: Room,
        store: HearingStore,
        timeline: Timeline,
        audience: Audience,
        router: MediaRouter,
        members: Members,
        close: Callable[[], Awaitable[None]],
        closing: Callable[[Identity], Awaitable[None]],
    ) -> None:
        """``closing``: finish what may not outlive the hearing (an open vote), before it is
        closed; ``close``: end the hearing for everyone once it is closed."""
        self.room = room
        self.store = store
        self.timeline = timeline
        self.audience = audience
        self.router = router
        self.members = members
        self.close = close
        self.closing = closing

    async def change_state(self, actor: Identity, action: Action, target: HearingState) -> None:
        require(self.room, actor, action)
        previous = self.room.state
        try:
            check_transition(previous, target)
        except TransitionError as exc:
            raise ActionError("wrong_state", str(exc)) from exc
        if target is HearingState.OPEN and await self.store.staggered_under_way(
            self.room.hearing_id
        ):
            raise ActionError(
                TURN_LIVE_FIRST,
                "this hearing is being held in stages: turn it into a live hearing on the"
                " stages screen before opening it",
            )
        if target is HearingState.CLOSED:
            await self.closing(actor)
        self.room.state = target
        if target is not HearingState.IN_SESSION:
            # screens are shared, exhibits presented, in session only
            self.room.end_share()
            self.room.end_presenting()
        if target is HearingState.IN_SESSION and self.room.phase is None:
            self.room.phase = RULES[self.room.kind].phases[0]
        await self.timeline.record("state", actor.label, previous, target)
        await self.store.save_state(self.room.hearing_id, target, self.room.phase)
        if target is HearingState.CLOSED:
            await self.close()
            return
        self.router.sync()
        await self.audience.broadcast()

    async def set_phase(self, actor: Identity, phase: str) -> None:
        require(self.room, actor, Action.SET_PHASE)
        phases = RULES[self.room.kind].phases
        if phase not in phases:
            raise ActionError("bad_phase", f"a {self.room.kind} has the phases {', '.join(phases)}")
        previous, self.room.phase = self.room.phase, phase
        await self.timeline.record("phase", actor.label, previous, phase)
        await self.store.save_state(self.room.hearing_id, self.room.state, phase)
        await self.audience.broadcast()

    async def admit(self, actor: Identity, member_id: int) -> None:
        require(self.room, actor, Action.ADMIT)
        refused = admission_refusal(self.room, self.room.member(member_id))
        if refused is not None:
            raise refused
        attempt(lambda: self.room.admit(member_id))
        await self._member_event(
            "admitted", actor, member_id, Presence.WAITING, Presence.IN_HEARING
        )

    async def admit_all(self, actor: Identity) -> list[int]:
        require(self.room, actor, Action.ADMIT)
        admitted = self.room.admit_all(lambda member: admission_refusal(self.room, member) is None)
        self.router.sync()  # media first: the rows below are written while it is negotiated
        for member_id in admitted:
            await self.timeline.record(
                "admitted",
                actor.label,
                Presence.WAITING,
                Presence.IN_HEARING,
                {"participant_id": member_id},
            )
        await self.audience.broadcast()
        return admitted

    async def send_back(self, actor: Identity, member_id: int) -> None:
        require(self.room, actor, Action.SEND_BACK)
        was = self.room.member(member_id).presence
        attempt(lambda: self.room.send_back(member_id))
        await self._member_event("sent_back", actor, member_id, was, Presence.WAITING)

    async def mute(self, actor: Identity, member_id: int, muted: bool) -> None:
        require(self.room, actor, Action.MUTE)
        member = self.room.member(member_id)
        member.bench_muted = muted
        await self._member_event("muted" if muted else "unmuted", actor, member_id, None, None)

    async def mute_all(self, actor: Identity) -> None:
        require(self.room, actor, Action.MUTE)
        muted = [m.id for m in self.room.members.values() if not m.on_bench]
        for member_id in muted:
            self.room.members[member_id].bench_muted = True
        await self.timeline.record("muted_all", actor.label, data={"participant_ids": muted})
        self.router.sync()
        await self.audience.broadcast()

    async def remove(self, actor: Identity, member_id: int) -> None:
        require(self.room, actor, Action.REMOVE)
        was = self.room.member(member_id).presence
        attempt(lambda: self.room.remove(member_id))
        link = self.audience.links.pop(member_id, None)
        self.members.cancel_timers(member_id)
        await self.router.detach(member_id)
        await self._member_event("removed", actor, member_id, was, Presence.REMOVED)
        if link is not None:
            removed = RemovedOut(code="removed", reason="the judge removed you from the hearing")
            await link.emit("removed", removed.model_dump(mode="json"))
            await link.close("removed by the judge")

    async def _member_event(
        self, kind: str, actor: Identity, member_id: int, was: Presence | None, now: Presence | None
    ) -> None:
        self.router.sync()  # media first: the row is written while it is negotiated
        await self.timeline.record(kind, actor.label, was, now, {"participant_id": member_id})
        await self.audience.broadcast()
