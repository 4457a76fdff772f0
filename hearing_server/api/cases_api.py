"""Cases and the hearings scheduled in them."""

from __future__ import annotations

import datetime as dt
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Select, func, or_, select

from court.kinds import RULES, HearingKind
from court.permissions import Action
from court.roles import Role
from court.states import HearingState, TransitionError, check_transition
from hearing_server.api.creation import add_audited
from hearing_server.api.errors import ApiError
from hearing_server.api.fields import CaseNumber, Cause, CourtTime, Id, Title
from hearing_server.api.outputs import HearingList, HearingOut, hearing_out
from hearing_server.api.queries import day_bounds, escape_like
from hearing_server.api.routing import Api, Ctx
from hearing_server.api.scope import visible_case, visible_hearing
from hearing_server.audit import audit
from hearing_server.auth import Principal
from hearing_server.bench_grants import granted_hearing_ids
from hearing_server.db.models import Case, Courtroom, Hearing, HearingEvent, Participant, User


class CaseIn(BaseModel):
    number: CaseNumber
    title: Title
    cause: Cause | None = Field(
        default=None,
        description="The cause of action (案由), e.g. 买卖合同纠纷: what a public hearing's page "
        "shows of the case besides its number (never the title, which may name the parties).",
    )
    kind: HearingKind
    judge_id: Id | None = Field(
        default=None, description="The judge in charge; defaults to the caller if a judge."
    )


class CaseOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    court_id: int
    number: str
    title: str
    cause: str | None
    kind: HearingKind
    judge_id: int | None
    created_at: datetime


class CaseList(BaseModel):
    items: list[CaseOut]
    total: int


class CaseQuery(BaseModel):
    number: str | None = Field(default=None, max_length=100, description="Exact case number.")
    q: str | None = Field(
        default=None, max_length=100, description="Part of the case number or title."
    )
    party: str | None = Field(
        default=None, max_length=200, description="Part of a participant's name."
    )
    limit: int = Field(default=50, ge=1, le=200)
    offset: int = Field(default=0, ge=0, le=2**31 - 1)


class HearingIn(BaseModel):
    title: Title | None = Field(default=None, description="Defaults to the case title.")
    kind: HearingKind | None = Field(default=None, description="Defaults to the case kind.")
    scheduled_start: CourtTime
    duration_minutes: int = Field(default=60, ge=5, le=24 * 60)
    public: bool = False
    courtroom_id: Id | None = None
    judge_id: Id | None = Field(
        default=None, description="Presiding judge; defaults to the case's judge."
    )
    clerk_id: Id | None = Field(
        default=None, description="Clerk; defaults to the caller if a clerk."
    )


class CaseDetail(CaseOut):
    hearings: list[HearingOut]


class HearingQuery(BaseModel):
    date: dt.date | None = Field(
        default=None, description="Hearings starting on this day (court time zone)."
    )
    case_id: Id | None = None
    state: HearingState | None = None
    limit: int = Field(default=100, ge=1, le=500)


def register(api: Api) -> None:
    _register_cases(api)
    _register_scheduling(api)
    _register_hearings(api)


def _register_cases(api: Api) -> None:
    @api.route(
        "POST",
        "/cases",
        summary="Open a case",
        tag="cases",
        body=CaseIn,
        response=CaseOut,
        status=201,
    )
    async def create_case(ctx: Ctx, body: CaseIn) -> CaseOut:
        who = ctx.require(Action.MANAGE_CASES)
        if who.court_id is None:
            raise ApiError(403, "forbidden", "your account belongs to no court")
        judge_id = (
            body.judge_id
            if body.judge_id is not None
            else (who.id if who.role is Role.JUDGE else None)
        )
        if judge_id is not None:
            await _staff_of(ctx, judge_id, Role.JUDGE, who.court_id)
        if await ctx.db.scalar(select(Case.id).where(Case.number == body.number)):
            raise ApiError(409, "conflict", f"case {body.number} already exists")
        case = Case(
            court_id=who.court_id,
            number=body.number,
            title=body.title,
            cause=body.cause,
            kind=body.kind,
            judge_id=judge_id,
        )
        await add_audited(ctx, who, case, "create", "case", {"number": case.number})
        return CaseOut.model_validate(case)

    @api.route(
        "GET", "/cases", summary="Search cases", tag="cases", query=CaseQuery, response=CaseList
    )
    async def search_cases(ctx: Ctx, query: CaseQuery) -> CaseList:
        who = ctx.require(Action.VIEW_RECORDS)
        stmt = _case_search(who, query)
        total = await ctx.db.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        cases = await ctx.db.scalars(
            stmt.order_by(Case.id.desc()).limit(query.limit).offset(query.offset)
        )
        return CaseList(items=[CaseOut.model_validate(c) for c in cases], total=total)

    @api.route(
        "GET",
        "/cases/{case_id}",
        summary="A case with its hearings",
        tag="cases",
        response=CaseDetail,
    )
    async def get_case(ctx: Ctx) -> CaseDetail:
        ctx.require(Action.VIEW_RECORDS)
        case = await visible_case(ctx, ctx.ids["case_id"])
        hearings = await ctx.db.scalars(
            select(Hearing).where(Hearing.case_id == case.id).order_by(Hearing.scheduled_start)
        )
        return CaseDetail(
            **CaseOut.model_validate(case).model_dump(),
            hearings=[hearing_out(h, case) for h in hearings],
        )


def _register_scheduling(api: Api) -> None:
    @api.route(
        "POST",
        "/cases/{case_id}/hearings",
        summary="Schedule a hearing",
        tag="hearings",
        body=HearingIn,
        response=HearingOut,
        status=201,
    )
    async def schedule_hearing(ctx: Ctx, body: HearingIn) -> HearingOut:
        who = ctx.require(Action.SCHEDULE_HEARING)
        case = await visible_case(ctx, ctx.ids["case_id"])
        kind = body.kind or case.kind
        if body.public and not RULES[kind].may_be_public:
            raise ApiError(422, "invalid_request", f"a {kind} is never public")
        if body.courtroom_id is not None:
            await _check_courtroom(ctx, body.courtroom_id, case.court_id)
        bench = await _bench(ctx, who, case, body)
        hearing = Hearing(
            case_id=case.id,
            kind=kind,
            title=body.title or case.title,
            scheduled_start=body.scheduled_start,
            duration_minutes=body.duration_minutes,
            public=body.public,
            courtroom_id=body.courtroom_id,
            state=HearingState.SCHEDULED,
        )
        await add_audited(ctx, who, hearing, "create", "hearing", {"case": case.number})
        for user in bench:
            ctx.db.add(
                Participant(
                    hearing_id=hearing.id,
                    role=user.role,
                    name=user.display_name,
                    user_id=user.id,
                    presiding=user.role is Role.JUDGE,  # the judge named presides
                )
            )
        ctx.db.add(
            HearingEvent(
                hearing_id=hearing.id, kind="scheduled", actor=who.label, to_value=hearing.state
            )
        )
        return hearing_out(hearing, case)


def _register_hearings(api: Api) -> None:
    @api.route(
        "GET",
        "/hearings",
        summary="List hearings",
        tag="hearings",
        query=HearingQuery,
        response=HearingList,
    )
    async def list_hearings(ctx: Ctx, query: HearingQuery) -> HearingList:
        who = ctx.require(Action.VIEW_RECORDS)
        stmt = select(Hearing, Case).join(Case, Hearing.case_id == Case.id)
        if who.role is not Role.ADMIN:
            # their court's, and those they sit on from another court by a grant
            stmt = stmt.where(
                or_(Case.court_id == who.court_id, Hearing.id.in_(granted_hearing_ids(who.id)))
            )
        if query.date is not None:
            start, end = day_bounds(query.date, ctx)
            stmt = stmt.where(Hearing.scheduled_start >= start, Hearing.scheduled_start < end)
        if query.case_id is not None:
            stmt = stmt.where(Hearing.case_id == query.case_id)
        if query.state is not None:
            stmt = stmt.where(Hearing.state == query.state)
        rows = await ctx.db.execute(stmt.order_by(Hearing.scheduled_start).limit(query.limit))
        return HearingList(items=[hearing_out(h, c) for h, c in rows])

    @api.route(
        "GET", "/hearings/{hearing_id}", summary="A hearing", tag="hearings", response=HearingOut
    )
    async def get_hearing(ctx: Ctx) -> HearingOut:
        hearing = await visible_hearing(ctx, ctx.ids["hearing_id"])
        case = await ctx.db.get(Case, hearing.case_id)
        assert case is not None
        return hearing_out(hearing, case)

    @api.route(
        "POST",
        "/hearings/{hearing_id}/cancel",
        summary="Cancel a scheduled hearing",
        tag="hearings",
        response=HearingOut,
    )
    async def cancel_hearing(ctx: Ctx) -> HearingOut:
        hearing = await visible_hearing(ctx, ctx.ids["hearing_id"])
        who = ctx.require(Action.SCHEDULE_HEARING)
        try:
            check_transition(hearing.state, HearingState.CANCELLED)
        except TransitionError as exc:
            raise ApiError(409, "wrong_state", str(exc)) from exc
        ctx.db.add(
            HearingEvent(
                hearing_id=hearing.id,
                kind="state",
                actor=who.label,
                from_value=hearing.state,
                to_value=HearingState.CANCELLED,
            )
        )
        hearing.state = HearingState.CANCELLED
        audit(ctx.db, who.label, "cancel", "hearing", hearing.id, ctx.client_ip)
        case = await ctx.db.get(Case, hearing.case_id)
        assert case is not None
        return hearing_out(hearing, case)


def _case_search(who: Principal, query: CaseQuery) -> Select[Case]:
    stmt = select(Case)
    if who.role is not Role.ADMIN:
        stmt = stmt.where(Case.court_id == who.court_id)
    if query.number is not None:
        stmt = stmt.where(Case.number == query.number)
    if query.q:
        pattern = f"%{escape_like(query.q)}%"
        stmt = stmt.where(
            or_(Case.number.like(pattern, escape="\\"), Case.title.like(pattern, escape="\\"))
        )
    if query.party:
        pattern = f"%{escape_like(query.party)}%"
        stmt = stmt.where(
            Case.id.in_(
                select(Hearing.case_id)
                .join(Participant, Participant.hearing_id == Hearing.id)
                .where(Participant.name.like(pattern, escape="\\"))
            )
        )
    return stmt


async def _check_courtroom(ctx: Ctx, courtroom_id: int, court_id: int) -> None:
    room = await ctx.db.get(Courtroom, courtroom_id)
    if room is None or room.court_id != court_id:
        raise ApiError(
            422, "invalid_request", f"courtroom {courtroom_id} is not one of this court's"
        )


async def _bench(ctx: Ctx, who: Principal, case: Case, body: HearingIn) -> list[User]:
    """The hearing's presiding judge and, if there is one, its clerk: those named, else the
    case's judge, else the caller in their role."""
    judge_id = body.judge_id or case.judge_id or (who.id if who.role is Role.JUDGE else None)
    if judge_id is None:
        raise ApiError(
            422, "invalid_request", "name the presiding judge (judge_id): the case has none"
        )
    bench = [await _staff_of(ctx, judge_id, Role.JUDGE, case.court_id)]
    clerk_id = body.clerk_id or (who.id if who.role is Role.CLERK else None)
    if clerk_id is not None:
        bench.append(await _staff_of(ctx, clerk_id, Role.CLERK, case.court_id))
    return bench


async def _staff_of(ctx: Ctx, user_id: int, role: Role, court_id: int) -> User:
    user = await ctx.db.get(User, user_id)
    if user is None or user.role is not role or user.court_id != court_id or not user.active:
        raise ApiError(
            422, "invalid_request", f"user {user_id} is not an active {role} of this court"
        )
    return user
