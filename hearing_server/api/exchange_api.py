"""A case's evidence exchange (证据交换, docs/architecture.md#exhibits): the judge sets its
deadline, or opens it at once; from then on each side sees the other's exhibits. What was
exchanged cannot be taken back, so neither can be changed afterwards."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from court.permissions import Action
from hearing_server.api.errors import ApiError
from hearing_server.api.exhibit_scope import (
    Standing,
    case_event,
    case_standing,
    exchange_of,
    require_view,
)
from hearing_server.api.fields import CourtTime
from hearing_server.api.routing import Api, Ctx
from hearing_server.audit import audit
from hearing_server.db.models import EvidenceExchange, utcnow
from hearing_server.exhibit_visibility import Exchange


class ExchangeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    deadline: CourtTime | None
    """When the sides' exhibits are exchanged; null: no deadline (the judge opens it)."""


class ExchangeOut(BaseModel):
    case_id: int
    deadline: datetime | None
    opened_at: datetime | None
    exchanged: bool
    exchanged_at: datetime | None
    """When the exchange took place or will: the deadline or the opening, whichever is first."""


def register(api: Api) -> None:
    @api.route(
        "GET",
        "/cases/{case_id}/exchange",
        summary="The case's evidence exchange: its deadline and whether it took place",
        tag="exhibits",
        response=ExchangeOut,
        etag=True,
    )
    async def get_exchange(ctx: Ctx) -> ExchangeOut:
        standing = await case_standing(ctx, ctx.ids["case_id"])
        require_view(ctx, standing)
        return _exchange_out(standing, await exchange_of(ctx, standing.case.id))

    @api.route(
        "PUT",
        "/cases/{case_id}/exchange",
        summary="Set (or clear) the evidence exchange deadline",
        tag="exhibits",
        body=ExchangeIn,
        response=ExchangeOut,
    )
    async def set_exchange_deadline(ctx: Ctx, body: ExchangeIn) -> ExchangeOut:
        standing, row = await _before_exchange(ctx)
        previous = row.deadline
        row.deadline = body.deadline
        row.set_by = standing.who.label
        audit(
            ctx.db,
            standing.who.label,
            "set_exchange_deadline",
            "case",
            standing.case.id,
            ctx.client_ip,
            {"deadline": None if body.deadline is None else body.deadline.isoformat()},
        )
        await case_event(
            ctx,
            standing.case.id,
            "exchange_deadline",
            standing.who.label,
            None if previous is None else previous.isoformat(),
            None if body.deadline is None else body.deadline.isoformat(),
        )
        return _exchange_out(standing, Exchange(row.deadline, row.opened_at, utcnow()))

    @api.route(
        "POST",
        "/cases/{case_id}/exchange/open",
        summary="Open the evidence exchange now: each side sees the other's exhibits",
        tag="exhibits",
        response=ExchangeOut,
    )
    async def open_exchange(ctx: Ctx) -> ExchangeOut:
        standing, row = await _before_exchange(ctx)
        row.opened_at = utcnow()
        row.set_by = standing.who.label
        audit(ctx.db, standing.who.label, "open_exchange", "case", standing.case.id, ctx.client_ip)
        await case_event(ctx, standing.case.id, "exchange_opened", standing.who.label)
        return _exchange_out(standing, Exchange(row.deadline, row.opened_at, utcnow()))


async def _before_exchange(ctx: Ctx) -> tuple[Standing, EvidenceExchange]:
    """The judge's standing on the case and its exchange row (made if there is none yet);
    409 once the exchange took place."""
    standing = await case_standing(ctx, ctx.ids["case_id"])
    ctx.require(Action.SET_EXCHANGE)
    row = await ctx.db.get(EvidenceExchange, standing.case.id)
    if row is None:
        row = EvidenceExchange(case_id=standing.case.id, set_by=standing.who.label)
        ctx.db.add(row)
    exchange = Exchange(row.deadline, row.opened_at, utcnow())
    if exchange.done and exchange.at is not None:
        raise ApiError(
            409,
            "already_exchanged",
            f"the exhibits were exchanged at {exchange.at.isoformat()}; that cannot be undone",
        )
    return standing, row


def _exchange_out(standing: Standing, exchange: Exchange) -> ExchangeOut:
    return ExchangeOut(
        case_id=standing.case.id,
        deadline=exchange.deadline,
        opened_at=exchange.opened_at,
        exchanged=exchange.done,
        exchanged_at=exchange.at,
    )
