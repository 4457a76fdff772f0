"""Closing a staggered hearing (docs/architecture.md#staggered-hearings): the bench of the
hearing's court closes what is still open, the hearing, and seals its record
(`hearing_server/records/staggered_seal.py`); from then on nothing is added to it."""

from __future__ import annotations

from sqlalchemy import select

from court.permissions import Action
from court.states import HearingState
from hearing_server.api.errors import ApiError
from hearing_server.api.routing import Api, Ctx
from hearing_server.api.staggered_models import ClosedOut
from hearing_server.api.staggered_scope import live_at, managed_staggered, started_at
from hearing_server.audit import audit
from hearing_server.db.models import Hearing, utcnow
from hearing_server.keys import RECORDINGS, SETTINGS
from hearing_server.records.archive import recording_storage
from hearing_server.records.staggered_seal import AlreadyClosed, SealPlace, close_staggered


def register(api: Api) -> None:
    @api.route(
        "POST",
        "/hearings/{hearing_id}/staggered/close",
        summary="Close a staggered hearing: its open and pending stages, the hearing, and seal "
        "its record",
        tag="staggered",
        response=ClosedOut,
        errors=(409,),
    )
    async def close_hearing(ctx: Ctx) -> ClosedOut:
        hearing = await managed_staggered(ctx, ctx.ids["hearing_id"])
        if hearing.state is HearingState.CLOSED:
            raise ApiError(409, "already_closed", "this staggered hearing is closed already")
        who = ctx.require(Action.MANAGE_STAGES, hearing.state)
        # locked until the commit: a turn to live at the same moment is first or waits
        await ctx.db.execute(select(Hearing.id).where(Hearing.id == hearing.id).with_for_update())
        if (live := await live_at(ctx.db, hearing.id)) is not None:
            raise ApiError(
                409,
                "already_live",
                f"the court turned this hearing into a live hearing at {live.isoformat()}: "
                "closing the live hearing seals its record",
            )
        started = await started_at(ctx.db, hearing.id)
        if started is None:
            raise ApiError(
                409, "not_started", "the court has not started this staggered hearing yet"
            )
        settings = ctx.request.app[SETTINGS]
        place = SealPlace(
            recording_storage(settings), settings.recordings_dir, settings.signing_key_path
        )
        try:
            closed = await close_staggered(ctx.db, hearing, started, who.label, utcnow(), place)
        except AlreadyClosed as exc:
            raise ApiError(
                409, "already_closed", "this staggered hearing is closed already"
            ) from exc
        audit(
            ctx.db,
            who.label,
            "close_staggered",
            "hearing",
            hearing.id,
            ctx.client_ip,
            {"recording_id": closed.recording_id, "verification_code": closed.verification_code},
        )
        await ctx.db.commit()
        if (recordings := ctx.request.app.get(RECORDINGS)) is not None:
            recordings.render_later(closed.recording_id)  # a record of text only: nothing
        return ClosedOut(
            closed_at=closed.closed_at,
            recording_id=closed.recording_id,
            verification_code=closed.verification_code,
        )
