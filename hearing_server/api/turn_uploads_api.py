"""A video statement's bytes arriving in chunks that survive a dropped phone connection, as an
exhibit's files do (exhibit_uploads_api.py): PATCH from the offset the server holds (a chunk
from anywhere else gets 409 with that offset in ``Upload-Offset``), HEAD for the offset after a
drop. The chunk that completes the file makes the server probe it (statement_media.py), hash
it, keep it under the hearing's folder of the recordings' storage, byte for byte as it arrived,
and put the turn on the record. Only the uploader continues, and only while they may still act
in the stage (its deadline is the statement's, the upload's included)."""

from __future__ import annotations

import asyncio

from aiohttp import web

from court.permissions import Action
from hearing_server.api.chunk_body import OFFSET, append_chunk
from hearing_server.api.errors import ApiError, not_found
from hearing_server.api.raw_body import Header, RawBody
from hearing_server.api.routing import Api, Ctx
from hearing_server.api.staggered_models import TurnOut
from hearing_server.api.staggered_scope import StageAccess, require_acting, stage_access
from hearing_server.api.turn_intake import check_turn, record_turn
from hearing_server.api.video_chunks import (
    drop_refused,
    keep_video,
    offset_answer,
    offset_held,
    one_chunk_at_a_time,
    probe_video,
    refuse_expired,
)
from hearing_server.auth import PrincipalKind
from hearing_server.db.models import utcnow
from hearing_server.db.staggered_rows import TurnRow, TurnUpload
from hearing_server.keys import SETTINGS, TURN_UPLOADS_BUSY
from hearing_server.turn_uploads import turn_part
from hearing_server.upload_folder import discard


def register(api: Api) -> None:
    @api.route(
        "PATCH",
        "/turn-uploads/{upload_id}",
        summary="Send the next chunk of a video statement, from the offset the server holds",
        tag="staggered",
        raw_body=RawBody(
            "application/octet-stream",
            "The file's bytes from the offset on (all of the rest, or a chunk of it).",
            (Header(OFFSET, "Where this chunk starts: the upload's offset."),),
        ),
        response=TurnOut,
        status=201,
        also=(204,),
        errors=(413, 422, 503),
    )
    async def send_turn_chunk(ctx: Ctx, headers: dict[str, int]) -> TurnOut | web.Response:
        upload = await _own_upload(ctx)
        if upload.turn_id is not None:
            raise ApiError(
                409, "upload_finished", "this upload is finished; its turn is on the record"
            )
        access = await stage_access(ctx, upload.stage_id, Action.TAKE_TURN)
        await require_acting(ctx, access)
        path = turn_part(ctx.request.app[SETTINGS], upload.id)
        with one_chunk_at_a_time(ctx.request.app[TURN_UPLOADS_BUSY], upload.id):
            offset = await append_chunk(ctx, path, upload.size_bytes, headers[OFFSET])
            if offset < upload.size_bytes:
                return offset_answer(offset)
            return await _finish(ctx, access, upload)

    @api.route(
        "HEAD",
        "/turn-uploads/{upload_id}",
        summary="Where a video statement's upload stands (its offset, in Upload-Offset)",
        tag="staggered",
        status=204,
    )
    async def turn_upload_offset(ctx: Ctx) -> web.Response:
        upload = await _own_upload(ctx)
        if upload.turn_id is not None:
            return offset_answer(upload.size_bytes)
        return offset_answer(await offset_held(turn_part(ctx.request.app[SETTINGS], upload.id)))


async def _finish(ctx: Ctx, access: StageAccess, upload: TurnUpload) -> TurnOut:
    settings = ctx.request.app[SETTINGS]
    path = turn_part(settings, upload.id)
    participant_id = upload.participant_id
    try:
        # another turn may have gone on the record while this one was arriving
        await check_turn(ctx, access, participant_id, upload.corrects_id)
        probed = await probe_video(settings, path, upload.media_type)
    except ApiError as refusal:
        await drop_refused(ctx, upload, path, ("refuse_statement", "turn_upload"), refusal.code)
        raise
    folder = f"hearing-{access.stage.hearing_id}/statements"
    key, sha256 = await keep_video(settings, path, folder, upload.media_type, "statement")
    turn = TurnRow(
        stage_id=upload.stage_id,
        participant_id=participant_id,
        kind="video",
        media_path=key,
        media_type=upload.media_type,
        duration_s=probed.duration_s,
        size_bytes=upload.size_bytes,
        sha256=sha256,
        corrects_id=upload.corrects_id,
        submitted_at=utcnow(),
    )
    out = await record_turn(ctx, access, turn)
    upload.turn_id = turn.id
    await ctx.db.commit()
    await asyncio.to_thread(discard, path)
    return out


async def _own_upload(ctx: Ctx) -> TurnUpload:
    """The upload in the path, if the caller started it and it has not expired (404)."""
    who, upload_id = ctx.user, ctx.ids["upload_id"]
    upload = await ctx.db.get(TurnUpload, upload_id)
    if (
        upload is None
        or who.kind is not PrincipalKind.PARTICIPANT
        or upload.participant_id != who.id
    ):
        raise not_found(f"upload {upload_id}")
    await refuse_expired(ctx, upload, turn_part(ctx.request.app[SETTINGS], upload_id))
    return upload
