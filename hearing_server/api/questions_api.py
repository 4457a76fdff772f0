"""The court's questions in a staggered hearing's stage (docs/architecture.md#staggered-hearings):
the bench asks one participant listed on the stage, in writing or by a short video it recorded
(with its words written too); that participant answers once, while the stage is open. A
recorded question is uploaded in chunks (question_uploads_api.py) and asked once its last byte
arrived and it was found playable. The bench sees every question, a participant those put to
them; a recorded question's file plays to them alone, with byte ranges, every request
audited."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, RootModel
from sqlalchemy import select

from court.permissions import Action
from hearing_server.api.errors import ApiError, not_found
from hearing_server.api.fields import Id
from hearing_server.api.question_intake import may_ask, put_question, question_out
from hearing_server.api.routing import Api, Ctx
from hearing_server.api.staggered_models import (
    QuestionList,
    QuestionOut,
    QuestionUploadOut,
)
from hearing_server.api.staggered_scope import (
    StageAccess,
    hold_open,
    on_record,
    require_acting,
    stage_access,
)
from hearing_server.api.video_files import StoredVideo, play_video, video_binary
from hearing_server.audit import audit
from hearing_server.auth import PrincipalKind
from hearing_server.db.models import utcnow
from hearing_server.db.staggered_rows import QuestionRow, QuestionUpload
from hearing_server.keys import SETTINGS
from hearing_server.turn_uploads import CHUNK_SIZE, MAX_BYTES, questions_folder
from hearing_server.upload_expiry import drop_expired

MAX_TEXT = 20000


class VideoQuestionIn(BaseModel):
    """The recorded question's file, sent next in chunks."""

    model_config = ConfigDict(extra="forbid")
    media_type: Literal["video/webm", "video/mp4"]
    size: int = Field(ge=1, le=MAX_BYTES, description="Bytes in the whole file (at most 500 MB).")


class QuestionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    participant_id: Id
    text: str = Field(
        min_length=1,
        max_length=MAX_TEXT,
        description="The question in words (a recorded one's too: for the record, and for "
        "whoever cannot play the video).",
    )
    video: VideoQuestionIn | None = Field(
        default=None, description="A recorded question: nothing is asked until its file arrived."
    )


class QuestionAsked(RootModel[QuestionOut | QuestionUploadOut]):
    """The question (a written one), or the upload to send the recorded one's bytes to."""


class QuestionAnswerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=MAX_TEXT)


def register(api: Api) -> None:
    @api.route(
        "POST",
        "/stages/{stage_id}/questions",
        summary="Ask a participant of the stage a question: written, or start uploading a "
        "recorded one",
        tag="staggered",
        body=QuestionIn,
        response=QuestionAsked,
        status=201,
    )
    async def ask_question(ctx: Ctx, body: QuestionIn) -> QuestionAsked:
        access = await stage_access(ctx, ctx.ids["stage_id"], Action.MANAGE_STAGES)
        may_ask(access.stage, body.participant_id)
        if body.video is None:
            question = QuestionRow(
                stage_id=access.stage.id,
                participant_id=body.participant_id,
                text=body.text,
                asked_by=access.who.label,
                asked_at=utcnow(),
            )
            return QuestionAsked(await put_question(ctx, access, question))
        return QuestionAsked(await _start_upload(ctx, access, body))

    @api.route(
        "POST",
        "/questions/{question_id}/answer",
        summary="Answer the court's question (once, while the stage is open)",
        tag="staggered",
        body=QuestionAnswerIn,
        response=QuestionOut,
    )
    async def answer_question(ctx: Ctx, body: QuestionAnswerIn) -> QuestionOut:
        question_id = ctx.ids["question_id"]
        question = await ctx.db.get(QuestionRow, question_id)
        if question is None:
            raise not_found(f"question {question_id}")
        access = await stage_access(ctx, question.stage_id, Action.TAKE_TURN)
        if access.participant_id != question.participant_id:
            raise not_found(f"question {question_id}")
        await require_acting(ctx, access)
        if question.answered_at is not None:
            raise ApiError(409, "already_answered", "you answered this question already")
        await hold_open(ctx.db, access.stage.hearing_id)
        question.answer = body.text
        question.answered_at = utcnow()
        who = access.who
        data = {
            "stage_id": question.stage_id,
            "question_id": question.id,
            "participant_id": question.participant_id,
            **access.stage.facts(),
        }
        on_record(
            ctx,
            who,
            access.stage.hearing_id,
            "question_answered",
            ("answer_question", "question", question.id),
            data,
            {"answer_text": body.text},
        )
        return question_out(question)

    @api.route(
        "GET",
        "/stages/{stage_id}/questions",
        summary="A stage's questions: all to the bench, a participant's own to them",
        tag="staggered",
        response=QuestionList,
    )
    async def list_questions(ctx: Ctx) -> QuestionList:
        access = await stage_access(ctx, ctx.ids["stage_id"], Action.VIEW_STAGES)
        query = select(QuestionRow).where(QuestionRow.stage_id == access.stage.id)
        if not access.bench:
            query = query.where(QuestionRow.participant_id == access.participant_id)
        rows = await ctx.db.scalars(query.order_by(QuestionRow.id))
        return QuestionList(items=[question_out(row) for row in rows])

    @api.route(
        "GET",
        "/questions/{question_id}/media",
        summary="Play or download a recorded question (the bench, and the participant asked)",
        tag="staggered",
        binary=video_binary("the recorded question as it arrived"),
        errors=(503,),
    )
    async def get_question_media(ctx: Ctx) -> web.StreamResponse:
        question_id = ctx.ids["question_id"]
        question = await ctx.db.get(QuestionRow, question_id)
        if question is None or question.media_path is None or question.sha256 is None:
            raise not_found(f"recorded question {question_id}")
        access = await stage_access(ctx, question.stage_id, Action.VIEW_STAGES)
        if not access.bench and access.participant_id != question.participant_id:
            raise not_found(f"recorded question {question_id}")
        video = StoredVideo(
            question.media_path, question.media_type, question.sha256, f"question-{question.id}"
        )
        subject = ("view_question", "question", question.id)
        return await play_video(ctx, access.who.label, video, subject)


async def _start_upload(ctx: Ctx, access: StageAccess, body: QuestionIn) -> QuestionUploadOut:
    """The upload a recorded question's bytes go to, continued by the staff member alone."""
    video = body.video
    assert video is not None
    if access.who.kind is not PrincipalKind.USER:
        raise ApiError(403, "forbidden", "a recorded question is sent by a judge or clerk")
    settings = ctx.request.app[SETTINGS]
    folder = questions_folder(settings)
    await drop_expired(ctx.db, QuestionUpload, folder, settings.upload_expiry_hours)
    upload = QuestionUpload(
        stage_id=access.stage.id,
        participant_id=body.participant_id,
        user_id=access.who.id,
        text=body.text,
        media_type=video.media_type,
        size_bytes=video.size,
        expires_at=utcnow() + timedelta(hours=settings.upload_expiry_hours),
    )
    ctx.db.add(upload)
    await ctx.db.flush()
    detail = {
        "stage_id": access.stage.id,
        "participant_id": body.participant_id,
        "media_type": video.media_type,
        "size": video.size,
    }
    audit(
        ctx.db,
        access.who.label,
        "start_question_upload",
        "question_upload",
        upload.id,
        ctx.client_ip,
        detail,
    )
    return QuestionUploadOut(upload_id=upload.id, offset=0, chunk_size=CHUNK_SIZE)
