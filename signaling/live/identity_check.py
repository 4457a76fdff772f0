"""The bench checks a person's identity (docs/architecture.md#identity-check): the document the
clerk read, the last digits of its number, and a still the server takes of the person's camera
from the video it already receives (signaling/media/still.py), kept by the store and shown to
the bench and the archive only. A kind that requires it admits nobody unchecked."""

from __future__ import annotations

import logging

from court.identity import UNCHECKED_ROLES, must_be_checked, normalized_digits, phase_refusal
from court.permissions import Action
from court.presence import Presence
from signaling.live.audience import Audience
from signaling.live.refusals import ActionError, require
from signaling.live.timeline import Timeline
from signaling.media.still import Still, StillError, capture_still
from signaling.room import Member, Room
from signaling.router import MediaRouter
from signaling.store import HearingStore, Identity, IdentityCheck

log = logging.getLogger(__name__)

STILL_WAIT_SECONDS = 4.0
"""How long the server waits for the person's camera to send a keyframe it asked for."""
DECODE_BUDGET_SECONDS = 3.0


def admission_refusal(room: Room, member: Member) -> ActionError | None:
    """Why `member` may not be admitted yet: their identity is unchecked in a hearing of a kind
    that requires the check first."""
    if must_be_checked(room.kind, member.role) and not member.identity_verified:
        return ActionError(
            "identity_unverified",
            f"check {member.name}'s identity before admitting them: a {room.kind} admits "
            "nobody unchecked",
        )
    return None


class IdentityChecks:
    def __init__(
        self,
        room: Room,
        store: HearingStore,
        timeline: Timeline,
        audience: Audience,
        router: MediaRouter,
        still_wait: float = STILL_WAIT_SECONDS,
        decode_budget: float = DECODE_BUDGET_SECONDS,
    ) -> None:
        self.room = room
        self.store = store
        self.timeline = timeline
        self.audience = audience
        self.router = router
        self.still_wait = still_wait
        self.decode_budget = decode_budget

    async def check(
        self, actor: Identity, member_id: int, document_type: str, digits: str
    ) -> tuple[int, IdentityCheck]:
        """Check `member_id`'s identity now: refused (ActionError) if the bench may not, else
        kept with a still of their camera, or with why there is none."""
        require(self.room, actor, Action.VERIFY_IDENTITY)
        member = self.room.member(member_id)
        if member.role in UNCHECKED_ROLES:
            raise ActionError(
                "not_checked",
                f"{member.name} ({member.role}): the bench and observers are not checked",
            )
        try:
            kept_digits = normalized_digits(digits)
        except ValueError as exc:
            raise ActionError("bad_digits", str(exc)) from exc
        refused = phase_refusal(
            self.room.state, self.room.phase, member.presence is Presence.WAITING
        )
        if refused is not None:
            raise ActionError("wrong_phase", refused)
        still, no_still = await self._still(member_id)
        check = IdentityCheck(
            participant_id=member_id,
            document_type=document_type,
            digits=kept_digits,
            still=None if still is None else still.jpeg,
            width=0 if still is None else still.width,
            height=0 if still is None else still.height,
            no_still=no_still,
        )
        check_id = await self.store.record_identity_check(self.room.hearing_id, actor, check)
        member.identity_verified = True
        # the timeline (and so the sealed manifest a granted party may read) names the check,
        # never the digits: those stay with the bench and the archive
        await self.timeline.record(
            "identity_verified",
            actor.label,
            data={
                "participant_id": member_id,
                "check_id": check_id,
                "document_type": document_type,
                "still": still is not None,
            },
        )
        await self.audience.broadcast()
        return check_id, check

    async def _still(self, member_id: int) -> tuple[Still | None, str | None]:
        """A still of the member's camera, or None and why not."""
        camera = next(
            (
                track
                for track in self.router.tracks.get(member_id, [])
                if track.kind == "video" and self.router.source(member_id, track) == "camera"
            ),
            None,
        )
        if camera is None:
            return None, "no camera video from this person reaches the server"
        try:
            return await capture_still(camera, self.still_wait, self.decode_budget), None
        except StillError as exc:
            log.info("no identity still of participant %s: %s", member_id, exc)
            return None, str(exc)
