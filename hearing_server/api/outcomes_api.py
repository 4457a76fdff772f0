"""A hearing's outcome (court/outcomes.py, docs/architecture.md#outcomes): recorded by a judge
of the hearing while it is live, as a timeline entry (``outcome``), so the sealed record holds
every one recorded; the latest stands."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from court.kinds import RULES, HearingKind
from court.outcomes import outcome_refusal
from court.permissions import Action
from hearing_server.api.errors import ApiError
from hearing_server.api.fields import Prose
from hearing_server.api.routing import Api, Ctx
from hearing_server.api.scope import hearing_for_action, visible_hearing
from hearing_server.audit import audit
from hearing_server.db.models import HearingEvent, utcnow

EVENT = "outcome"

OutcomeName = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[a-z_]+$")]


class OutcomeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    outcome: OutcomeName
    """One of the hearing kind's outcomes (e.g. payment_plan)."""
    amount_fen: int | None = Field(default=None, ge=1, le=10**17)
    """The sum of a settlement or a payment plan, in fen."""
    instalments: int | None = Field(default=None, ge=1, le=120)
    first_due: date | None = None
    note: Prose | None = None


class OutcomeOut(BaseModel):
    outcome: str
    amount_fen: int | None
    instalments: int | None
    first_due: date | None
    note: str | None
    recorded_by: str
    recorded_at: datetime


class OutcomeList(BaseModel):
    items: list[OutcomeOut]
    """Oldest first; the last one stands."""
    choices: list[str]
    """The outcomes this hearing's kind has."""


def _out(event: HearingEvent) -> OutcomeOut:
    data: dict[str, Any] = event.data or {}
    due = data.get("first_due")
    return OutcomeOut(
        outcome=event.to_value or "",
        amount_fen=data.get("amount_fen"),
        instalments=data.get("instalments"),
        first_due=date.fromisoformat(due) if due else None,
        note=data.get("note"),
        recorded_by=event.actor or "",
        recorded_at=event.at,
    )


def register(api: Api) -> None:
    @api.route(
        "POST",
        "/hearings/{hearing_id}/outcomes",
        summary="Record what the hearing came to (a judge, while it is live)",
        tag="hearings",
        body=OutcomeIn,
        response=OutcomeOut,
        status=201,
        errors=(409,),
    )
    async def record(ctx: Ctx, body: OutcomeIn) -> OutcomeOut:
        hearing, who = await hearing_for_action(ctx, ctx.ids["hearing_id"], Action.RECORD_OUTCOME)
        refusal = outcome_refusal(
            HearingKind(hearing.kind),
            body.outcome,
            body.amount_fen,
            body.instalments,
            body.first_due,
        )
        if refusal is not None:
            raise ApiError(422, "invalid_outcome", refusal)
        data = {
            "amount_fen": body.amount_fen,
            "instalments": body.instalments,
            "first_due": body.first_due.isoformat() if body.first_due else None,
            "note": body.note,
        }
        event = HearingEvent(
            hearing_id=hearing.id,
            at=utcnow(),
            kind=EVENT,
            actor=who.label,
            to_value=body.outcome,
            data={key: value for key, value in data.items() if value is not None},
        )
        ctx.db.add(event)
        audit(
            ctx.db,
            who.label,
            "record_outcome",
            "hearing",
            hearing.id,
            ctx.client_ip,
            {"outcome": body.outcome},
        )
        return _out(event)

    @api.route(
        "GET",
        "/hearings/{hearing_id}/outcomes",
        summary="The outcomes recorded for a hearing, oldest first (the last one stands)",
        tag="hearings",
        response=OutcomeList,
    )
    async def outcomes(ctx: Ctx) -> OutcomeList:
        hearing = await visible_hearing(ctx, ctx.ids["hearing_id"])
        ctx.require(Action.VIEW_RECORDS)
        events = await ctx.db.scalars(
            select(HearingEvent)
            .where(HearingEvent.hearing_id == hearing.id, HearingEvent.kind == EVENT)
            .order_by(HearingEvent.at, HearingEvent.id)
        )
        return OutcomeList(
            items=[_out(e) for e in events], choices=list(RULES[HearingKind(hearing.kind)].outcomes)
        )
