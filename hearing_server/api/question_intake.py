"""A court's question going on the record (docs/architecture.md#staggered-hearings), whether
written (questions_api.py) or recorded and arriving in chunks (question_uploads_api.py): who
may be asked, the row with its timeline entry, and the question as the API gives it."""

from __future__ import annotations

from court.staggered import stage_state
from hearing_server.api.errors import ApiError
from hearing_server.api.routing import Ctx
from hearing_server.api.staggered_models import QuestionAnswerOut, QuestionOut
from hearing_server.api.staggered_scope import StageAccess, hold_open, on_record, times
from hearing_server.db.models import utcnow
from hearing_server.db.staggered_rows import QuestionRow, StageRow


def may_ask(stage: StageRow, participant_id: int) -> None:
    """Refuse a question to someone not listed on the stage, or in a closed stage."""
    if participant_id not in stage.participant_ids:
        raise ApiError(
            422, "not_in_stage", f"participant {participant_id} is not listed on this stage"
        )
    if stage_state(times(stage), utcnow()) == "closed":
        raise ApiError(409, "stage_closed", "this stage is closed: nobody could answer")


async def put_question(ctx: Ctx, access: StageAccess, question: QuestionRow) -> QuestionOut:
    """The question on the record: its row, its timeline entry (a recorded one's with its
    file's SHA-256, size and length) and audit line. The hearing's row is held, so the question
    is in the sealed record or refused (a close commits first)."""
    await hold_open(ctx.db, access.stage.hearing_id)
    ctx.db.add(question)
    await ctx.db.flush()
    data: dict[str, object] = {
        "stage_id": question.stage_id,
        "question_id": question.id,
        "participant_id": question.participant_id,
        **access.stage.facts(),
    }
    if question.sha256 is not None:
        data |= {
            "sha256": question.sha256,
            "size": question.size_bytes,
            "duration_s": question.duration_s,
            "media_type": question.media_type,
        }
    subject = ("ask_question", "question", question.id)
    words = {"question_text": question.text}
    on_record(ctx, access.who, access.stage.hearing_id, "question_asked", subject, data, words)
    return question_out(question)


def question_out(row: QuestionRow) -> QuestionOut:
    answer = None
    if row.answer is not None and row.answered_at is not None:
        answer = QuestionAnswerOut(text=row.answer, answered_at=row.answered_at)
    return QuestionOut(
        id=row.id,
        stage_id=row.stage_id,
        participant_id=row.participant_id,
        text=row.text,
        asked_at=row.asked_at,
        asked_by=row.asked_by,
        answer=answer,
        media_url=None if row.media_path is None else f"/api/v1/questions/{row.id}/media",
        media_type=row.media_type,
        duration_s=row.duration_s,
        sha256=row.sha256,
    )
