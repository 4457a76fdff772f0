"""Mediation sittings (court/sitting.py, docs/architecture.md#sittings): many mediation hearings
of the court queued in one sitting; the mediator calls the next case (or one set aside, by
name) and sets cases aside; each case's own timeline records when it was called or set aside;
each person invited to a queued case sees how many cases are ahead and when theirs may start."""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from typing import cast

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, or_, select

from court.kinds import HearingKind
from court.permissions import Action
from court.sitting import (
    MAX_CASES,
    QueuedCase,
    QueueError,
    QueueState,
    minutes_per_case,
    to_call,
    turn_of,
)
from court.states import HearingState
from hearing_server.api.errors import ApiError, not_found
from hearing_server.api.fields import CourtTime, Id, Title
from hearing_server.api.invitation_links import end_connection, new_invitation
from hearing_server.api.outputs import InvitationOut
from hearing_server.api.queries import day_bounds
from hearing_server.api.routing import Api, Ctx
from hearing_server.api.scope import invitation_holder, sees_court
from hearing_server.audit import audit
from hearing_server.db.models import Case, Hearing, HearingEvent, Participant, utcnow
from hearing_server.db.sitting_rows import SittingCase, SittingRow


class SittingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: Title
    starts_at: CourtTime
    hearing_ids: list[Id] = Field(min_length=1, max_length=MAX_CASES)
    """The mediation hearings to hear, in this order."""


class NextIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    hearing_id: Id | None = None
    """A case set aside (or a queued one out of turn); none: the first queued."""


class SittingCaseOut(BaseModel):
    hearing_id: int
    case_number: str
    case_title: str
    position: int
    state: QueueState
    called_at: datetime | None
    finished_at: datetime | None
    ahead: int | None
    expected_at: datetime | None


class SittingOut(BaseModel):
    id: int
    title: str
    starts_at: datetime
    minutes_per_case: float
    """The mean of the cases heard to the end so far, else the hearings' planned duration."""
    cases: list[SittingCaseOut]


class DayQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    date: dt.date
    """Sittings starting on this day (the court's time zone)."""


class SittingSummary(BaseModel):
    id: int
    title: str
    starts_at: datetime
    cases: int


class SittingList(BaseModel):
    items: list[SittingSummary]


class QueueOut(BaseModel):
    """Where the invitation's case stands in its sitting (all null when it is in none)."""

    sitting: str | None
    state: QueueState | None
    ahead: int | None
    expected_at: datetime | None
    next_case: bool = False
    """Another case of the sitting, in which this same person takes part (the same mail or
    phone on record), is being heard now: they may follow to it (``POST
    /invitation/queue/follow``), as the party common to the cases does."""


async def _rows(ctx: Ctx, sitting_id: int) -> list[tuple[SittingCase, Hearing, Case]]:
    return [
        (row, hearing, case)
        for row, hearing, case in await ctx.db.execute(
            select(SittingCase, Hearing, Case)
            .join(Hearing, Hearing.id == SittingCase.hearing_id)
            .join(Case, Case.id == Hearing.case_id)
            .where(SittingCase.sitting_id == sitting_id)
            .order_by(SittingCase.position)
        )
    ]


def _queued(row: SittingCase) -> QueuedCase:
    state = cast(QueueState, row.state)
    return QueuedCase(row.hearing_id, row.position, state, row.called_at, row.finished_at)


async def _out(ctx: Ctx, sitting: SittingRow) -> SittingOut:
    rows = await _rows(ctx, sitting.id)
    cases = [_queued(row) for row, _, _ in rows]
    planned = max((h.duration_minutes for _, h, _ in rows), default=30)
    now = utcnow()
    out = []
    for row, hearing, case in rows:
        turn = turn_of(cases, row.hearing_id, now, hearing.duration_minutes)
        out.append(
            SittingCaseOut(
                hearing_id=row.hearing_id,
                case_number=case.number,
                case_title=case.title,
                position=row.position,
                state=row.state,
                called_at=row.called_at,
                finished_at=row.finished_at,
                ahead=turn.ahead,
                expected_at=turn.expected_at,
            )
        )
    return SittingOut(
        id=sitting.id,
        title=sitting.title,
        starts_at=sitting.starts_at,
        minutes_per_case=round(minutes_per_case(cases, planned), 1),
        cases=out,
    )


async def _sitting(ctx: Ctx, action: Action) -> SittingRow:
    who = ctx.require(action)
    sitting = await ctx.db.get(SittingRow, ctx.ids["sitting_id"], with_for_update=True)
    if sitting is None or not sees_court(who, sitting.court_id):
        raise not_found(f"sitting {ctx.ids['sitting_id']}")
    return sitting


async def _same_person_called(ctx: Ctx, sitting_id: int, participant_id: int) -> Participant | None:
    """This participant's seat in the sitting's case heard now, if it is another case and they
    take part in it: the same mail address or phone number on record (a name is not enough)."""
    me = await ctx.db.get(Participant, participant_id)
    if me is None or (me.email is None and me.phone is None):
        return None
    called = await ctx.db.scalar(
        select(SittingCase.hearing_id).where(
            SittingCase.sitting_id == sitting_id,
            SittingCase.state == "called",
            SittingCase.hearing_id != me.hearing_id,
        )
    )
    if called is None:
        return None
    same = [Participant.email == me.email] if me.email is not None else []
    same += [Participant.phone == me.phone] if me.phone is not None else []
    return await ctx.db.scalar(
        select(Participant)
        .where(
            Participant.hearing_id == called,
            Participant.role == me.role,
            or_(*same),
        )
        .order_by(Participant.id)
        .limit(1)
    )


async def _stepped(
    ctx: Ctx, sitting: SittingRow, hearing_id: int, event: str, action: str
) -> SittingOut:
    """A step of the queue taken: on the case's own timeline and in the audit log; the queue
    as it now stands."""
    ctx.db.add(
        HearingEvent(
            hearing_id=hearing_id,
            at=utcnow(),
            kind=event,
            actor=ctx.user.label,
            data={"sitting_id": sitting.id, "sitting": sitting.title},
        )
    )
    audit(ctx.db, ctx.user.label, action, "hearing", hearing_id, ctx.client_ip)
    await ctx.db.flush()
    return await _out(ctx, sitting)


def register(api: Api) -> None:
    @api.route(
        "POST",
        "/sittings",
        summary="Queue mediation hearings of your court in one sitting, in the order given",
        tag="sittings",
        body=SittingIn,
        response=SittingOut,
        status=201,
        errors=(409,),
    )
    async def create(ctx: Ctx, body: SittingIn) -> SittingOut:
        who = ctx.require(Action.MANAGE_CASES)
        if who.court_id is None:
            raise ApiError(403, "forbidden", "a sitting belongs to a court: log in as its staff")
        if len(set(body.hearing_ids)) != len(body.hearing_ids):
            raise ApiError(422, "invalid_request", "a hearing is listed twice")
        found = {
            hearing.id: (hearing, case)
            for hearing, case in await ctx.db.execute(
                select(Hearing, Case)
                .join(Case, Case.id == Hearing.case_id)
                .where(Hearing.id.in_(body.hearing_ids))
            )
        }
        for hearing_id in body.hearing_ids:
            hearing, case = found.get(hearing_id, (None, None))
            if hearing is None or case is None or case.court_id != who.court_id:
                raise ApiError(
                    422, "invalid_request", f"hearing {hearing_id} is not one of your court's"
                )
            if hearing.kind is not HearingKind.MEDIATION:
                raise ApiError(422, "invalid_request", f"hearing {hearing_id} is no mediation")
            if hearing.state in (HearingState.CLOSED, HearingState.CANCELLED):
                raise ApiError(422, "invalid_request", f"hearing {hearing_id} is {hearing.state}")
        taken = await ctx.db.scalar(
            select(func.min(SittingCase.hearing_id)).where(
                SittingCase.hearing_id.in_(body.hearing_ids)
            )
        )
        if taken is not None:
            raise ApiError(409, "in_sitting", f"hearing {taken} is queued in another sitting")
        sitting = SittingRow(
            court_id=who.court_id,
            title=body.title,
            starts_at=body.starts_at,
            created_by=who.label,
        )
        ctx.db.add(sitting)
        await ctx.db.flush()
        ctx.db.add_all(
            SittingCase(sitting_id=sitting.id, hearing_id=hearing_id, position=i, state="queued")
            for i, hearing_id in enumerate(body.hearing_ids, 1)
        )
        await ctx.db.flush()
        audit(ctx.db, who.label, "create_sitting", "sitting", sitting.id, ctx.client_ip)
        return await _out(ctx, sitting)

    @api.route(
        "GET",
        "/sittings",
        summary="Your court's sittings starting on a day",
        tag="sittings",
        query=DayQuery,
        response=SittingList,
    )
    async def day(ctx: Ctx, query: DayQuery) -> SittingList:
        who = ctx.require(Action.VIEW_RECORDS)
        start, end = day_bounds(query.date, ctx)
        rows = await ctx.db.execute(
            select(SittingRow, func.count(SittingCase.id))
            .join(SittingCase, SittingCase.sitting_id == SittingRow.id)
            .where(
                SittingRow.court_id == who.court_id,
                SittingRow.starts_at >= start,
                SittingRow.starts_at < end,
            )
            .group_by(SittingRow.id)
            .order_by(SittingRow.starts_at, SittingRow.id)
        )
        return SittingList(
            items=[
                SittingSummary(id=s.id, title=s.title, starts_at=s.starts_at, cases=n)
                for s, n in rows
            ]
        )

    @api.route(
        "GET",
        "/sittings/{sitting_id}",
        summary="A sitting's queue: each case's state, how many are ahead and when it may start",
        tag="sittings",
        response=SittingOut,
    )
    async def show(ctx: Ctx) -> SittingOut:
        return await _out(ctx, await _sitting(ctx, Action.VIEW_RECORDS))

    @api.route(
        "POST",
        "/sittings/{sitting_id}/next",
        summary="Call the next case (or the one named): the case heard until now is done",
        tag="sittings",
        body=NextIn,
        response=SittingOut,
        errors=(409,),
    )
    async def call_next(ctx: Ctx, body: NextIn) -> SittingOut:
        sitting = await _sitting(ctx, Action.MANAGE_CASES)
        rows = {row.hearing_id: row for row, _, _ in await _rows(ctx, sitting.id)}
        try:
            chosen = to_call([_queued(r) for r in rows.values()], body.hearing_id)
        except QueueError as exc:
            raise ApiError(409, exc.code, str(exc)) from exc
        now = utcnow()
        for row in rows.values():
            if row.state == "called":
                row.state, row.finished_at = "done", now
        called = rows[chosen.hearing_id]
        called.state, called.called_at, called.finished_at = "called", now, None
        return await _stepped(ctx, sitting, called.hearing_id, "sitting_called", "call_case")

    @api.route(
        "POST",
        "/sittings/{sitting_id}/cases/{hearing_id}/aside",
        summary="Set a case aside (waiting or being heard): it is heard when called by name",
        tag="sittings",
        response=SittingOut,
        errors=(409,),
    )
    async def set_aside(ctx: Ctx) -> SittingOut:
        sitting = await _sitting(ctx, Action.MANAGE_CASES)
        row = await ctx.db.scalar(
            select(SittingCase).where(
                SittingCase.sitting_id == sitting.id,
                SittingCase.hearing_id == ctx.ids["hearing_id"],
            )
        )
        if row is None:
            raise not_found(f"hearing {ctx.ids['hearing_id']} in this sitting")
        if row.state not in ("queued", "called"):
            raise ApiError(409, "not_waiting", f"this case is {row.state}")
        row.state = "set_aside"
        return await _stepped(ctx, sitting, row.hearing_id, "sitting_set_aside", "set_case_aside")

    @api.route(
        "GET",
        "/invitation/queue",
        summary="Where the invitation's case stands in its sitting",
        tag="sittings",
        response=QueueOut,
    )
    async def queue(ctx: Ctx) -> QueueOut:
        who, hearing_id = invitation_holder(ctx)
        mine = await ctx.db.scalar(select(SittingCase).where(SittingCase.hearing_id == hearing_id))
        if mine is None:
            return QueueOut(sitting=None, state=None, ahead=None, expected_at=None)
        sitting = await ctx.db.get(SittingRow, mine.sitting_id)
        assert sitting is not None
        rows = await _rows(ctx, sitting.id)
        hearing = next(h for row, h, _ in rows if row.hearing_id == hearing_id)
        turn = turn_of(
            [_queued(row) for row, _, _ in rows], hearing_id, utcnow(), hearing.duration_minutes
        )
        return QueueOut(
            sitting=sitting.title,
            state=turn.state,
            ahead=turn.ahead,
            expected_at=turn.expected_at,
            next_case=await _same_person_called(ctx, sitting.id, who.id) is not None,
        )

    @api.route(
        "POST",
        "/invitation/queue/follow",
        summary="Follow to the case of the sitting heard now, in which you take part too: a new "
        "link of yours to it (your earlier link to it stops working)",
        tag="sittings",
        response=InvitationOut,
        status=201,
        errors=(409,),
    )
    async def follow(ctx: Ctx) -> InvitationOut:
        who, hearing_id = invitation_holder(ctx)
        mine = await ctx.db.scalar(select(SittingCase).where(SittingCase.hearing_id == hearing_id))
        there = None if mine is None else await _same_person_called(ctx, mine.sitting_id, who.id)
        if there is None:
            raise ApiError(
                409, "nothing_to_follow", "no case of your sitting with you in it is heard now"
            )
        link = new_invitation(ctx, there, None)
        audit(ctx.db, who.label, "follow_sitting", "participant", there.id, ctx.client_ip)
        await end_connection(ctx, there, "invitation_replaced")
        return link
