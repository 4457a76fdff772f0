"""A creditors' meeting's claim table and motions (docs/architecture.md#votes), set by the bench
of the hearing's court before the meeting (or during it while no vote is open); the votes
themselves are live (signaling/live/votes.py).

Each creditor has one claim: an amount in fen (an integer, 0 to 10^17; 0 leaves them without a
vote) and a group. ``PUT .../claims/{participant_id}`` sets one; ``PUT .../claims`` sets many at
once, all or none (a bad item refuses the whole list, naming it).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select

from court.deliberation import DELIBERATION_KINDS
from court.kinds import HearingKind
from court.permissions import Action
from court.roles import SEATED, Role
from court.vote_views import OpinionView, VoteResultView, result_view
from court.votes import CREDITOR_RULES, MAX_AMOUNT_FEN, ClaimGroup, Rule
from hearing_server.api.errors import ApiError
from hearing_server.api.fields import Id, Name
from hearing_server.api.routing import Api, Ctx
from hearing_server.api.scope import hearing_for_action, visible_hearing
from hearing_server.audit import audit
from hearing_server.auth import Principal
from hearing_server.db.models import Hearing, Participant, utcnow
from hearing_server.db.vote_rows import ClaimRow, MotionRow, MotionState
from hearing_server.votes import claims_of, vote_open

MAX_CLAIMS = 2000
"""Claims in one bulk request: the largest meetings have a few hundred creditors."""


class ClaimIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    amount_fen: int = Field(ge=0, le=MAX_AMOUNT_FEN)
    """The claim as the court fixed it for the meeting, in fen (分); 0: no vote."""
    group: ClaimGroup


class ClaimItem(ClaimIn):
    participant_id: Id


class ClaimsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    items: list[ClaimItem] = Field(min_length=1, max_length=MAX_CLAIMS)


class ClaimOut(BaseModel):
    participant_id: int
    name: str
    amount_fen: int
    group: ClaimGroup
    set_by: str
    updated_at: datetime


class ClaimList(BaseModel):
    items: list[ClaimOut]


class NewMotionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: Name
    rule: Rule


class MotionOut(BaseModel):
    id: int
    seq: int
    """Its number in the meeting (第1项议案)."""
    title: str
    rule: Rule
    state: MotionState
    opened_at: datetime | None
    closed_at: datetime | None
    result: VoteResultView | None
    """Once closed: the heads and amounts, overall and by group."""
    opinions: list[OpinionView] = []
    """A deliberation's question, once decided: each voting member's vote and opinion, the
    dissenting ones marked; to its bench only."""


class MotionList(BaseModel):
    items: list[MotionOut]


def register(api: Api) -> None:
    @api.route(
        "GET",
        "/hearings/{hearing_id}/claims",
        summary="A creditors' meeting's claim table (the bench)",
        tag="votes",
        response=ClaimList,
    )
    async def list_claims(ctx: Ctx) -> ClaimList:
        hearing = await visible_hearing(ctx, ctx.ids["hearing_id"])
        ctx.require(Action.VIEW_RECORDS)
        names = await _creditors(ctx, hearing)
        rows = await claims_of(ctx.db, hearing.id)
        return ClaimList(items=[_claim_out(row, names) for row in rows])

    @api.route(
        "PUT",
        "/hearings/{hearing_id}/claims/{participant_id}",
        summary="Set one creditor's claim and group",
        tag="votes",
        body=ClaimIn,
        response=ClaimOut,
    )
    async def set_claim(ctx: Ctx, body: ClaimIn) -> ClaimOut:
        hearing, who = await _managed(ctx)
        names = await _creditors(ctx, hearing)
        item = ClaimItem(participant_id=ctx.ids["participant_id"], **body.model_dump())
        row = (await _set_claims(ctx, who, hearing, names, [item]))[0]
        return _claim_out(row, names)

    @api.route(
        "PUT",
        "/hearings/{hearing_id}/claims",
        summary="Set many creditors' claims at once (all or none)",
        tag="votes",
        body=ClaimsIn,
        response=ClaimList,
    )
    async def set_claims(ctx: Ctx, body: ClaimsIn) -> ClaimList:
        hearing, who = await _managed(ctx)
        names = await _creditors(ctx, hearing)
        seen: set[int] = set()
        for index, item in enumerate(body.items):
            if item.participant_id in seen:
                raise ApiError(
                    422,
                    "duplicate_claim",
                    f"items.{index}: participant {item.participant_id} is listed twice",
                )
            seen.add(item.participant_id)
        rows = await _set_claims(ctx, who, hearing, names, body.items)
        return ClaimList(items=[_claim_out(row, names) for row in rows])

    @api.route(
        "GET",
        "/hearings/{hearing_id}/motions",
        summary="A creditors' meeting's motions (a deliberation's questions) and their results",
        tag="votes",
        response=MotionList,
    )
    async def list_motions(ctx: Ctx) -> MotionList:
        hearing = await visible_hearing(ctx, ctx.ids["hearing_id"])
        ctx.require(Action.VIEW_RECORDS)
        rows = await ctx.db.scalars(
            select(MotionRow).where(MotionRow.hearing_id == hearing.id).order_by(MotionRow.seq)
        )
        who = ctx.principal
        bench = who is not None and who.role in SEATED
        return MotionList(items=[_motion_out(row, with_opinions=bench) for row in rows])

    @api.route(
        "POST",
        "/hearings/{hearing_id}/motions",
        summary="Put a motion to the meeting or a question to the panel (voted on live)",
        tag="votes",
        body=NewMotionIn,
        response=MotionOut,
        status=201,
    )
    async def add_motion(ctx: Ctx, body: NewMotionIn) -> MotionOut:
        hearing, who = await hearing_for_action(ctx, ctx.ids["hearing_id"], Action.MANAGE_VOTES)
        _check_rule(hearing, body.rule)
        last = await ctx.db.scalar(
            select(func.max(MotionRow.seq)).where(MotionRow.hearing_id == hearing.id)
        )
        row = MotionRow(
            hearing_id=hearing.id,
            seq=(last or 0) + 1,
            title=body.title,
            rule=body.rule,
            state=MotionState.DRAFT,
            created_by=who.label,
        )
        ctx.db.add(row)
        await ctx.db.flush()
        audit(ctx.db, who.label, "add_motion", "motion", row.id, ctx.client_ip, {"rule": body.rule})
        return _motion_out(row)


async def _managed(ctx: Ctx) -> tuple[Hearing, Principal]:
    """A creditors' meeting the caller's court holds, not over, that the caller's role manages."""
    hearing, who = await hearing_for_action(ctx, ctx.ids["hearing_id"], Action.MANAGE_VOTES)
    if hearing.kind is not HearingKind.CREDITORS_MEETING:
        raise ApiError(
            409, "not_a_creditors_meeting", f"hearing {hearing.id} is a {hearing.kind}: no votes"
        )
    return hearing, who


def _check_rule(hearing: Hearing, rule: Rule) -> None:
    """A creditors' meeting votes by the bankruptcy law's rules, a deliberation by majority
    (court/deliberation.py); no other kind of hearing votes."""
    if hearing.kind in DELIBERATION_KINDS:
        if rule is not Rule.PANEL_MAJORITY:
            raise ApiError(
                422, "wrong_rule", f"a {hearing.kind} decides by {Rule.PANEL_MAJORITY} only"
            )
    elif hearing.kind is HearingKind.CREDITORS_MEETING:
        if rule not in CREDITOR_RULES:
            raise ApiError(422, "wrong_rule", f"a creditors' meeting does not vote by {rule}")
    else:
        raise ApiError(
            409, "not_a_creditors_meeting", f"hearing {hearing.id} is a {hearing.kind}: no votes"
        )


async def _creditors(ctx: Ctx, hearing: Hearing) -> dict[int, str]:
    """The hearing's creditors: participant id → name."""
    rows = await ctx.db.execute(
        select(Participant.id, Participant.name).where(
            Participant.hearing_id == hearing.id, Participant.role == Role.CREDITOR
        )
    )
    return {participant_id: name for participant_id, name in rows}


async def _set_claims(
    ctx: Ctx, who: Principal, hearing: Hearing, names: dict[int, str], items: list[ClaimItem]
) -> list[ClaimRow]:
    open_motion = await vote_open(ctx.db, hearing.id)
    if open_motion is not None:
        raise ApiError(
            409, "vote_open", f"the vote on motion {open_motion.seq} is open: close it first"
        )
    for index, item in enumerate(items):
        if item.participant_id not in names:
            raise ApiError(
                422,
                "not_a_creditor",
                f"items.{index}: participant {item.participant_id} is no creditor of this hearing",
            )
    existing = {row.participant_id: row for row in await claims_of(ctx.db, hearing.id)}
    now, rows = utcnow(), []
    for item in items:
        row = existing.get(item.participant_id)
        if row is None:
            row = ClaimRow(hearing_id=hearing.id, participant_id=item.participant_id)
            ctx.db.add(row)
        row.amount_fen, row.group, row.set_by, row.updated_at = (
            item.amount_fen,
            item.group,
            who.label,
            now,
        )
        rows.append(row)
    await ctx.db.flush()
    detail: dict[str, Any] = {"claims": len(items)}
    audit(ctx.db, who.label, "set_claims", "hearing", hearing.id, ctx.client_ip, detail)
    return rows


def _claim_out(row: ClaimRow, names: dict[int, str]) -> ClaimOut:
    return ClaimOut(
        participant_id=row.participant_id,
        name=names.get(row.participant_id, ""),
        amount_fen=row.amount_fen,
        group=row.group,
        set_by=row.set_by,
        updated_at=row.updated_at,
    )


def _motion_out(row: MotionRow, with_opinions: bool = False) -> MotionOut:
    opinions = (row.result or {}).get("opinions", []) if with_opinions else []
    return MotionOut(
        id=row.id,
        seq=row.seq,
        title=row.title,
        rule=row.rule,
        state=row.state,
        opened_at=row.opened_at,
        closed_at=row.closed_at,
        result=None if row.result is None else result_view(row.result, closed=True),
        opinions=[OpinionView.model_validate(o) for o in opinions],
    )
