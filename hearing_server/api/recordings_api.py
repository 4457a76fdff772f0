"""Searching hearing recordings (docs/architecture.md#recording-and-archive): the recordings
the caller may retrieve (recording_access.py), by case number, day and party. One
recording's detail, archive video, seal check and grants have modules of their own
(recording_*_api.py). Every access is written to the audit log.
"""

from __future__ import annotations

import datetime as dt
from datetime import datetime

from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, Select, func, select

from court.permissions import Action
from hearing_server.api.outputs import RecordingOut, recording_out
from hearing_server.api.queries import day_bounds, escape_like
from hearing_server.api.recording_access import retrievable
from hearing_server.api.routing import Api, Ctx
from hearing_server.audit import audit
from hearing_server.db.models import Case, Hearing, Participant, Recording


class RecordingQuery(BaseModel):
    case_number: str | None = Field(
        default=None, max_length=100, description="Part of the case number."
    )
    date: dt.date | None = Field(
        default=None, description="Recorded (or, if never started, scheduled) on this day."
    )
    party: str | None = Field(
        default=None, max_length=200, description="Part of a participant's name."
    )
    limit: int = Field(default=50, ge=1, le=200)
    offset: int = Field(default=0, ge=0, le=2**31 - 1)


class RecordingList(BaseModel):
    items: list[RecordingOut]
    total: int


def register(api: Api) -> None:
    @api.route(
        "GET",
        "/recordings",
        summary="Search recordings",
        tag="recordings",
        query=RecordingQuery,
        response=RecordingList,
    )
    async def search_recordings(ctx: Ctx, query: RecordingQuery) -> RecordingList:
        who = ctx.require(Action.RETRIEVE_RECORDINGS)
        stmt = _filtered(retrievable(who), query, ctx)
        total = await ctx.db.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        rows = await ctx.db.execute(
            stmt.order_by(_recorded_at().desc(), Recording.id.desc())
            .limit(query.limit)
            .offset(query.offset)
        )
        items = [recording_out(r, h, c) for r, h, c in rows]
        audit(
            ctx.db,
            who.label,
            "search_recordings",
            "recording",
            None,
            ctx.client_ip,
            {**query.model_dump(mode="json", exclude_none=True), "found": total},
        )
        return RecordingList(items=items, total=total)


def _recorded_at() -> ColumnElement[datetime]:
    return func.coalesce(Recording.started_at, Hearing.scheduled_start)


def _filtered(
    stmt: Select[Recording, Hearing, Case], query: RecordingQuery, ctx: Ctx
) -> Select[Recording, Hearing, Case]:
    if query.case_number:
        stmt = stmt.where(Case.number.like(f"%{escape_like(query.case_number)}%", escape="\\"))
    if query.date is not None:
        start, end = day_bounds(query.date, ctx)
        stmt = stmt.where(_recorded_at() >= start, _recorded_at() < end)
    if query.party:
        stmt = stmt.where(
            Recording.hearing_id.in_(
                select(Participant.hearing_id).where(
                    Participant.name.like(f"%{escape_like(query.party)}%", escape="\\")
                )
            )
        )
    return stmt
