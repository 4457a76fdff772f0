"""The examination of evidence (质证, docs/architecture.md#exhibits): a party, or their lawyer
for them, records on each exhibit of another side whether they admit its authenticity,
legality and relevance, with reasons; the bench sees the whole matrix (exhibit × party ×
aspect), a party their own opinions. An opinion is a row per (exhibit, party, aspect); each
one given, and each change, is a timeline event of the party's hearing."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from court.exhibits import (
    OPINION_HOLDERS,
    Aspect,
    ExhibitSide,
    Opinion,
    examination_refusal,
    exhibit_label,
    opinion_holder,
    opinion_refusal,
    side_of,
)
from court.permissions import Action
from court.roles import Role
from hearing_server.api.errors import ApiError
from hearing_server.api.exhibit_scope import exhibit_standing, hearing_standing, visible_exhibits
from hearing_server.api.fields import Prose
from hearing_server.api.routing import Api, Ctx
from hearing_server.audit import audit
from hearing_server.auth import PrincipalKind
from hearing_server.db.models import ExhibitOpinion, HearingEvent, Participant, utcnow


class OpinionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    aspect: Aspect
    opinion: Opinion
    reason: Prose | None = None


class OpinionOut(BaseModel):
    exhibit_id: int
    party_id: int
    """Whose opinion it is (a party, a prosecutor, a detainee)."""
    given_by_id: int | None
    """Who recorded it: the party, or their lawyer."""
    aspect: Aspect
    opinion: Opinion
    reason: str | None
    at: datetime


class PartyColumn(BaseModel):
    id: int
    name: str
    role: Role
    side: ExhibitSide | None


class ExaminationRow(BaseModel):
    exhibit_id: int
    side: ExhibitSide
    label_zh: str
    label_en: str
    title: str
    withdrawn: bool
    opinions: list[OpinionOut]


class Examination(BaseModel):
    """The matrix: a row per exhibit, a column per party and aspect."""

    hearing_id: int
    aspects: list[Aspect]
    parties: list[PartyColumn]
    rows: list[ExaminationRow]


def register(api: Api) -> None:
    @api.route(
        "POST",
        "/exhibits/{exhibit_id}/opinions",
        summary="Record (or change) the caller's party's opinion on one aspect of an exhibit",
        tag="exhibits",
        body=OpinionIn,
        response=OpinionOut,
    )
    async def record_opinion(ctx: Ctx, body: OpinionIn) -> OpinionOut:
        exhibit, standing, _ = await exhibit_standing(ctx, ctx.ids["exhibit_id"])
        standing.require(ctx, Action.EXAMINE_EXHIBIT)
        me, hearing = standing.participant, standing.hearing
        if me is None or hearing is None:  # examiners are all invited: never staff
            raise ApiError(403, "forbidden", "opinions are the parties' to give")
        refused = examination_refusal(standing.side, exhibit.side)
        if refused is not None:
            raise ApiError(403, "forbidden", refused)
        if exhibit.withdrawn_at is not None:
            raise ApiError(409, "withdrawn", "this exhibit was withdrawn")
        unreasoned = opinion_refusal(body.opinion, body.reason)
        if unreasoned is not None:
            raise ApiError(
                422,
                "reason_required",
                unreasoned,
                [{"field": "reason", "problem": "required when the opinion is disputed"}],
            )
        party_id = opinion_holder(me.role, me.id, me.represents_id)
        if party_id is None:
            raise ApiError(
                409, "represents_nobody", "you act for nobody in this hearing; ask the court"
            )
        row = await ctx.db.scalar(
            select(ExhibitOpinion).where(
                ExhibitOpinion.exhibit_id == exhibit.id,
                ExhibitOpinion.party_id == party_id,
                ExhibitOpinion.aspect == body.aspect,
            )
        )
        previous = None if row is None else row.opinion
        if row is None:
            row = ExhibitOpinion(exhibit_id=exhibit.id, party_id=party_id, aspect=body.aspect)
            ctx.db.add(row)
        row.opinion = body.opinion
        row.reason = body.reason
        row.given_by_id = me.id
        row.at = utcnow()
        detail = {
            "exhibit_id": exhibit.id,
            "label": exhibit_label(exhibit.side, exhibit.number)[1],
            "party_id": party_id,
            "aspect": body.aspect,
            "reason": body.reason,
        }
        who = standing.who
        ctx.db.add(
            HearingEvent(
                hearing_id=hearing.id,
                kind="exhibit_opinion",
                actor=who.label,
                from_value=previous,
                to_value=body.opinion,
                data=detail,
            )
        )
        audit(
            ctx.db,
            who.label,
            "record_exhibit_opinion",
            "exhibit",
            exhibit.id,
            ctx.client_ip,
            {**detail, "opinion": body.opinion, "previous": previous},
        )
        await ctx.db.flush()
        return _opinion_out(row)

    @api.route(
        "GET",
        "/hearings/{hearing_id}/examination",
        summary="The examination matrix: every visible exhibit × party × aspect",
        tag="exhibits",
        response=Examination,
        etag=True,
    )
    async def examination(ctx: Ctx) -> Examination:
        standing = await hearing_standing(ctx, ctx.ids["hearing_id"])
        ctx.require(Action.VIEW_EXAMINATION)
        hearing_id = ctx.ids["hearing_id"]
        people = await ctx.db.scalars(
            select(Participant)
            .where(Participant.hearing_id == hearing_id, Participant.role.in_(OPINION_HOLDERS))
            .order_by(Participant.id)
        )
        parties = list(people)
        me = standing.participant
        if standing.who.kind is PrincipalKind.PARTICIPANT and me is not None:
            mine = opinion_holder(me.role, me.id, me.represents_id)
            parties = [p for p in parties if p.id == mine]
        exhibits = await visible_exhibits(ctx, standing)
        opinions = await ctx.db.scalars(
            select(ExhibitOpinion)
            .where(
                ExhibitOpinion.exhibit_id.in_([e.id for e in exhibits]),
                ExhibitOpinion.party_id.in_([p.id for p in parties]),
            )
            .order_by(ExhibitOpinion.exhibit_id, ExhibitOpinion.party_id, ExhibitOpinion.aspect)
        )
        by_exhibit: dict[int, list[OpinionOut]] = {}
        for o in opinions:
            by_exhibit.setdefault(o.exhibit_id, []).append(_opinion_out(o))
        return Examination(
            hearing_id=hearing_id,
            aspects=list(Aspect),
            parties=[
                PartyColumn(id=p.id, name=p.name, role=p.role, side=side_of(p.role, p.side))
                for p in parties
            ],
            rows=[
                ExaminationRow(
                    exhibit_id=e.id,
                    side=e.side,
                    label_zh=exhibit_label(e.side, e.number)[0],
                    label_en=exhibit_label(e.side, e.number)[1],
                    title=e.title,
                    withdrawn=e.withdrawn_at is not None,
                    opinions=by_exhibit.get(e.id, []),
                )
                for e in exhibits
            ],
        )


def _opinion_out(row: ExhibitOpinion) -> OpinionOut:
    return OpinionOut(
        exhibit_id=row.exhibit_id,
        party_id=row.party_id,
        given_by_id=row.given_by_id,
        aspect=row.aspect,
        opinion=row.opinion,
        reason=row.reason,
        at=row.at,
    )
