"""Turning a staggered hearing into a live one (docs/architecture.md#staggered-hearings): the
court may do so at any point before it closed the hearing. The same hearing goes on live, so
everyone keeps the invitation they have: its stages still open or pending are closed now
(`deadline_missed` for those who did not act, as at a staggered close), the moment is kept on
its `staggered_starts` row (`live_at`), and from then on the hearing is opened, run and closed
as any live hearing, whose seal also holds the staggered part
(`hearing_server/records/staggered_part.py`)."""

from __future__ import annotations

from sqlalchemy import select

from court.permissions import Action
from court.states import HearingState
from hearing_server.api.errors import ApiError
from hearing_server.api.routing import Api, Ctx
from hearing_server.api.staggered_models import LiveOut
from hearing_server.api.staggered_scope import managed_staggered, on_record
from hearing_server.db.models import Hearing, utcnow
from hearing_server.db.staggered_rows import StaggeredStart
from hearing_server.records.staggered_seal import close_stages


def already_live(at: str) -> ApiError:
    return ApiError(
        409, "already_live", f"the court turned this hearing into a live hearing at {at}"
    )


def register(api: Api) -> None:
    @api.route(
        "POST",
        "/hearings/{hearing_id}/staggered/live",
        summary="Turn a staggered hearing into a live hearing (the same hearing and links): "
        "its open and pending stages close now",
        tag="staggered",
        response=LiveOut,
        errors=(409,),
    )
    async def turn_live(ctx: Ctx) -> LiveOut:
        hearing = await managed_staggered(ctx, ctx.ids["hearing_id"])
        # the row locked until the commit: a turn, a close or a second turn to live waits
        state = await ctx.db.scalar(
            select(Hearing.state).where(Hearing.id == hearing.id).with_for_update()
        )
        if state is HearingState.CLOSED:
            raise ApiError(409, "already_closed", "this staggered hearing is closed already")
        who = ctx.require(Action.MANAGE_STAGES, state)
        now = utcnow()
        start = await ctx.db.get(StaggeredStart, hearing.id, populate_existing=True)
        if start is not None and start.live_at is not None:
            raise already_live(start.live_at.isoformat())
        if state is not HearingState.SCHEDULED:
            raise already_live("its opening")  # opened live without being turned: live already
        if start is None:  # never started in staggered form: it starts, and ends, now
            start = StaggeredStart(hearing_id=hearing.id, started_at=now, started_by=who.label)
            ctx.db.add(start)
        start.live_at = now
        await close_stages(ctx.db, hearing.id, who.label, now)
        on_record(
            ctx,
            who,
            hearing.id,
            "staggered_to_live",
            ("staggered_to_live", "hearing", hearing.id),
            {"by": who.label},
        )
        return LiveOut(live_at=now)
