"""A staggered hearing's stages (docs/architecture.md#staggered-hearings): the bench of the
hearing's court sets them, each with its participants, its window and its visibility rule;
extends a stage's deadline (also after it passed: the stage reopens, on the record) or closes
it early; and starts the hearing in this form once everyone asked has consented to taking part
online (court/consent.py). The hearing's participants see every stage and their place in it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select

from court.consent import ASKED_ROLES
from court.permissions import Action
from court.roles import BENCH, Role
from court.staggered import StageKind, Visibility, valid_window
from hearing_server.api.errors import ApiError
from hearing_server.api.fields import CourtTime, Id, Name
from hearing_server.api.routing import Api, Ctx
from hearing_server.api.scope import visible_hearing
from hearing_server.api.staggered_models import StageList, StageOut, StartedOut
from hearing_server.api.staggered_scope import (
    live_at,
    on_record,
    stage_access,
    stage_out,
    staggered_hearing,
    started_at,
)
from hearing_server.auth import PrincipalKind
from hearing_server.consent import latest_answers
from hearing_server.db.models import Participant, utcnow
from hearing_server.db.staggered_rows import StageExtension, StageRow, StaggeredStart
from hearing_server.keys import SETTINGS

MAX_LISTED = 100
NOT_LISTED = BENCH | {Role.ASSESSOR, Role.OBSERVER, Role.ADMIN}
"""Roles that never act in a stage (the bench conducts it; assessors and observers only see)."""


class NewStageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: StageKind
    title: Name | None = None
    participant_ids: list[Id] = Field(min_length=1, max_length=MAX_LISTED)
    opens_at: CourtTime | None = Field(default=None, description="Default: now.")
    deadline: CourtTime
    visibility: Visibility


class ExtendIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    deadline: CourtTime = Field(description="Later than the stage's deadline, and than now.")


def register(api: Api) -> None:
    @api.route(
        "POST",
        "/hearings/{hearing_id}/stages",
        summary="Add a stage to a staggered hearing",
        tag="staggered",
        body=NewStageIn,
        response=StageOut,
        status=201,
    )
    async def add_stage(ctx: Ctx, body: NewStageIn) -> StageOut:
        hearing = await staggered_hearing(ctx, ctx.ids["hearing_id"], Action.MANAGE_STAGES)
        who = ctx.user
        opens_at = body.opens_at or utcnow()
        problem = valid_window(opens_at, body.deadline)
        if problem is not None:
            raise ApiError(422, "bad_window", problem)
        await _check_listed(ctx, hearing.id, body.participant_ids)
        last = await ctx.db.scalar(
            select(func.max(StageRow.seq)).where(StageRow.hearing_id == hearing.id)
        )
        stage = StageRow(
            hearing_id=hearing.id,
            seq=(last or 0) + 1,
            kind=body.kind,
            title=body.title,
            participant_ids=list(body.participant_ids),
            opens_at=opens_at,
            deadline=body.deadline,
            visibility=body.visibility,
            created_by=who.label,
        )
        ctx.db.add(stage)
        await ctx.db.flush()
        data = {
            "stage_id": stage.id,
            "seq": stage.seq,
            "kind": str(stage.kind),
            "participant_ids": stage.participant_ids,
            "opens_at": opens_at.isoformat(),
            "deadline": body.deadline.isoformat(),
            "visibility": str(stage.visibility),
            "title": stage.title,
            "zone": ctx.request.app[SETTINGS].court_timezone,
        }
        on_record(ctx, who, hearing.id, "stage_added", ("add_stage", "stage", stage.id), data)
        return await stage_out(ctx.db, stage, None)

    @api.route(
        "GET",
        "/hearings/{hearing_id}/stages",
        summary="A staggered hearing's stages, in order",
        tag="staggered",
        response=StageList,
    )
    async def list_stages(ctx: Ctx) -> StageList:
        """Another kind of hearing has none."""
        hearing = await visible_hearing(ctx, ctx.ids["hearing_id"], Action.VIEW_STAGES)
        ctx.require(Action.VIEW_STAGES, hearing.state)
        stages = await ctx.db.scalars(
            select(StageRow).where(StageRow.hearing_id == hearing.id).order_by(StageRow.seq)
        )
        who = ctx.user
        mine = who.id if who.kind is PrincipalKind.PARTICIPANT else None
        items = [await stage_out(ctx.db, stage, mine) for stage in stages]
        return StageList(items=items, live_at=await live_at(ctx.db, hearing.id))

    @api.route(
        "PATCH",
        "/stages/{stage_id}",
        summary="Extend a stage's deadline (reopening it if the deadline had passed)",
        tag="staggered",
        body=ExtendIn,
        response=StageOut,
    )
    async def extend_stage(ctx: Ctx, body: ExtendIn) -> StageOut:
        access = await stage_access(ctx, ctx.ids["stage_id"], Action.MANAGE_STAGES)
        stage, who = access.stage, access.who
        if body.deadline <= max(stage.deadline, utcnow()):
            raise ApiError(
                422,
                "not_later",
                f"the new deadline must be later than the stage's, {stage.deadline.isoformat()}, "
                "and than now",
            )
        problem = valid_window(stage.opens_at, body.deadline)
        if problem is not None:
            raise ApiError(422, "bad_window", problem)
        if stage.closed_at is not None and stage.closed_at < stage.deadline:
            raise ApiError(409, "stage_closed", "the court closed this stage: it is not extended")
        reopened = stage.closed_at is not None or stage.deadline <= utcnow()
        ctx.db.add(
            StageExtension(
                stage_id=stage.id, previous=stage.deadline, deadline=body.deadline, by=who.label
            )
        )
        data = {
            "stage_id": stage.id,
            "from": stage.deadline.isoformat(),
            "to": body.deadline.isoformat(),
            "reopened": reopened,
            "zone": ctx.request.app[SETTINGS].court_timezone,
            **stage.facts(),
        }
        stage.deadline = body.deadline
        stage.closed_at = None
        on_record(
            ctx, who, stage.hearing_id, "stage_extended", ("extend_stage", "stage", stage.id), data
        )
        await ctx.db.flush()
        return await stage_out(ctx.db, stage, None)

    @api.route(
        "POST",
        "/stages/{stage_id}/close",
        summary="Close a stage before its deadline",
        tag="staggered",
        response=StageOut,
    )
    async def close_stage(ctx: Ctx) -> StageOut:
        access = await stage_access(ctx, ctx.ids["stage_id"], Action.MANAGE_STAGES)
        stage, who = access.stage, access.who
        now = utcnow()
        if stage.closed_at is not None or stage.deadline <= now:
            raise ApiError(409, "stage_closed", "this stage is closed already")
        stage.closed_at = now
        data = {"stage_id": stage.id, "by": "court", **stage.facts()}
        on_record(
            ctx, who, stage.hearing_id, "stage_closed", ("close_stage", "stage", stage.id), data
        )
        await ctx.db.flush()
        return await stage_out(ctx.db, stage, None)

    @api.route(
        "POST",
        "/hearings/{hearing_id}/staggered/start",
        summary="Start the hearing in staggered form (everyone asked must have consented)",
        tag="staggered",
        response=StartedOut,
    )
    async def start_staggered(ctx: Ctx) -> StartedOut:
        hearing = await staggered_hearing(ctx, ctx.ids["hearing_id"], Action.MANAGE_STAGES)
        who = ctx.user
        if (at := await started_at(ctx.db, hearing.id)) is not None:
            raise ApiError(409, "already_started", f"this hearing started at {at.isoformat()}")
        asked = list(
            await ctx.db.scalars(
                select(Participant)
                .where(Participant.hearing_id == hearing.id, Participant.role.in_(ASKED_ROLES))
                .order_by(Participant.id)
            )
        )
        answers = await latest_answers(ctx.db, [p.id for p in asked])
        missing = [p for p in asked if p.id not in answers or not answers[p.id].agreed]
        if missing:
            raise ApiError(
                409,
                "consent_missing",
                "a staggered hearing needs every party's consent to taking part online; not "
                "agreed: " + ", ".join(p.name for p in missing),
                [{"participant_id": p.id, "name": p.name} for p in missing],
            )
        start = StaggeredStart(hearing_id=hearing.id, started_at=utcnow(), started_by=who.label)
        ctx.db.add(start)
        on_record(
            ctx,
            who,
            hearing.id,
            "staggered_started",
            ("start_staggered", "hearing", hearing.id),
            {},
        )
        return StartedOut(started_at=start.started_at)


async def _check_listed(ctx: Ctx, hearing_id: int, ids: list[int]) -> None:
    if len(set(ids)) != len(ids):
        raise ApiError(422, "invalid_request", "participant_ids lists someone twice")
    rows = {
        p.id: p
        for p in await ctx.db.scalars(
            select(Participant).where(Participant.hearing_id == hearing_id, Participant.id.in_(ids))
        )
    }
    wrong = [i for i in ids if i not in rows or rows[i].role in NOT_LISTED]
    if wrong:
        raise ApiError(
            422,
            "not_listable",
            "only the hearing's parties, lawyers and witnesses act in a stage; not: "
            + ", ".join(str(i) for i in wrong),
            [{"participant_id": i} for i in wrong],
        )
