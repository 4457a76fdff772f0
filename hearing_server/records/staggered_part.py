"""A staggered hearing's own part of its sealed record (docs/architecture.md#staggered-hearings),
written by both seals: the staggered close's (`staggered_seal.py`), and the live seal's
(`seal.py`) of a hearing the court turned live, after its segments and before the exhibits.
Each video statement as a file entry of kind `statement` in submission order, each text turn
in full (`text_turn`), each question with its answer (`question`), a recorded question's file
as a file entry of kind `question_video` after it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from court.staggered import STAGE_LABELS
from hearing_server.db.models import Participant
from hearing_server.db.staggered_rows import QuestionRow, StageRow, TurnRow
from recording.seal import QUESTION_VIDEO, STATEMENT, ManifestBuilder, timestamp

TEXT_TURN = "text_turn"
"""The manifest event holding a text turn in full (the timeline's `turn_submitted` has only
its hash)."""
QUESTION = "question"
"""The manifest event holding a question of the court and its answer in full."""


@dataclass(frozen=True)
class StaggeredPart:
    """What the record holds of a hearing's stages, read in the seal's session."""

    stages: dict[int, StageRow]
    people: dict[int, Participant]
    turns: list[TurnRow]
    questions: list[QuestionRow]


async def staggered_part(db: AsyncSession, hearing_id: int) -> StaggeredPart:
    """The hearing's stages, turns (in submission order) and questions (in the order asked)."""
    stages = {
        s.id: s for s in await db.scalars(select(StageRow).where(StageRow.hearing_id == hearing_id))
    }
    people = {
        p.id: p
        for p in await db.scalars(select(Participant).where(Participant.hearing_id == hearing_id))
    }
    turns = list(
        await db.scalars(
            select(TurnRow)
            .where(TurnRow.stage_id.in_(stages))
            .order_by(TurnRow.submitted_at, TurnRow.id)
        )
    )
    questions = list(
        await db.scalars(
            select(QuestionRow)
            .where(QuestionRow.stage_id.in_(stages))
            .order_by(QuestionRow.asked_at, QuestionRow.id)
        )
    )
    return StaggeredPart(stages, people, turns, questions)


def add_staggered_part(builder: ManifestBuilder, part: StaggeredPart) -> None:
    """The statements, then the text turns, then the questions (see the module's docstring)."""
    stages, people = part.stages, part.people
    for turn in part.turns:
        if turn.kind == "video":
            _add_statement(builder, turn, stages[turn.stage_id], people[turn.participant_id])
    for turn in part.turns:
        if turn.kind != "video":
            about = _turn_details(turn, stages[turn.stage_id], people[turn.participant_id])
            builder.add_event(
                TEXT_TURN, turn.submitted_at, **about, text=turn.text, sha256=turn.sha256
            )
    for question in part.questions:
        _add_question(builder, question, stages[question.stage_id], people[question.participant_id])


def _stage_details(stage: StageRow) -> dict[str, Any]:
    return {
        "stage_seq": stage.seq,
        "stage_kind": str(stage.kind),
        "stage_label": STAGE_LABELS[stage.kind][0],
    }


def _person(person: Participant) -> dict[str, Any]:
    return {"speaker": person.name, "role": str(person.role), "side": person.side}


def _turn_details(turn: TurnRow, stage: StageRow, person: Participant) -> dict[str, Any]:
    return {
        "turn_id": turn.id,
        **_stage_details(stage),
        **_person(person),
        "submitted_at": timestamp(turn.submitted_at),
        "corrects": turn.corrects_id,
    }


def _add_statement(
    builder: ManifestBuilder, turn: TurnRow, stage: StageRow, person: Participant
) -> None:
    """A video statement by its storage key (`hearing-{id}/statements/{sha256}.webm`) and the
    hash taken of its bytes as they arrived."""
    assert turn.media_path is not None
    builder.add_file(
        turn.media_path,
        turn.sha256,
        turn.size_bytes or 0,
        turn.submitted_at,
        kind=STATEMENT,
        **_turn_details(turn, stage, person),
        media_type=turn.media_type,
        duration_s=turn.duration_s,
    )


def _add_question(
    builder: ManifestBuilder, question: QuestionRow, stage: StageRow, person: Participant
) -> None:
    builder.add_event(
        QUESTION,
        question.asked_at,
        question_id=question.id,
        **_stage_details(stage),
        asked_by=question.asked_by,
        asked_at=timestamp(question.asked_at),
        to=person.name,
        role=str(person.role),
        side=person.side,
        text=question.text,
        answer=question.answer,
        answered_at=timestamp(question.answered_at) if question.answered_at else None,
    )
    if question.media_path is not None and question.sha256 is not None:
        builder.add_file(
            question.media_path,
            question.sha256,
            question.size_bytes or 0,
            question.asked_at,
            kind=QUESTION_VIDEO,
            question_id=question.id,
            **_stage_details(stage),
            asked_by=question.asked_by,
            to=person.name,
            media_type=question.media_type,
            duration_s=question.duration_s,
        )
