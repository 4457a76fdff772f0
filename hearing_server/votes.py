"""A creditors' meeting's votes in the database (docs/architecture.md#votes): the claim table and
the motions as the live hearing and the REST API read them, and the steps of a vote kept."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from court.votes import Choice, Claim
from hearing_server.db.database import Database
from hearing_server.db.models import utcnow
from hearing_server.db.vote_rows import BallotRow, ClaimRow, MotionRow, MotionState
from signaling.store import MotionRecord


async def claims_of(db: AsyncSession, hearing_id: int) -> list[ClaimRow]:
    rows = await db.scalars(
        select(ClaimRow).where(ClaimRow.hearing_id == hearing_id).order_by(ClaimRow.participant_id)
    )
    return list(rows)


async def vote_open(db: AsyncSession, hearing_id: int) -> MotionRow | None:
    """The motion whose vote is open in this hearing, if any."""
    row: MotionRow | None = await db.scalar(
        select(MotionRow).where(
            MotionRow.hearing_id == hearing_id, MotionRow.state == MotionState.OPEN
        )
    )
    return row


async def motion_record(db: AsyncSession, motion: MotionRow) -> MotionRecord:
    claims = await claims_of(db, motion.hearing_id)
    ballots = list(await db.scalars(select(BallotRow).where(BallotRow.motion_id == motion.id)))
    return MotionRecord(
        id=motion.id,
        seq=motion.seq,
        title=motion.title,
        rule=motion.rule.value,
        state=motion.state.value,
        claims=tuple(Claim(c.participant_id, c.amount_fen, c.group) for c in claims),
        ballots={b.participant_id: b.choice for b in ballots},
        opinions={b.participant_id: b.opinion for b in ballots if b.opinion is not None},
        opened_at=motion.opened_at,
        closed_at=motion.closed_at,
        result=motion.result,
    )


async def last_voted(db: AsyncSession, hearing_id: int) -> MotionRecord | None:
    """The motion last opened for a vote in this hearing (open or closed)."""
    motion = await db.scalar(
        select(MotionRow)
        .where(MotionRow.hearing_id == hearing_id, MotionRow.opened_at.is_not(None))
        .order_by(MotionRow.opened_at.desc(), MotionRow.id.desc())
        .limit(1)
    )
    return None if motion is None else await motion_record(db, motion)


class VoteStore:
    """The live hearing's steps of a vote (signaling/store.py's HearingStore methods)."""

    def __init__(self, database: Database) -> None:
        self.database = database

    async def load_motion(self, hearing_id: int, motion_id: int) -> MotionRecord | None:
        async with self.database.session() as db:
            motion = await db.get(MotionRow, motion_id)
            if motion is None or motion.hearing_id != hearing_id:
                return None
            return await motion_record(db, motion)

    async def open_motion(self, motion: MotionRecord) -> bool:
        async with self.database.session() as db:
            opened = await db.execute(
                update(MotionRow)
                .where(MotionRow.id == motion.id, MotionRow.state == MotionState.DRAFT)
                .values(state=MotionState.OPEN, opened_at=motion.opened_at or utcnow())
            )
            await db.commit()
            return bool(getattr(opened, "rowcount", 0))

    async def cast_ballot(
        self,
        motion_id: int,
        creditor_id: int,
        cast_by_id: int,
        choice: Choice,
        opinion: str | None = None,
    ) -> bool:
        async with self.database.session() as db:
            db.add(
                BallotRow(
                    motion_id=motion_id,
                    participant_id=creditor_id,
                    cast_by_id=cast_by_id,
                    choice=choice,
                    opinion=opinion,
                )
            )
            try:
                await db.commit()
            except IntegrityError:
                return False
            return True

    async def close_motion(self, motion_id: int, result: dict[str, object]) -> None:
        async with self.database.session() as db:
            await db.execute(
                update(MotionRow)
                .where(MotionRow.id == motion_id)
                .values(state=MotionState.CLOSED, closed_at=utcnow(), result=result)
            )
            await db.commit()
