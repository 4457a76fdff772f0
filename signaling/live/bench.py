"""The bench among itself (docs/architecture.md#bench): the presiding judge handing the
conduct of the hearing to another judge, and the bench's private text channel."""

from __future__ import annotations

from court.permissions import Action
from court.protocol import BenchMessageOut
from signaling.live.audience import Audience
from signaling.live.refusals import attempt, require
from signaling.live.timeline import Timeline, utcnow
from signaling.room import Room
from signaling.store import HearingStore, Identity


class Bench:
    def __init__(
        self, room: Room, store: HearingStore, timeline: Timeline, audience: Audience
    ) -> None:
        self.room = room
        self.store = store
        self.timeline = timeline
        self.audience = audience

    async def hand_over(self, actor: Identity, member_id: int) -> None:
        """The presiding judge hands the conduct of the hearing to another judge of the bench;
        everyone sees who presides now, and the timeline keeps it."""
        require(self.room, actor, Action.HAND_OVER)
        attempt(lambda: self.room.hand_over(actor.participant_id, member_id))
        await self.timeline.record(
            "handed_over",
            actor.label,
            str(actor.participant_id),
            str(member_id),
            {"participant_id": member_id},
        )
        await self.store.save_presiding(self.room.hearing_id, member_id)
        await self.audience.broadcast()

    async def chat(self, actor: Identity, text: str) -> None:
        """A message to the bench's private channel: the judges, assessors and clerk connected
        receive it, nobody else. It is not written to the timeline (from which the parties'
        archive is made), nor anywhere else: what the bench says among itself is not part of
        the hearing's record."""
        sender = require(self.room, actor, Action.BENCH_CHAT)
        out = BenchMessageOut(from_id=sender.id, from_name=sender.name, text=text, at=utcnow())
        for member in self.room.members.values():
            link = self.audience.links.get(member.id) if member.on_bench else None
            if link is not None:
                await link.emit("bench_message", out.model_dump(mode="json"))
