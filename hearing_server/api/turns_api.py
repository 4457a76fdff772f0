"""Turns in a staggered hearing's stages (docs/architecture.md#staggered-hearings): a listed
participant's written or recorded statement, while the stage is open. A text is taken at once;
a video is uploaded in chunks (turn_uploads_api.py) and becomes the turn when its last byte
arrived and ffprobe found picture and sound in it. Each viewer gets the turns the stage's
visibility rule shows them (court/staggered.py); a statement's file plays with byte ranges,
every request audited."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Annotated, Literal

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, RootModel
from sqlalchemy import select

from court.permissions import Action
from court.staggered import sees_turn, stage_state
from hearing_server.api.errors import not_found
from hearing_server.api.fields import Id
from hearing_server.api.routing import Api, Ctx
from hearing_server.api.staggered_models import TurnList, TurnOut, TurnUploadOut
from hearing_server.api.staggered_scope import (
    StageAccess,
    require_acting,
    stage_access,
    times,
    turn_out,
)
from hearing_server.api.turn_intake import check_turn, record_turn
from hearing_server.api.video_files import StoredVideo, play_video, video_binary
from hearing_server.audit import audit
from hearing_server.db.models import Participant, utcnow
from hearing_server.db.staggered_rows import TurnRow, TurnUpload
from hearing_server.keys import SETTINGS
from hearing_server.turn_uploads import CHUNK_SIZE, MAX_BYTES, turns_folder
from hearing_server.upload_expiry import drop_expired

MAX_TEXT = 20000


class TextTurnIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["text"]
    text: str = Field(min_length=1, max_length=MAX_TEXT)
    corrects_id: Id | None = None


class VideoTurnIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["video"]
    media_type: Literal["video/webm", "video/mp4"]
    size: int = Field(ge=1, le=MAX_BYTES, description="Bytes in the whole file (at most 500 MB).")
    corrects_id: Id | None = None


class TurnIn(RootModel[Annotated[TextTurnIn | VideoTurnIn, Field(discriminator="kind")]]):
    """A written statement, or the start of a recorded one's upload."""


class TurnStarted(RootModel[TurnOut | TurnUploadOut]):
    """The turn (a text), or the upload to send the video's bytes to."""


def register(api: Api) -> None:
    @api.route(
        "POST",
        "/stages/{stage_id}/turns",
        summary="Submit one's turn in a stage: a text, or start uploading a video statement",
        tag="staggered",
        body=TurnIn,
        response=TurnStarted,
        status=201,
    )
    async def submit_turn(ctx: Ctx, body: TurnIn) -> TurnStarted:
        access = await stage_access(ctx, ctx.ids["stage_id"], Action.TAKE_TURN)
        participant_id = await require_acting(ctx, access)
        turn = body.root
        await check_turn(ctx, access, participant_id, turn.corrects_id)
        if isinstance(turn, TextTurnIn):
            row = TurnRow(
                stage_id=access.stage.id,
                participant_id=participant_id,
                kind="text",
                text=turn.text,
                sha256=hashlib.sha256(turn.text.encode()).hexdigest(),
                corrects_id=turn.corrects_id,
                submitted_at=utcnow(),
            )
            return TurnStarted(await record_turn(ctx, access, row))
        settings = ctx.request.app[SETTINGS]
        await drop_expired(ctx.db, TurnUpload, turns_folder(settings), settings.upload_expiry_hours)
        upload = TurnUpload(
            stage_id=access.stage.id,
            participant_id=participant_id,
            media_type=turn.media_type,
            size_bytes=turn.size,
            corrects_id=turn.corrects_id,
            expires_at=utcnow() + timedelta(hours=settings.upload_expiry_hours),
        )
        ctx.db.add(upload)
        await ctx.db.flush()
        detail = {"stage_id": access.stage.id, "media_type": turn.media_type, "size": turn.size}
        audit(
            ctx.db,
            access.who.label,
            "start_turn_upload",
            "turn_upload",
            upload.id,
            ctx.client_ip,
            detail,
        )
        return TurnStarted(TurnUploadOut(upload_id=upload.id, offset=0, chunk_size=CHUNK_SIZE))

    @api.route(
        "GET",
        "/stages/{stage_id}/turns",
        summary="A stage's turns the caller may see",
        tag="staggered",
        response=TurnList,
    )
    async def list_turns(ctx: Ctx) -> TurnList:
        access = await stage_access(ctx, ctx.ids["stage_id"], Action.VIEW_STAGES)
        rows = await ctx.db.execute(
            select(TurnRow, Participant)
            .join(Participant, Participant.id == TurnRow.participant_id)
            .where(TurnRow.stage_id == access.stage.id)
            .order_by(TurnRow.id)
        )
        return TurnList(
            items=[turn_out(turn, who) for turn, who in rows.all() if _sees(access, turn)]
        )

    @api.route(
        "GET",
        "/turns/{turn_id}/media",
        summary="Play or download a video statement",
        tag="staggered",
        binary=video_binary("the statement as it arrived"),
        errors=(503,),
    )
    async def get_turn_media(ctx: Ctx) -> web.StreamResponse:
        turn_id = ctx.ids["turn_id"]
        turn = await ctx.db.get(TurnRow, turn_id)
        if turn is None or turn.media_path is None:
            raise not_found(f"statement {turn_id}")
        access = await stage_access(ctx, turn.stage_id, Action.VIEW_STAGES)
        if not _sees(access, turn):
            raise not_found(f"statement {turn_id}")
        video = StoredVideo(turn.media_path, turn.media_type, turn.sha256, f"statement-{turn.id}")
        return await play_video(ctx, access.who.label, video, ("view_statement", "turn", turn.id))


def _sees(access: StageAccess, turn: TurnRow) -> bool:
    state = stage_state(times(access.stage), utcnow())
    return sees_turn(
        access.participant_id, access.who.role, turn.participant_id, access.stage.visibility, state
    )
