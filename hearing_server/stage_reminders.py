"""Reminders in a staggered hearing (docs/architecture.md#staggered-hearings): who is listed on
an open stage of a started hearing and has not submitted a turn in it (reason ``turn``), or has a
question of the court to them unanswered in it (reason ``question``), is reminded once when the
time left falls below ``court.staggered.remind_threshold`` (the deadline sweep,
hearing_server/stage_deadlines.py, calls ``sweep_reminders``); the bench may remind by hand
(hearing_server/api/reminders_api.py). There is no mail or SMS: the person's invitation page
shows the reminder (``StageOut.reminded_at``). Each reminder is a row (reminder_rows.py) and a
``turn_reminder`` timeline entry. Two processes sweeping at once: each reminder is inserted in
its own transaction with its timeline entry, and the partial unique index refuses the second."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from court.staggered import StageTimes, reminder_due
from hearing_server.api.staggered_models import ReminderSeenOut
from hearing_server.db.database import Database
from hearing_server.db.models import HearingEvent, Participant, utcnow
from hearing_server.db.reminder_rows import ReminderReason, ReminderRow
from hearing_server.db.staggered_rows import QuestionRow, StageRow, StaggeredStart, TurnRow

log = logging.getLogger(__name__)

EVENT = "turn_reminder"


async def not_acted(db: AsyncSession, stage: StageRow) -> dict[int, list[ReminderReason]]:
    """Each listed participant who has something left to do in the stage, with what: ``turn``
    (no statement yet), ``question`` (a question to them unanswered)."""
    submitted = set(
        await db.scalars(select(TurnRow.participant_id).where(TurnRow.stage_id == stage.id))
    )
    asked = set(
        await db.scalars(
            select(QuestionRow.participant_id).where(
                QuestionRow.stage_id == stage.id, QuestionRow.answered_at.is_(None)
            )
        )
    )
    left: dict[int, list[ReminderReason]] = {}
    for participant_id in stage.participant_ids:
        reasons: list[ReminderReason] = []
        if participant_id not in submitted:
            reasons.append("turn")
        if participant_id in asked:
            reasons.append("question")
        if reasons:
            left[participant_id] = reasons
    return left


def add_reminder(
    db: AsyncSession,
    stage: StageRow,
    participant: Participant,
    reason: ReminderReason,
    by: str | None,
) -> ReminderRow:
    """A reminder's row and its timeline entry (``by``: the bench member; None: the sweep)."""
    at = utcnow()
    row = ReminderRow(
        stage_id=stage.id,
        participant_id=participant.id,
        reason=reason,
        deadline=stage.deadline,
        by=by,
        at=at,
    )
    db.add(row)
    db.add(
        HearingEvent(
            hearing_id=stage.hearing_id,
            at=at,
            kind=EVENT,
            actor=by,
            data={
                "stage_id": stage.id,
                "participant_id": participant.id,
                "name": participant.name,
                "reason": reason,
                "deadline": stage.deadline.isoformat(),
                "by": "sweep" if by is None else "court",
            },
        )
    )
    return row


async def sweep_reminders(database: Database, now: datetime | None = None) -> list[ReminderRow]:
    """Remind, as of ``now`` (default: the present), those due a reminder who have not had the
    sweep's for that stage and reason; the reminders made by this call."""
    now = now or utcnow()
    async with database.session() as db:
        stages = list(
            await db.scalars(
                select(StageRow)
                .join(StaggeredStart, StaggeredStart.hearing_id == StageRow.hearing_id)
                .where(
                    StageRow.closed_at.is_(None),
                    StageRow.opens_at <= now,
                    StageRow.deadline > now,
                )
                .order_by(StageRow.id)
            )
        )
        due = [
            s for s in stages if reminder_due(StageTimes(s.opens_at, s.deadline, s.closed_at), now)
        ]
        wanted: list[tuple[StageRow, int, ReminderReason]] = []
        for stage in due:
            done = set(
                (r.participant_id, r.reason)
                for r in await db.scalars(
                    select(ReminderRow).where(
                        ReminderRow.stage_id == stage.id, ReminderRow.by.is_(None)
                    )
                )
            )
            for participant_id, reasons in (await not_acted(db, stage)).items():
                wanted += [
                    (stage, participant_id, reason)
                    for reason in reasons
                    if (participant_id, reason) not in done
                ]
    made = []
    for stage, participant_id, reason in wanted:
        row = await _remind_once(database, stage, participant_id, reason)
        if row is not None:
            made.append(row)
    return made


async def _remind_once(
    database: Database, stage: StageRow, participant_id: int, reason: ReminderReason
) -> ReminderRow | None:
    """The sweep's reminder in its own transaction; None if another process made it first."""
    async with database.session() as db:
        participant = await db.get(Participant, participant_id)
        if participant is None:
            return None
        row = add_reminder(db, stage, participant, reason, None)
        key = (stage.id, participant_id, reason)
        try:
            await db.commit()
        except IntegrityError:
            await db.rollback()
            log.debug("stage %s: %s's %s reminder was made by another sweep", *key)
            return None
        return row


async def latest_reminders(
    db: AsyncSession, stage_id: int, participant_ids: Iterable[int]
) -> dict[int, ReminderSeenOut]:
    """Each of these participants' latest reminder in the stage, and how many they had."""
    ids = list(participant_ids)
    if not ids:
        return {}
    rows = await db.execute(
        select(
            ReminderRow.participant_id,
            func.max(ReminderRow.id),
            func.count(ReminderRow.id),
        )
        .where(ReminderRow.stage_id == stage_id, ReminderRow.participant_id.in_(ids))
        .group_by(ReminderRow.participant_id)
    )
    counts = {latest: count for _, latest, count in rows}
    if not counts:
        return {}
    latest_rows = await db.scalars(select(ReminderRow).where(ReminderRow.id.in_(list(counts))))
    return {
        r.participant_id: ReminderSeenOut(
            participant_id=r.participant_id,
            at=r.at,
            by=r.by,
            reason="question" if r.reason == "question" else "turn",
            count=counts[r.id],
        )
        for r in latest_rows
    }


async def reminder_fields(
    db: AsyncSession, stage: StageRow, participant_id: int | None
) -> dict[str, Any]:
    """``StageOut``'s reminders: a participant's own latest (``reminded_at``), or for staff
    every listed participant's (``reminders``)."""
    if participant_id is not None:
        mine = await latest_reminders(db, stage.id, [participant_id])
        seen = mine.get(participant_id)
        return {"reminded_at": None if seen is None else seen.at, "reminders": []}
    every = await latest_reminders(db, stage.id, stage.participant_ids)
    return {
        "reminded_at": None,
        "reminders": [every[i] for i in stage.participant_ids if i in every],
    }
