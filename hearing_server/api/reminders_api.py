"""The bench reminds by hand those who have not acted in an open stage of a staggered hearing
(docs/architecture.md#staggered-hearings; the sweep's own reminders: stage_reminders.py). Not
unique: the bench may remind someone twice; each reminder is kept with who made it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from court.permissions import Action
from court.staggered import stage_state
from hearing_server.api.errors import ApiError
from hearing_server.api.fields import Id
from hearing_server.api.routing import Api, Ctx
from hearing_server.api.staggered_models import ReminderList, ReminderOut
from hearing_server.api.staggered_scope import stage_access, started_at, times
from hearing_server.audit import audit
from hearing_server.db.models import Participant, utcnow
from hearing_server.stage_reminders import add_reminder, not_acted

MAX_REMINDED = 100


class RemindIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    participant_ids: list[Id] | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_REMINDED,
        description="Whom to remind; default: everyone listed who has not acted.",
    )


def register(api: Api) -> None:
    @api.route(
        "POST",
        "/stages/{stage_id}/reminders",
        summary="Remind those listed on an open stage who have not acted",
        tag="staggered",
        body=RemindIn,
        response=ReminderList,
        status=201,
    )
    async def remind(ctx: Ctx, body: RemindIn) -> ReminderList:
        access = await stage_access(ctx, ctx.ids["stage_id"], Action.MANAGE_STAGES)
        stage, who = access.stage, access.who
        if await started_at(ctx.db, stage.hearing_id) is None:
            raise ApiError(409, "not_started", "the court has not started this staggered hearing")
        if stage_state(times(stage), utcnow()) != "open":
            raise ApiError(409, "stage_not_open", "only those of an open stage are reminded")
        left = await not_acted(ctx.db, stage)
        ids = body.participant_ids
        if ids is None:
            ids = [i for i in stage.participant_ids if i in left]
            if not ids:
                raise ApiError(409, "nobody_to_remind", "everyone listed on this stage has acted")
        else:
            if len(set(ids)) != len(ids):
                raise ApiError(422, "invalid_request", "participant_ids lists someone twice")
            unlisted = [i for i in ids if i not in stage.participant_ids]
            if unlisted:
                raise ApiError(
                    422,
                    "not_in_stage",
                    "not listed on this stage: " + ", ".join(str(i) for i in unlisted),
                )
            done = [i for i in ids if i not in left]
            if done:
                raise ApiError(
                    409,
                    "already_acted",
                    "these have submitted and answered everything in this stage: "
                    + ", ".join(str(i) for i in done),
                    [{"participant_id": i} for i in done],
                )
        people = {
            p.id: p
            for p in await ctx.db.scalars(select(Participant).where(Participant.id.in_(ids)))
        }
        rows = [add_reminder(ctx.db, stage, people[i], left[i][0], who.label) for i in ids]
        await ctx.db.flush()
        for row in rows:
            data = {"stage_id": stage.id, "participant_id": row.participant_id}
            audit(ctx.db, who.label, "remind", "reminder", row.id, ctx.client_ip, data)
        return ReminderList(
            items=[
                ReminderOut(
                    id=r.id,
                    stage_id=r.stage_id,
                    participant_id=r.participant_id,
                    name=people[r.participant_id].name,
                    reason="question" if r.reason == "question" else "turn",
                    deadline=r.deadline,
                    by=r.by,
                    at=r.at,
                )
                for r in rows
            ]
        )
