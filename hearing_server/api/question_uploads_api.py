"""The court's recorded question arriving in chunks (docs/architecture.md#staggered-hearings), as a
party's video statement does (turn_uploads_api.py, sharing video_chunks.py): PATCH from the
offset the server holds, HEAD for the offset after a drop. The chunk that completes the file
makes the server probe it, hash it, keep it byte for byte at
``hearing-{id}/questions/{sha256}.{ext}`` in the recordings' storage, and ask the question
(on the record, with the hash). Only the judge or clerk who started the upload continues it,
and only while the stage is not closed and they still manage its stages."""

from __future__ import annotations

import asyncio

from aiohttp import web

from court.permissions import Action
from hearing_server.api.chunk_body import OFFSET, append_chunk
from hearing_server.api.errors import ApiError, not_found
from hearing_server.api.question_intake import may_ask, put_question
from hearing_server.api.raw_body import Header, RawBody
from hearing_server.api.routing import Api, Ctx
from hearing_server.api.staggered_models import QuestionOut
from hearing_server.api.staggered_scope import StageAccess, stage_access
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
from hearing_server.db.staggered_rows import QuestionRow, QuestionUpload
from hearing_server.keys import QUESTION_UPLOADS_BUSY, SETTINGS
from hearing_server.turn_uploads import question_part
from hearing_server.upload_folder import discard


def register(api: Api) -> None:
    @api.route(
        "PATCH",
        "/question-uploads/{upload_id}",
        summary="Send the next chunk of a recorded question, from the offset the server holds",
        tag="staggered",
        raw_body=RawBody(
            "application/octet-stream",
            "The file's bytes from the offset on (all of the rest, or a chunk of it).",
            (Header(OFFSET, "Where this chunk starts: the upload's offset."),),
        ),
        response=QuestionOut,
        status=201,
        also=(204,),
        errors=(413, 422, 503),
    )
    async def send_question_chunk(ctx: Ctx, headers: dict[str, int]) -> QuestionOut | web.Response:
        upload = await _own_upload(ctx)
        if upload.question_id is not None:
            raise ApiError(
                409, "upload_finished", "this upload is finished; its question is on the record"
            )
        access = await stage_access(ctx, upload.stage_id, Action.MANAGE_STAGES)
        path = question_part(ctx.request.app[SETTINGS], upload.id)
        try:
            may_ask(access.stage, upload.participant_id)
        except ApiError as refusal:  # closed meanwhile: nobody could answer it
            await drop_refused(
                ctx, upload, path, ("refuse_question", "question_upload"), refusal.code
            )
            raise
        with one_chunk_at_a_time(ctx.request.app[QUESTION_UPLOADS_BUSY], upload.id):
            offset = await append_chunk(ctx, path, upload.size_bytes, headers[OFFSET])
            if offset < upload.size_bytes:
                return offset_answer(offset)
            return await _finish(ctx, access, upload)

    @api.route(
        "HEAD",
        "/question-uploads/{upload_id}",
        summary="Where a recorded question's upload stands (its offset, in Upload-Offset)",
        tag="staggered",
        status=204,
    )
    async def question_upload_offset(ctx: Ctx) -> web.Response:
        upload = await _own_upload(ctx)
        if upload.question_id is not None:
            return offset_answer(upload.size_bytes)
        path = question_part(ctx.request.app[SETTINGS], upload.id)
        return offset_answer(await offset_held(path))


async def _finish(ctx: Ctx, access: StageAccess, upload: QuestionUpload) -> QuestionOut:
    settings = ctx.request.app[SETTINGS]
    path = question_part(settings, upload.id)
    try:
        # the stage may have closed while the file was arriving
        may_ask(access.stage, upload.participant_id)
        probed = await probe_video(settings, path, upload.media_type)
    except ApiError as refusal:
        await drop_refused(ctx, upload, path, ("refuse_question", "question_upload"), refusal.code)
        raise
    folder = f"hearing-{access.stage.hearing_id}/questions"
    key, sha256 = await keep_video(settings, path, folder, upload.media_type, "question")
    question = QuestionRow(
        stage_id=upload.stage_id,
        participant_id=upload.participant_id,
        text=upload.text,
        asked_by=access.who.label,
        asked_at=utcnow(),
        media_path=key,
        media_type=upload.media_type,
        duration_s=probed.duration_s,
        size_bytes=upload.size_bytes,
        sha256=sha256,
    )
    out = await put_question(ctx, access, question)
    upload.question_id = question.id
    await ctx.db.commit()
    await asyncio.to_thread(discard, path)
    return out


async def _own_upload(ctx: Ctx) -> QuestionUpload:
    """The upload in the path, if the caller (a judge or clerk) started it and it has not
    expired (404 else)."""
    who, upload_id = ctx.user, ctx.ids["upload_id"]
    upload = await ctx.db.get(QuestionUpload, upload_id)
    if upload is None or who.kind is not PrincipalKind.USER or upload.user_id != who.id:
        raise not_found(f"upload {upload_id}")
    await refuse_expired(ctx, upload, question_part(ctx.request.app[SETTINGS], upload_id))
    return upload
