"""Members coming and going: a connection arrives, drops (the place is held for a grace
window), comes back, leaves (``left``), does not come back in time (``left_without_leave``),
or ends because the invitation it used stopped working."""

from __future__ import annotations

import asyncio

from court.permissions import Action, refusal
from court.presence import Presence
from court.protocol import ConsentView, RemovedOut
from signaling.background import BackgroundTasks
from signaling.live.audience import Audience, Link
from signaling.live.media import HearingMedia
from signaling.live.refusals import ActionError
from signaling.live.timeline import Timeline, utcnow
from signaling.room import Member, Room, RoomError
from signaling.store import Identity, ParticipantRecord

INVITATION_ENDINGS = {
    "invitation_withdrawn": "the court withdrew your invitation",
    "invitation_expired": "your invitation has expired",
    "invitation_replaced": "the court gave you a new invitation link; this one no longer works",
    "bench_grant_ended": "the court no longer lets you sit on this hearing's panel",
}
"""Why an invited person's connection was ended while they were connected, by code."""


class Members:
    def __init__(
        self,
        room: Room,
        timeline: Timeline,
        audience: Audience,
        media: HearingMedia,
        tasks: BackgroundTasks,
        grace_seconds: float,
    ) -> None:
        self.room = room
        self.timeline = timeline
        self.audience = audience
        self.media = media
        self.tasks = tasks
        self.grace_seconds = grace_seconds
        self._identities: dict[int, Identity] = {}
        self._grace: dict[int, asyncio.TimerHandle] = {}
        self._expiry: dict[int, asyncio.TimerHandle] = {}
        """When each connected member's invitation expires (invited people only)."""

    def add(self, p: ParticipantRecord) -> None:
        """Make a participant known (see ``LiveHearing.add_participant``); one known already
        takes a newer answer on taking part online from the record (a missed update)."""
        known = self.room.members.get(p.id)
        if known is not None:
            if newer_consent(p.consent, known.consent):
                known.consent = p.consent
        else:
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
                consent=p.consent,
                presiding=p.presiding,
                interprets=p.interprets,
            )

    async def connect(self, identity: Identity, link: Link, offers_first: bool) -> None:
        """A member's connection arrived; place them by role and admission."""
        refused = refusal(identity.role, Action.JOIN, self.room.state)
        if refused is not None:
            raise ActionError("forbidden", refused)
        member_id = identity.participant_id
        if self.room.member(member_id).presence is Presence.REMOVED:
            raise ActionError("removed", "the court removed you from this hearing")
        previous = self.audience.links.pop(member_id, None)
        if previous is not None:
            await self.media.detach(member_id)
            self.room.member(member_id).media_stalled = False
            await previous.close("you joined from another device or tab")
        self.cancel_timers(member_id)
        was = self.room.member(member_id).presence
        try:
            presence = self.room.arrive(member_id)
        except RoomError as exc:
            raise ActionError("refused", str(exc)) from exc
        self.audience.links[member_id] = link
        self._identities[member_id] = identity
        self.media.attach(identity, offers_first)
        if identity.expires_at is not None:
            self._expiry[member_id] = asyncio.get_running_loop().call_later(
                max(0.0, (identity.expires_at - utcnow()).total_seconds()),
                lambda: self.tasks.spawn(self.end_invitation(member_id, "invitation_expired")),
            )
        await link.emit("welcome", self.media.welcome(identity).model_dump(mode="json"))
        kind = "reconnected" if was is Presence.RECONNECTING else "joined"
        await self.timeline.record(
            kind, identity.label, was, presence, {"participant_id": member_id}
        )
        if kind == "reconnected":
            await self.audience.alert("reconnected", member_id, f"{identity.name} is back")
        self.media.router.sync()
        await self.audience.broadcast()

    async def disconnect(self, member_id: int, link: Link) -> None:
        """A connection ended without a goodbye: hold the member's place for the grace window."""
        if self.audience.links.get(member_id) is not link:
            return  # an older connection, already replaced
        del self.audience.links[member_id]
        self.cancel_timers(member_id)
        await self.media.detach(member_id)
        member = self.room.member(member_id)
        if member.presence not in (Presence.LEFT, Presence.REMOVED):
            was = member.presence
            self.room.drop(member_id)
            await self.timeline.record(
                "dropped",
                self.label(member_id),
                was,
                member.presence,
                {"participant_id": member_id},
            )
            await self.audience.alert("dropped", member_id, f"{member.name} lost the connection")
            loop = asyncio.get_running_loop()
            self._grace[member_id] = loop.call_later(
                self.grace_seconds, lambda: self.tasks.spawn(self._expire(member_id))
            )
        self.media.router.sync()
        await self.audience.broadcast()

    async def _expire(self, member_id: int) -> None:
        """The grace window ran out: they left without leave (no ``leave`` of their own, no
        return), which the timeline and the transcript keep apart from a ``left``, and the
        bench is told (leaving without the court's leave has consequences, court/consent.py).
        The bench needs nobody's leave: theirs stays a ``left``."""
        self._grace.pop(member_id, None)
        member = self.room.member(member_id)
        held = member.resume_to
        if not self.room.expire(member_id):
            return
        kind = "left" if member.on_bench else "left_without_leave"
        data = {
            "participant_id": member_id,
            "reason": "did not reconnect within the grace window",
            "grace_seconds": self.grace_seconds,
            "held": None if held is None else str(held),
        }
        await self.timeline.record(
            kind, self.label(member_id), Presence.RECONNECTING, Presence.LEFT, data
        )
        if kind == "left_without_leave":
            message = f"{member.name} left without the court's leave"
            await self.audience.alert(kind, member_id, message)
        await self.audience.broadcast()

    async def end_invitation(self, member_id: int, code: str) -> None:
        """The invitation the member connected with stopped working (``code``: a key of
        INVITATION_ENDINGS): tell them why, end their media and connection now, and free their
        place (a new invitation brings them back to the waiting room). Nothing if they are not
        connected here, nor held for a reconnection."""
        member = self.room.members.get(member_id)
        link = self.audience.links.pop(member_id, None)
        if member is None or (link is None and member.presence is not Presence.RECONNECTING):
            return
        self.cancel_timers(member_id)
        await self.media.detach(member_id)
        was = member.presence
        self.room.leave(member_id)
        data = {"participant_id": member_id, "code": code}
        await self.timeline.record(
            "invitation_ended", self.label(member_id), was, Presence.LEFT, data
        )
        self.media.router.sync()
        await self.audience.broadcast()
        if link is not None:
            reason = INVITATION_ENDINGS[code]
            await link.emit("removed", RemovedOut(code=code, reason=reason).model_dump(mode="json"))
            await link.close(reason)

    async def leave(self, member_id: int) -> None:
        """The person chose to leave."""
        link = self.audience.links.pop(member_id, None)
        self.cancel_timers(member_id)
        await self.media.router.detach(member_id)
        was = self.room.member(member_id).presence
        self.room.leave(member_id)
        await self.timeline.record(
            "left", self.label(member_id), was, Presence.LEFT, {"participant_id": member_id}
        )
        self.media.router.sync()
        await self.audience.broadcast()
        if link is not None:
            # Not awaited here: the leaver's own `leave` acknowledgement must go out first. It
            # is queued as soon as this handler returns, before the spawned task first runs.
            self.tasks.spawn(link.close("you left the hearing"))

    def cancel_timers(self, member_id: int) -> None:
        """Stop waiting for the member's return and for their invitation's expiry."""
        for timers in (self._grace, self._expiry):
            timer = timers.pop(member_id, None)
            if timer is not None:
                timer.cancel()

    def cancel_all_timers(self) -> None:
        for member_id in [*self._grace, *self._expiry]:
            self.cancel_timers(member_id)

    def label(self, member_id: int) -> str:
        """Who the member is on the timeline (their identity's label once they connected)."""
        identity = self._identities.get(member_id)
        return identity.label if identity else f"participant:{member_id}"


def newer_consent(update: ConsentView | None, held: ConsentView | None) -> bool:
    """Whether ``update`` is a later answer than the one ``held`` (answers only move forward:
    an update that crossed a newer one on its way is dropped)."""
    if update is None:
        return False
    if held is None or held.at is None:
        return True
    return update.at is not None and update.at >= held.at
