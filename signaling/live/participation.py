"""What a participant does for themselves in a live hearing: raise a hand, switch their own
microphone and camera, consult their lawyer (or client) in private, report their self-test;
and the messages between participants and the bench."""

from __future__ import annotations

from court.interpretation import signs
from court.permissions import Action
from court.presence import Presence
from court.protocol import MessageOut
from court.roles import Role
from signaling.live.audience import Audience
from signaling.live.refusals import ActionError, attempt, require
from signaling.live.timeline import Timeline, utcnow
from signaling.room import Room
from signaling.router import MediaRouter
from signaling.store import Identity


class Participation:
    def __init__(
        self, room: Room, timeline: Timeline, audience: Audience, router: MediaRouter
    ) -> None:
        self.room = room
        self.timeline = timeline
        self.audience = audience
        self.router = router

    async def raise_hand(self, actor: Identity, raised: bool) -> None:
        member = require(self.room, actor, Action.RAISE_HAND)
        if member.presence is not Presence.IN_HEARING:
            raise ActionError("refused", "you can raise your hand once you are in the hearing")
        member.hand_raised = raised
        await self.timeline.record("hand_raised" if raised else "hand_lowered", actor.label)
        await self.audience.broadcast()

    async def listen(self, actor: Identity, interpreter_id: int | None) -> None:
        """Hear the floor (None) or a spoken interpreter's channel; the bench sees the choice."""
        member = require(self.room, actor, Action.CHOOSE_LISTENING)
        if interpreter_id is not None:
            interpreter = self.room.members.get(interpreter_id)
            if (
                interpreter is None
                or interpreter.role is not Role.INTERPRETER
                or interpreter.interprets is None
                or signs(interpreter.interprets)
            ):
                raise ActionError(
                    "not_interpreter", "that is no spoken interpreter of this hearing"
                )
        member.listening = interpreter_id
        await self.audience.broadcast()

    async def set_media(self, actor: Identity, audio: bool, video: bool) -> None:
        """The person's own microphone and camera switches (the bench's mute still wins)."""
        member = self.room.member(actor.participant_id)
        member.self_muted, member.camera_off = not audio, not video
        self.router.sync()
        await self.audience.broadcast()

    async def consult(self, actor: Identity, other_id: int) -> None:
        require(self.room, actor, Action.CONSULT)
        attempt(lambda: self.room.consult(actor.participant_id, other_id))
        self.router.sync()
        await self.timeline.record_consultations(actor.label)
        await self.audience.broadcast()

    async def end_consultation(self, actor: Identity) -> None:
        attempt(lambda: self.room.end_consultation(actor.participant_id))
        self.router.sync()
        await self.timeline.record_consultations(actor.label)
        await self.audience.broadcast()

    async def self_test(
        self, actor: Identity, camera: bool, microphone: bool, network: str
    ) -> None:
        """The person's own self-test: on the timeline, and an alert to the bench if it failed.

        Someone whose camera or microphone failed may still take part (with the microphone
        only, or watching and listening): the bench sees it in the participant list. The
        client repeats its report on every connection (so a hearing placed again on another
        process knows too); a report the same as the last one changes nothing.
        """
        require(self.room, actor, Action.REPORT_SELF_TEST)
        member_id = actor.participant_id
        if self.audience.self_tests.get(member_id) == (camera, microphone, network):
            return
        self.audience.self_tests[member_id] = (camera, microphone, network)
        result = {"camera": camera, "microphone": microphone, "network": network}
        await self.timeline.record(
            "self_test", actor.label, data={"participant_id": member_id, **result}
        )
        failed = [name for name in ("camera", "microphone") if not result[name]]
        if network == "failed":
            failed.append("network")
        if failed:
            await self.audience.alert(
                "self_test_failed",
                member_id,
                f"{actor.name}'s self-test failed: {', '.join(failed)}",
                failed=failed,
            )
        await self.audience.broadcast()

    async def message(self, actor: Identity, to: int | str, text: str) -> None:
        """Participants write to the bench; the bench writes to one participant."""
        sender = self.room.member(actor.participant_id)
        if to == "bench":
            require(self.room, actor, Action.MESSAGE_BENCH)
            recipients = [m.id for m in self.room.members.values() if m.on_bench]
        else:
            require(self.room, actor, Action.MESSAGE_PARTICIPANT)
            assert isinstance(to, int)
            recipients = [
                self.room.member(to).id,
                *(m.id for m in self.room.members.values() if m.on_bench),
            ]
        out = MessageOut(from_id=sender.id, from_name=sender.name, to=to, text=text, at=utcnow())
        await self.timeline.record("message", actor.label, None, str(to), {"text": text})
        for member_id in dict.fromkeys(recipients):
            link = self.audience.links.get(member_id)
            if link is not None:
                await link.emit("message", out.model_dump(mode="json"))
