"""Votes, live (docs/architecture.md#votes): the presiding judge opens the vote on a motion in the
kind's phase for it, each voter casts one ballot, the judge closes it and everyone is shown the
result. In a creditors' meeting each creditor (or their agent) votes from their phone and the
motion's rule counts heads and claims (court/votes.py); in a deliberation each judge (and
assessor) votes with their opinion, the majority of all of them decides and the dissent is kept
(court/deliberation.py). Every step is on the timeline; ballots and the result are kept by the
store, whose one-ballot-per-voter constraint holds across processes too."""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any

from court.deliberation import (
    DECISION_PHASE,
    DELIBERATION_KINDS,
    Voter,
    decide,
    no_vote_reason,
    votes_in,
)
from court.kinds import HearingKind
from court.permissions import Action
from court.presence import Presence
from court.roles import Role
from court.vote_record import result_data
from court.vote_views import BallotView, OpinionView, VoteView, result_view
from court.votes import VOTE_PHASE, Choice, Claim, Rule, compute, votes_on
from signaling.live.audience import Audience
from signaling.live.refusals import ActionError, require
from signaling.live.timeline import Timeline, utcnow
from signaling.room import Member, Room
from signaling.store import HearingStore, Identity, MotionRecord

_AT_THE_MEETING = (Presence.IN_HEARING, Presence.IN_CONSULTATION)
"""Presences that count as present at the meeting (a consultation with one's agent is a
moment aside, not leaving)."""


@dataclass
class LiveMotion:
    id: int
    seq: int
    title: str
    rule: Rule
    claims: dict[int, Claim]
    ballots: dict[int, Choice] = field(default_factory=dict)
    opinions: dict[int, str] = field(default_factory=dict)
    """A deliberation's: each ballot's opinion."""
    opened_at: datetime = field(default_factory=utcnow)
    closed_at: datetime | None = None
    result: dict[str, Any] | None = None

    @classmethod
    def of(cls, record: MotionRecord) -> LiveMotion:
        return cls(
            id=record.id,
            seq=record.seq,
            title=record.title,
            rule=Rule(record.rule),
            claims={claim.participant_id: claim for claim in record.claims},
            ballots=dict(record.ballots),
            opinions=dict(record.opinions),
            opened_at=record.opened_at or utcnow(),
            closed_at=record.closed_at,
            result=record.result,
        )

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Votes:
    def __init__(
        self,
        room: Room,
        store: HearingStore,
        timeline: Timeline,
        audience: Audience,
        last: MotionRecord | None = None,
    ) -> None:
        self.room = room
        self.store = store
        self.timeline = timeline
        self.audience = audience
        self.motion = None if last is None else LiveMotion.of(last)
        """The motion being voted on, or the last one voted on."""
        self._lock = asyncio.Lock()
        """One step at a time: a ballot is checked and kept before the next, and a close sees
        every ballot kept before it."""

    async def open(self, actor: Identity, motion_id: int) -> None:
        require(self.room, actor, Action.OPEN_VOTE)
        deliberation = self.room.kind in DELIBERATION_KINDS
        if deliberation and self.room.phase != DECISION_PHASE:
            raise ActionError(
                "not_vote_phase", "a question is put to the vote in the decision phase"
            )
        if not deliberation and (
            self.room.kind is not HearingKind.CREDITORS_MEETING or self.room.phase != VOTE_PHASE
        ):
            raise ActionError(
                "not_vote_phase", "a vote is opened in the vote phase of a creditors' meeting"
            )
        async with self._lock:
            if self.motion is not None and self.motion.is_open:
                raise ActionError("vote_open", f"close the vote on motion {self.motion.seq} first")
            record = await self.store.load_motion(self.room.hearing_id, motion_id)
            if record is None:
                raise ActionError("not_found", f"this meeting has no motion {motion_id}")
            if record.state != "draft":
                raise ActionError("vote_done", f"motion {record.seq} was voted on already")
            if (Rule(record.rule) is Rule.PANEL_MAJORITY) != deliberation:
                raise ActionError("wrong_rule", f"motion {record.seq}'s rule is not this hearing's")
            if deliberation and not self.voters():
                raise ActionError("no_voters", "nobody in this hearing has a vote")
            if not deliberation and not any(
                votes_on(Rule(record.rule), claim) for claim in record.claims
            ):
                raise ActionError(
                    "no_claims", "no creditor has a claim with a vote on this motion: set claims"
                )
            record = replace(record, opened_at=utcnow())
            if not await self.store.open_motion(record):
                raise ActionError("vote_done", f"motion {record.seq} was voted on already")
            self.motion = LiveMotion.of(record)
            await self.timeline.record(
                "vote_opened",
                actor.label,
                now=str(record.id),
                data={
                    "motion_id": record.id,
                    "seq": record.seq,
                    "title": record.title,
                    "rule": record.rule,
                },
            )
        await self.audience.broadcast()

    async def cast(
        self,
        actor: Identity,
        motion_id: int,
        choice: Choice,
        creditor_id: int | None,
        opinion: str | None = None,
    ) -> dict[str, Any]:
        if self.room.kind in DELIBERATION_KINDS:
            return await self._cast_opinion(actor, motion_id, choice, creditor_id, opinion)
        member = require(self.room, actor, Action.CAST_BALLOT)
        creditor = _whose(member, creditor_id)
        if opinion is not None:
            raise ActionError("no_opinion", "a creditor's ballot carries no opinion")
        if member.presence not in _AT_THE_MEETING:
            raise ActionError("not_in_hearing", "you can vote once you are in the meeting")
        async with self._lock:
            motion = self._open_motion(motion_id)
            claim = motion.claims.get(creditor)
            if claim is None or not votes_on(motion.rule, claim):
                raise ActionError(
                    "no_vote", f"{self.room.member(creditor).name} has no vote on this motion"
                )
            if creditor in motion.ballots:
                raise ActionError("already_voted", "this creditor's ballot is cast already")
            if not await self.store.cast_ballot(motion.id, creditor, member.id, choice):
                raise ActionError("already_voted", "this creditor's ballot is cast already")
            motion.ballots[creditor] = choice
            await self.timeline.record(
                "ballot_cast",
                actor.label,
                now=choice.value,
                data={"motion_id": motion.id, "participant_id": creditor, "cast_by": member.id},
            )
        await self.audience.broadcast()
        return {"ok": True, "creditor_id": creditor, "choice": choice.value}

    async def _cast_opinion(
        self,
        actor: Identity,
        motion_id: int,
        choice: Choice,
        voter_id: int | None,
        opinion: str | None,
    ) -> dict[str, Any]:
        """A deliberation's ballot: a voting member's own, with their opinion."""
        member = self.room.member(actor.participant_id)
        if not votes_in(self.room.kind, member.role):
            raise ActionError("no_vote", no_vote_reason(self.room.kind, member.role))
        require(self.room, actor, Action.CAST_VOTE)
        if voter_id is not None and voter_id != member.id:
            raise ActionError("not_yours", "each member of the panel casts their own vote")
        text = (opinion or "").strip()
        if not text:
            raise ActionError("opinion_required", "give your opinion with your vote")
        if member.presence not in _AT_THE_MEETING:
            raise ActionError("not_in_hearing", "you can vote once you are in the deliberation")
        async with self._lock:
            motion = self._open_motion(motion_id)
            if member.id in motion.ballots or not await self.store.cast_ballot(
                motion.id, member.id, member.id, choice, text
            ):
                raise ActionError("already_voted", "your vote is cast already")
            motion.ballots[member.id], motion.opinions[member.id] = choice, text
            await self.timeline.record(
                "ballot_cast",
                actor.label,
                now=choice.value,
                data={
                    "motion_id": motion.id,
                    "participant_id": member.id,
                    "cast_by": member.id,
                    "opinion": text,
                },
            )
        await self.audience.broadcast()
        return {"ok": True, "creditor_id": member.id, "choice": choice.value}

    async def close(self, actor: Identity, motion_id: int) -> dict[str, Any]:
        require(self.room, actor, Action.CLOSE_VOTE)
        async with self._lock:
            result = await self._count(actor, self._open_motion(motion_id), with_hearing=False)
        await self.audience.broadcast()
        return {"ok": True, "passed": result["passed"]}

    async def close_with_hearing(self, actor: Identity) -> None:
        """The hearing closes while a vote is open: the vote closes with it, counted as it
        stands (docs/architecture.md#votes). Closing the meeting ends the time to vote, as a
        voting deadline does: a creditor present who cast nothing counts as present and not
        for, as at any close, and the ballots cast stay cast. Left open, the vote would stay
        "open" in the store for ever, with a result nobody could ever give."""
        async with self._lock:
            motion = self.motion
            if motion is not None and motion.is_open:
                await self._count(actor, motion, with_hearing=True)

    async def _count(
        self, actor: Identity, motion: LiveMotion, with_hearing: bool
    ) -> dict[str, Any]:
        """Close ``motion``'s vote: its result, kept and on the timeline (lock held)."""
        present = sorted(self.present())
        result = self._result(motion, present)
        await self.store.close_motion(motion.id, result)
        motion.closed_at, motion.result = utcnow(), result
        await self.timeline.record(
            "vote_closed",
            actor.label,
            now="passed" if result["passed"] else "not_passed",
            data={
                "motion_id": motion.id,
                "seq": motion.seq,
                "title": motion.title,
                "rule": motion.rule.value,
                "present": present,
                "result": result,
                "with_hearing": with_hearing,
            },
        )
        return result

    def _open_motion(self, motion_id: int) -> LiveMotion:
        motion = self.motion
        if motion is None or motion.id != motion_id:
            raise ActionError("vote_not_open", f"no vote is open on motion {motion_id}")
        if not motion.is_open:
            raise ActionError("vote_closed", f"the vote on motion {motion.seq} is closed")
        return motion

    def _result(self, motion: LiveMotion, present: list[int]) -> dict[str, Any]:
        """The motion's result as it stands, as plain data (court/vote_record.py)."""
        if motion.rule is not Rule.PANEL_MAJORITY:
            return result_data(
                compute(motion.rule, motion.claims.values(), motion.ballots, present)
            )
        cast = {v: (c, motion.opinions.get(v, "")) for v, c in motion.ballots.items()}
        result, opinions = decide(self.voters(), cast, present)
        return {
            **result_data(result),
            "opinions": [
                {**asdict(o), "role": o.role.value, "choice": o.choice and o.choice.value}
                for o in opinions
            ],
        }

    def voters(self) -> list[Voter]:
        """A deliberation's voting members (all of them, there or not)."""
        return [
            Voter(m.id, m.name, m.role)
            for m in self.room.members.values()
            if votes_in(self.room.kind, m.role)
        ]

    def present(self) -> set[int]:
        """Creditors at the meeting now: in it themselves, or through their agent. In a
        deliberation: the voting members in it."""
        if self.room.kind in DELIBERATION_KINDS:
            return {
                v.participant_id
                for v in self.voters()
                if self.room.member(v.participant_id).presence in _AT_THE_MEETING
            }
        here: set[int] = set()
        for member in self.room.members.values():
            if member.presence not in _AT_THE_MEETING:
                continue
            if member.role is Role.CREDITOR:
                here.add(member.id)
            elif member.role is Role.AGENT and member.represents_id is not None:
                here.add(member.represents_id)
        return here

    def view(self, member_id: int) -> VoteView | None:
        """The vote as this member is shown it: nothing in the waiting room; the live tally to
        the bench; the result to everyone once closed."""
        motion = self.motion
        member = self.room.member(member_id)
        if motion is None or member.presence not in _AT_THE_MEETING:
            return None
        if motion.rule is Rule.PANEL_MAJORITY:
            voters = [member.id] if votes_in(self.room.kind, member.role) else []
        else:
            voters = [
                creditor
                for creditor in _mine(member)
                if creditor in motion.claims and votes_on(motion.rule, motion.claims[creditor])
            ]
        opinions: list[OpinionView] = []
        if motion.result is not None:
            tally = result_view(motion.result, closed=True)
            if member.on_bench:
                opinions = [
                    OpinionView.model_validate(o) for o in motion.result.get("opinions", [])
                ]
        elif member.on_bench:
            tally = result_view(self._result(motion, sorted(self.present())), closed=False)
        else:
            tally = None
        return VoteView(
            motion_id=motion.id,
            seq=motion.seq,
            title=motion.title,
            rule=motion.rule,
            state="open" if motion.is_open else "closed",
            opened_at=motion.opened_at,
            closed_at=motion.closed_at,
            voters=voters,
            ballots=[
                BallotView(creditor_id=c, choice=motion.ballots[c], opinion=motion.opinions.get(c))
                for c in voters
                if c in motion.ballots
            ],
            cast=len(motion.ballots),
            tally=tally,
            opinions=opinions,
        )


def _mine(member: Member) -> list[int]:
    """Whom this member votes for: a creditor themself, an agent their client."""
    if member.role is Role.CREDITOR:
        return [member.id]
    if member.role is Role.AGENT and member.represents_id is not None:
        return [member.represents_id]
    return []


def _whose(member: Member, creditor_id: int | None) -> int:
    """The creditor a ballot is for; refused when it is not the member's to cast."""
    mine = _mine(member)
    if not mine:
        raise ActionError("no_vote", "you represent no creditor")
    if creditor_id is None:
        return mine[0]
    if creditor_id not in mine:
        raise ActionError(
            "not_yours", "you may vote only for yourself or the creditor you represent"
        )
    return creditor_id
