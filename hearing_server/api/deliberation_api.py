"""The panel withdraws to deliberate (docs/architecture.md#deliberation): ``POST
/hearings/{id}/deliberation`` schedules a panel deliberation (合议庭评议) of a trial in the same
case, with the trial's panel as its members — its judges (the presiding one presiding), people's
assessors and clerk — and the judges of other courts the trial's grants seat, granted this one
hearing too. Nobody else is in it; the parties never see it (court/kinds.py ``internal``).

Assessors hold no staff account: they are copied as participants without an invitation, and
join by a new personal one the clerk issues (``POST /participants/{id}/invitation``), as they
joined the trial. A judicial committee's meeting is scheduled as any
hearing (its members are the court's committee, not a trial's panel).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from court.kinds import HearingKind
from court.permissions import Action
from court.roles import SEATED
from court.states import HearingState
from hearing_server.api.creation import add_audited
from hearing_server.api.errors import ApiError
from hearing_server.api.fields import CourtTime
from hearing_server.api.outputs import HearingOut, hearing_out
from hearing_server.api.routing import Api, Ctx
from hearing_server.api.scope import hearing_for_action
from hearing_server.db.bench_rows import BenchGrant
from hearing_server.db.models import Case, Hearing, HearingEvent, Participant, utcnow

TRIALS = frozenset({HearingKind.CIVIL_TRIAL, HearingKind.CRIMINAL_TRIAL})


class DeliberationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    scheduled_start: CourtTime | None = Field(default=None, description="Defaults to now.")
    duration_minutes: int = Field(default=60, ge=5, le=24 * 60)


def register(api: Api) -> None:
    @api.route(
        "POST",
        "/hearings/{hearing_id}/deliberation",
        summary="Schedule the panel's deliberation of a trial, with its panel",
        tag="hearings",
        body=DeliberationIn,
        response=HearingOut,
        status=201,
    )
    async def schedule_deliberation(ctx: Ctx, body: DeliberationIn) -> HearingOut:
        trial, who = await hearing_for_action(ctx, ctx.ids["hearing_id"], Action.SCHEDULE_HEARING)
        if trial.kind not in TRIALS:
            raise ApiError(
                409,
                "not_a_trial",
                f"hearing {trial.id} is a {trial.kind}: a trial's panel deliberates",
            )
        case = await ctx.db.get(Case, trial.case_id)
        assert case is not None  # a hearing's case is never deleted under it
        grants = list(
            await ctx.db.scalars(select(BenchGrant).where(BenchGrant.hearing_id == trial.id))
        )
        # A judge of another court whose grant was revoked keeps a seat row on the trial; they
        # are off the panel, and copied they would count among its voting members.
        granted = {g.participant_id for g in grants if g.revoked_at is None}
        revoked = {g.participant_id for g in grants} - granted
        panel = [
            member
            for member in await ctx.db.scalars(
                select(Participant)
                .where(Participant.hearing_id == trial.id, Participant.role.in_(SEATED))
                .order_by(Participant.id)
            )
            if member.id not in revoked
        ]
        hearing = Hearing(
            case_id=case.id,
            kind=HearingKind.PANEL_DELIBERATION,
            title=trial.title,
            scheduled_start=body.scheduled_start or utcnow(),
            duration_minutes=body.duration_minutes,
            public=False,
            courtroom_id=None,
            state=HearingState.SCHEDULED,
        )
        detail = {"case": case.number, "deliberating": trial.id}
        await add_audited(ctx, who, hearing, "create", "hearing", detail)
        members = {}
        for member in panel:
            members[member.id] = Participant(
                hearing_id=hearing.id,
                role=member.role,
                name=member.name,
                user_id=member.user_id,
                presiding=member.presiding,
            )
            ctx.db.add(members[member.id])
        await ctx.db.flush()
        for grant in grants:
            seat = members.get(grant.participant_id)
            if seat is not None and grant.revoked_at is None:
                ctx.db.add(
                    BenchGrant(
                        hearing_id=hearing.id,
                        user_id=grant.user_id,
                        participant_id=seat.id,
                        granted_by=who.label,
                    )
                )
        ctx.db.add(
            HearingEvent(
                hearing_id=hearing.id, kind="scheduled", actor=who.label, to_value=hearing.state
            )
        )
        return hearing_out(hearing, case)
