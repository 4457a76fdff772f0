"""A staggered hearing's deadlines kept (docs/architecture.md#staggered-hearings): every
`SWEEP_SECONDS` each process closes the stages of started hearings whose deadline passed,
dated by the deadline, and records `deadline_missed` for each listed participant without a
turn (the court decides the consequence). Two processes sweeping at once: the stage's row is
updated only while it is still open, and one missed deadline per person and stage is a
constraint, so each is recorded once. Each sweep also reminds those who have not acted
(hearing_server/stage_reminders.py)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hearing_server.db.database import Database
from hearing_server.db.models import HearingEvent, utcnow
from hearing_server.db.staggered_rows import MissedDeadline, StageRow, StaggeredStart, TurnRow
from hearing_server.stage_reminders import sweep_reminders

log = logging.getLogger(__name__)

SWEEP_SECONDS = 10.0


class StageDeadlines:
    def __init__(self, database: Database) -> None:
        self.database = database

    async def run(self) -> None:
        """Sweep, then wait; until cancelled."""
        while True:
            try:
                await self.sweep()
            except Exception:
                log.exception("closing stages past their deadline failed")
            try:
                await sweep_reminders(self.database)
            except Exception:
                log.exception("reminding those who have not acted failed")
            await asyncio.sleep(SWEEP_SECONDS)

    async def sweep(self) -> list[int]:
        """Close the stages past their deadline; the stages closed."""
        now = utcnow()
        async with self.database.session() as db:
            due = list(
                await db.scalars(
                    select(StageRow)
                    .join(StaggeredStart, StaggeredStart.hearing_id == StageRow.hearing_id)
                    .where(StageRow.closed_at.is_(None), StageRow.deadline <= now)
                    .order_by(StageRow.id)
                )
            )
        closed = []
        for stage in due:
            with contextlib.suppress(IntegrityError):
                if await self._close(stage.id):
                    closed.append(stage.id)
        return closed

    async def _close(self, stage_id: int) -> bool:
        async with self.database.session() as db:
            stage = await db.get(StageRow, stage_id)
            if stage is None or not await close_past_deadline(db, stage):
                return False
            await db.commit()
        return True


async def close_past_deadline(db: AsyncSession, stage: StageRow) -> bool:
    """Close ``stage``, whose deadline passed, dated by its deadline, with `stage_closed` and
    the missed deadlines on the timeline; False if it was closed (or extended) meanwhile."""
    deadline = stage.deadline
    result = await db.execute(
        update(StageRow)
        .where(
            StageRow.id == stage.id,
            StageRow.closed_at.is_(None),
            StageRow.deadline == deadline,
        )
        .values(closed_at=deadline)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    at = utcnow()
    db.add(
        HearingEvent(
            hearing_id=stage.hearing_id,
            at=at,
            kind="stage_closed",
            actor=None,
            data={
                "stage_id": stage.id,
                "by": "deadline",
                "deadline": deadline.isoformat(),
                **stage.facts(),
            },
        )
    )
    await record_missed(db, stage, deadline, at)
    return True


async def record_missed(
    db: AsyncSession, stage: StageRow, deadline: datetime, at: datetime
) -> None:
    """Record `deadline_missed` (a row and a timeline entry at ``at``) for each participant
    listed on ``stage`` who has no turn in it and none recorded yet; ``deadline``: when the
    stage closed on them (its deadline, or when the court closed the hearing)."""
    acted = set(
        await db.scalars(select(TurnRow.participant_id).where(TurnRow.stage_id == stage.id))
    )
    recorded = set(
        await db.scalars(
            select(MissedDeadline.participant_id).where(MissedDeadline.stage_id == stage.id)
        )
    )
    for participant_id in stage.participant_ids:
        if participant_id in acted or participant_id in recorded:
            continue
        db.add(MissedDeadline(stage_id=stage.id, participant_id=participant_id, deadline=deadline))
        db.add(
            HearingEvent(
                hearing_id=stage.hearing_id,
                at=at,
                kind="deadline_missed",
                actor=None,
                data={
                    "stage_id": stage.id,
                    "participant_id": participant_id,
                    "deadline": deadline.isoformat(),
                    **stage.facts(),
                },
            )
        )
