"""A case's exhibits (docs/architecture.md#exhibits): listed as the caller may see them,
submitted (the record of the exhibit; its files come through exhibit_uploads_api), withdrawn.
Parties and their lawyers act through their invitation, on their side's list; judges and
clerks through their session, on the court's. Every change is audited and goes into the
timeline of the case's hearings still to come."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select

from court.exhibits import ExhibitSide, exhibit_label
from court.permissions import Action
from court.roles import Role
from hearing_server.api.errors import ApiError
from hearing_server.api.exhibit_scope import (
    case_event,
    case_standing,
    exhibit_standing,
    hearing_standing,
    visible_exhibits,
)
from hearing_server.api.fields import Prose, Title
from hearing_server.api.outputs import ExhibitFileOut, exhibit_file_out
from hearing_server.api.routing import Api, Ctx
from hearing_server.audit import audit
from hearing_server.auth import PrincipalKind
from hearing_server.db.models import Exhibit, ExhibitFile, utcnow


class ExhibitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: Title
    purpose: Prose
    """What it is meant to prove (证明目的)."""


class ExhibitOut(BaseModel):
    id: int
    case_id: int
    side: ExhibitSide
    number: int
    label_zh: str
    """Its name in its side's list: 原告证据1."""
    label_en: str
    """The same in English: Plaintiff's exhibit 1."""
    title: str
    purpose: str
    submitted_by: str
    submitted_by_role: Role
    submitted_at: datetime
    withdrawn_at: datetime | None
    withdrawn_by: str | None
    files: list[ExhibitFileOut]


class ExhibitList(BaseModel):
    items: list[ExhibitOut]


def register(api: Api) -> None:
    @api.route(
        "GET",
        "/cases/{case_id}/exhibits",
        summary="A case's exhibits, as far as the caller may see them",
        tag="exhibits",
        response=ExhibitList,
        etag=True,
    )
    async def list_case_exhibits(ctx: Ctx) -> ExhibitList:
        standing = await case_standing(ctx, ctx.ids["case_id"])
        return await _exhibit_list(ctx, await visible_exhibits(ctx, standing))

    @api.route(
        "GET",
        "/hearings/{hearing_id}/exhibits",
        summary="The exhibits of a hearing's case, as far as the caller may see them",
        tag="exhibits",
        response=ExhibitList,
        etag=True,
    )
    async def list_hearing_exhibits(ctx: Ctx) -> ExhibitList:
        standing = await hearing_standing(ctx, ctx.ids["hearing_id"])
        return await _exhibit_list(ctx, await visible_exhibits(ctx, standing))

    @api.route(
        "POST",
        "/cases/{case_id}/exhibits",
        summary="Submit an exhibit on the caller's side's list (its files are uploaded after)",
        tag="exhibits",
        body=ExhibitIn,
        response=ExhibitOut,
        status=201,
    )
    async def submit_exhibit(ctx: Ctx, body: ExhibitIn) -> ExhibitOut:
        standing = await case_standing(ctx, ctx.ids["case_id"])
        standing.require(ctx, Action.SUBMIT_EXHIBIT)
        side, who = standing.side, standing.who
        if side is None:
            raise ApiError(
                409, "no_side", "you are on no side of this case; the court must name your side"
            )
        last = await ctx.db.scalar(
            select(func.max(Exhibit.number)).where(
                Exhibit.case_id == standing.case.id, Exhibit.side == side
            )
        )
        exhibit = Exhibit(
            case_id=standing.case.id,
            side=side,
            number=(last or 0) + 1,
            title=body.title,
            purpose=body.purpose,
            submitted_by_participant_id=who.id if who.kind is PrincipalKind.PARTICIPANT else None,
            submitted_by_user_id=who.id if who.kind is PrincipalKind.USER else None,
            submitted_by=who.name,
            submitted_by_role=who.role,
        )
        ctx.db.add(exhibit)
        await ctx.db.flush()
        label = exhibit_label(side, exhibit.number)[1]
        audit(
            ctx.db,
            who.label,
            "submit_exhibit",
            "exhibit",
            exhibit.id,
            ctx.client_ip,
            {"case_id": standing.case.id, "side": side, "number": exhibit.number},
        )
        await case_event(
            ctx,
            standing.case.id,
            "exhibit_submitted",
            who.label,
            to_value=label,
            data={"exhibit_id": exhibit.id, "side": side, "number": exhibit.number},
        )
        return _exhibit_out(exhibit, [])

    @api.route(
        "GET",
        "/exhibits/{exhibit_id}",
        summary="One exhibit, if the caller may see it",
        tag="exhibits",
        response=ExhibitOut,
    )
    async def get_exhibit(ctx: Ctx) -> ExhibitOut:
        exhibit, _, _ = await exhibit_standing(ctx, ctx.ids["exhibit_id"])
        return (await _exhibit_list(ctx, [exhibit])).items[0]

    @api.route(
        "POST",
        "/exhibits/{exhibit_id}/withdraw",
        summary="Withdraw one of the caller's side's exhibits (recorded, never deleted)",
        tag="exhibits",
        response=ExhibitOut,
    )
    async def withdraw_exhibit(ctx: Ctx) -> ExhibitOut:
        exhibit, standing, exchange = await exhibit_standing(ctx, ctx.ids["exhibit_id"])
        standing.require(ctx, Action.WITHDRAW_EXHIBIT)
        if exhibit.side is not standing.side:
            raise ApiError(403, "forbidden", "only the side that submitted an exhibit withdraws it")
        if exhibit.withdrawn_at is not None:
            raise ApiError(409, "already_withdrawn", "this exhibit is already withdrawn")
        who = standing.who
        exhibit.withdrawn_at = utcnow()
        exhibit.withdrawn_by = who.name
        detail = {"exhibit_id": exhibit.id, "after_exchange": exchange.done}
        audit(ctx.db, who.label, "withdraw_exhibit", "exhibit", exhibit.id, ctx.client_ip, detail)
        label = exhibit_label(exhibit.side, exhibit.number)[1]
        await case_event(ctx, exhibit.case_id, "exhibit_withdrawn", who.label, label, None, detail)
        return (await _exhibit_list(ctx, [exhibit])).items[0]


async def _exhibit_list(ctx: Ctx, exhibits: list[Exhibit]) -> ExhibitList:
    files = await ctx.db.scalars(
        select(ExhibitFile)
        .where(ExhibitFile.exhibit_id.in_([e.id for e in exhibits]))
        .order_by(ExhibitFile.exhibit_id, ExhibitFile.seq)
    )
    by_exhibit: dict[int, list[ExhibitFile]] = {}
    for f in files:
        by_exhibit.setdefault(f.exhibit_id, []).append(f)
    return ExhibitList(items=[_exhibit_out(e, by_exhibit.get(e.id, [])) for e in exhibits])


def _exhibit_out(exhibit: Exhibit, files: Iterable[ExhibitFile]) -> ExhibitOut:
    label_zh, label_en = exhibit_label(exhibit.side, exhibit.number)
    return ExhibitOut(
        id=exhibit.id,
        case_id=exhibit.case_id,
        side=exhibit.side,
        number=exhibit.number,
        label_zh=label_zh,
        label_en=label_en,
        title=exhibit.title,
        purpose=exhibit.purpose,
        submitted_by=exhibit.submitted_by,
        submitted_by_role=exhibit.submitted_by_role,
        submitted_at=exhibit.submitted_at,
        withdrawn_at=exhibit.withdrawn_at,
        withdrawn_by=exhibit.withdrawn_by,
        files=[exhibit_file_out(f) for f in files],
    )
