"""A judge of another court on one hearing's panel (docs/architecture.md#bench): the hearing's
court grants that judge's staff account a seat on this hearing — they then see it, its case's
exhibits, and join it live as a judge of the bench, and nothing else of the court — and revokes
it (their live connection ends at once). Both are audited."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import select

from court.permissions import Action
from court.roles import Role
from hearing_server.api.errors import ApiError, not_found
from hearing_server.api.fields import Id
from hearing_server.api.routing import Api, Ctx
from hearing_server.api.scope import sees_court, visible_hearing
from hearing_server.audit import audit
from hearing_server.auth import Principal
from hearing_server.db.bench_rows import BenchGrant
from hearing_server.db.models import Case, Court, Hearing, Participant, User, utcnow
from hearing_server.keys import SOCKETS
from signaling.cluster.bus import tell_live_hearings
from signaling.cluster.live_hearings import end_invitation


class BenchGrantIn(BaseModel):
    user_id: Id
    """The staff account of a judge of another court."""


class BenchGrantOut(BaseModel):
    id: int
    hearing_id: int
    user_id: int
    participant_id: int
    """Their seat in the hearing (a judge of the bench)."""
    name: str
    court: str
    """The court the judge belongs to."""
    granted_by: str
    granted_at: datetime
    revoked_by: str | None
    revoked_at: datetime | None


class BenchGrantList(BaseModel):
    items: list[BenchGrantOut]


def register(api: Api) -> None:
    @api.route(
        "POST",
        "/hearings/{hearing_id}/bench-grants",
        summary="Let a judge of another court sit on this hearing's panel",
        tag="participants",
        body=BenchGrantIn,
        response=BenchGrantOut,
        status=201,
    )
    async def grant_seat(ctx: Ctx, body: BenchGrantIn) -> BenchGrantOut:
        hearing, case, who = await _courts_own_hearing(ctx, granting=True)
        user = await ctx.db.get(User, body.user_id)
        if user is None or user.role is not Role.JUDGE or not user.active:
            raise ApiError(404, "invalid_request", f"user {body.user_id} is not an active judge")
        if user.court_id == case.court_id:
            raise ApiError(
                409,
                "invalid_request",
                "a judge of this court is added as a participant (POST .../participants)",
            )
        held = await _grants(ctx, hearing.id, user.id, in_force=True)
        if held:
            raise ApiError(409, "already_granted", f"{user.display_name} sits on this panel")
        seat = await ctx.db.scalar(
            select(Participant).where(
                Participant.hearing_id == hearing.id, Participant.user_id == user.id
            )
        )
        if seat is None:
            seat = Participant(
                hearing_id=hearing.id, role=Role.JUDGE, name=user.display_name, user_id=user.id
            )
            ctx.db.add(seat)
            await ctx.db.flush()
        grant = BenchGrant(
            hearing_id=hearing.id, user_id=user.id, participant_id=seat.id, granted_by=who.label
        )
        ctx.db.add(grant)
        await ctx.db.flush()
        audit(
            ctx.db,
            who.label,
            "grant_bench_seat",
            "hearing",
            hearing.id,
            ctx.client_ip,
            {"user_id": user.id, "participant_id": seat.id},
        )
        return await _out(ctx, grant)

    @api.route(
        "GET",
        "/hearings/{hearing_id}/bench-grants",
        summary="Judges of other courts granted a seat on this hearing's panel",
        tag="participants",
        response=BenchGrantList,
    )
    async def list_seats(ctx: Ctx) -> BenchGrantList:
        hearing = await visible_hearing(ctx, ctx.ids["hearing_id"])
        ctx.require(Action.VIEW_RECORDS)
        rows = await ctx.db.scalars(
            select(BenchGrant).where(BenchGrant.hearing_id == hearing.id).order_by(BenchGrant.id)
        )
        return BenchGrantList(items=[await _out(ctx, row) for row in rows])

    @api.route(
        "DELETE",
        "/hearings/{hearing_id}/bench-grants/{grant_id}",
        summary="Revoke a judge of another court's seat on this hearing's panel",
        tag="participants",
        status=204,
    )
    async def revoke_seat(ctx: Ctx) -> None:
        hearing, _, who = await _courts_own_hearing(ctx, granting=False)
        grant = await ctx.db.get(BenchGrant, ctx.ids["grant_id"])
        if grant is None or grant.hearing_id != hearing.id:
            raise not_found(f"grant {ctx.ids['grant_id']}")
        if grant.revoked_at is not None:
            raise ApiError(409, "already_revoked", "this grant was revoked already")
        seat = await ctx.db.get(Participant, grant.participant_id)
        if seat is not None and seat.presiding:
            raise ApiError(
                409,
                "presiding",
                "this judge presides: they hand the hearing over to another judge first",
            )
        grant.revoked_at, grant.revoked_by = utcnow(), who.label
        audit(
            ctx.db,
            who.label,
            "revoke_bench_seat",
            "hearing",
            hearing.id,
            ctx.client_ip,
            {"user_id": grant.user_id, "participant_id": grant.participant_id},
        )
        await ctx.db.commit()  # a reconnection after this is refused
        await tell_live_hearings(
            ctx.request.app[SOCKETS],
            end_invitation(hearing.id, grant.participant_id, "bench_grant_ended"),
        )


async def _courts_own_hearing(ctx: Ctx, granting: bool) -> tuple[Hearing, Case, Principal]:
    """The hearing, its case and the caller: its own court's bench only (a judge sitting on it
    from another court grants nothing); a seat is granted while the hearing is not over, and
    revoked at any time (the hearing's records stay open to the grantee until then)."""
    hearing = await visible_hearing(ctx, ctx.ids["hearing_id"])
    who = ctx.require(Action.MANAGE_PARTICIPANTS, hearing.state if granting else None)
    case = await ctx.db.get(Case, hearing.case_id)
    assert case is not None
    if not sees_court(who, case.court_id):
        raise ApiError(403, "other_court", "only the hearing's own court grants seats on it")
    return hearing, case, who


async def _grants(ctx: Ctx, hearing_id: int, user_id: int, in_force: bool) -> list[BenchGrant]:
    query = select(BenchGrant).where(
        BenchGrant.hearing_id == hearing_id, BenchGrant.user_id == user_id
    )
    if in_force:
        query = query.where(BenchGrant.revoked_at.is_(None))
    return list(await ctx.db.scalars(query))


async def _out(ctx: Ctx, grant: BenchGrant) -> BenchGrantOut:
    user = await ctx.db.get(User, grant.user_id)
    assert user is not None
    court = await ctx.db.get(Court, user.court_id) if user.court_id is not None else None
    return BenchGrantOut(
        id=grant.id,
        hearing_id=grant.hearing_id,
        user_id=grant.user_id,
        participant_id=grant.participant_id,
        name=user.display_name,
        court=court.name if court is not None else "",
        granted_by=grant.granted_by,
        granted_at=grant.granted_at,
        revoked_by=grant.revoked_by,
        revoked_at=grant.revoked_at,
    )
