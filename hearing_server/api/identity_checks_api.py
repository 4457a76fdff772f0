"""A hearing's identity checks (docs/architecture.md#identity-check): the document read, the
last digits of its number and the still the server took of the person. For the bench of the
hearing and the court's clerks (the archive): a judge sees the checks of their own cases or of
hearings they sit in, a clerk those of their court; participants never (403), nor terminals.
Every request is an `audit_log` row, as for recordings."""

from __future__ import annotations

import asyncio
from datetime import datetime

from aiohttp import web
from pydantic import BaseModel, Field
from sqlalchemy import select

from court.identity import DocumentType
from court.permissions import Action
from court.roles import Role
from hearing_server.api.errors import ApiError, not_found
from hearing_server.api.routing import Api, Binary, Ctx
from hearing_server.audit import audit
from hearing_server.db.models import Case, Hearing, IdentityCheckRow, Participant
from hearing_server.identity_stills import still_key
from hearing_server.keys import SETTINGS
from hearing_server.records.archive import recording_storage


class IdentityCheckOut(BaseModel):
    id: int
    hearing_id: int
    participant_id: int
    participant_name: str
    participant_role: Role
    document_type: DocumentType
    digits: str = Field(description="The last 4 to 6 digits of the document's number.")
    checked_by: str
    checked_at: datetime
    still: bool = Field(description="The server took a still: GET /identity-checks/{id}/still.")
    still_sha256: str | None
    no_still: str | None = Field(description="Why there is no still.")


class IdentityCheckList(BaseModel):
    items: list[IdentityCheckOut]


def register(api: Api) -> None:
    @api.route(
        "GET",
        "/hearings/{hearing_id}/identity-checks",
        summary="A hearing's identity checks (bench and clerks only)",
        tag="identity",
        response=IdentityCheckList,
    )
    async def list_identity_checks(ctx: Ctx) -> IdentityCheckList:
        hearing = await _checked_hearing(ctx, ctx.ids["hearing_id"])
        rows = await ctx.db.execute(
            select(IdentityCheckRow, Participant)
            .join(Participant, IdentityCheckRow.participant_id == Participant.id)
            .where(IdentityCheckRow.hearing_id == hearing.id)
            .order_by(IdentityCheckRow.checked_at, IdentityCheckRow.id)
        )
        items = [_out(row, participant) for row, participant in rows]
        audit(
            ctx.db,
            ctx.user.label,
            "list_identity_checks",
            "hearing",
            hearing.id,
            ctx.client_ip,
            {"checks": len(items)},
        )
        return IdentityCheckList(items=items)

    @api.route(
        "GET",
        "/identity-checks/{check_id}/still",
        summary="The still the server took at an identity check (bench and clerks only)",
        tag="identity",
        binary=Binary("image/jpeg", "the still, a JPEG"),
    )
    async def get_identity_still(ctx: Ctx) -> web.StreamResponse:
        check_id = ctx.ids["check_id"]
        row = await ctx.db.get(IdentityCheckRow, check_id)
        if row is None:
            ctx.require(Action.VIEW_IDENTITY_CHECKS)
            raise not_found(f"identity check {check_id}")
        await _checked_hearing(ctx, row.hearing_id, f"identity check {check_id}")
        if row.still_sha256 is None:
            raise ApiError(404, "no_still", f"no still was taken: {row.no_still or 'no video'}")
        storage = recording_storage(ctx.request.app[SETTINGS])
        try:
            data = await asyncio.to_thread(
                storage.read, still_key(row.hearing_id, row.still_sha256)
            )
        except (OSError, ValueError) as exc:
            raise ApiError(
                404, "file_missing", "the still is missing from storage; the clerk must restore it"
            ) from exc
        audit(
            ctx.db,
            ctx.user.label,
            "view_identity_still",
            "identity_check",
            row.id,
            ctx.client_ip,
            {"participant_id": row.participant_id, "sha256": row.still_sha256},
        )
        return web.Response(
            body=data,
            content_type="image/jpeg",
            headers={
                "Cache-Control": "private, no-store",
                "X-Content-Type-Options": "nosniff",
                "ETag": f'"{row.still_sha256}"',
            },
        )


async def _checked_hearing(ctx: Ctx, hearing_id: int, what: str | None = None) -> Hearing:
    """The hearing, if the caller may see its identity checks: 403 for participants and
    terminals (their role never may), 404 for a hearing of another court, 403 for a judge's
    colleague's case they do not sit in."""
    who = ctx.require(Action.VIEW_IDENTITY_CHECKS)
    row = (
        await ctx.db.execute(
            select(Hearing, Case)
            .join(Case, Hearing.case_id == Case.id)
            .where(Hearing.id == hearing_id)
        )
    ).first()
    if row is None or row[1].court_id != who.court_id:
        raise not_found(what or f"hearing {hearing_id}")
    hearing, case = row
    if who.role is Role.JUDGE and case.judge_id != who.id:
        sits = await ctx.db.scalar(
            select(Participant.id).where(
                Participant.hearing_id == hearing.id,
                Participant.user_id == who.id,
                Participant.role == Role.JUDGE,
            )
        )
        if sits is None:
            raise ApiError(
                403, "forbidden", "judges see the identity checks of their own cases only"
            )
    return hearing


def _out(row: IdentityCheckRow, participant: Participant) -> IdentityCheckOut:
    return IdentityCheckOut(
        id=row.id,
        hearing_id=row.hearing_id,
        participant_id=row.participant_id,
        participant_name=participant.name,
        participant_role=participant.role,
        document_type=DocumentType(row.document_type),
        digits=row.digits,
        checked_by=row.checked_by,
        checked_at=row.checked_at,
        still=row.still_sha256 is not None,
        still_sha256=row.still_sha256,
        no_still=row.no_still,
    )
