"""A staggered hearing's archive video (docs/architecture.md#staggered-hearings): its video
statements and the court's recorded questions, in the order they went on the record, one
chapter each named by stage and speaker, drawn by `recording.render.render_statements`. The
files are read from the recordings' storage (copied into a scratch folder when the storage is
not this server's folder); the archive is sealed like a live hearing's (`render.py`)."""

from __future__ import annotations

import shutil
import threading
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from court.roles import ROLE_LABELS
from court.staggered import STAGE_LABELS
from hearing_server.db.models import Case, Hearing, Participant
from hearing_server.db.staggered_rows import QuestionRow, StageRow, TurnRow
from recording.render import RenderSettings, StatementClip, render_statements
from recording.storage import Storage

COPY_BLOCK = 8 << 20


@dataclass(frozen=True)
class Made:
    """One video on the record, before its file is found."""

    at: datetime
    key: str
    chapter: str
    stage: str
    who: str


async def videos(db: AsyncSession, hearing_id: int) -> tuple[str, list[Made], list[str]]:
    """The archive's title, and its videos in the order they went on the record, each with
    its chapter and whom it is by, and the header's first line (the case)."""
    hearing = await db.get(Hearing, hearing_id)
    assert hearing is not None
    case = await db.get(Case, hearing.case_id)
    assert case is not None
    stages = {
        s.id: s for s in await db.scalars(select(StageRow).where(StageRow.hearing_id == hearing_id))
    }
    people = {
        p.id: p
        for p in await db.scalars(select(Participant).where(Participant.hearing_id == hearing_id))
    }
    made: list[Made] = []
    for turn in await db.scalars(
        select(TurnRow).where(TurnRow.stage_id.in_(stages), TurnRow.kind == "video")
    ):
        person = people[turn.participant_id]
        stage = _stage_name(stages[turn.stage_id])
        correction = "（更正）" if turn.corrects_id is not None else ""
        assert turn.media_path is not None
        made.append(
            Made(
                turn.submitted_at,
                turn.media_path,
                f"{stage} {person.name}{correction}",
                stage,
                f"{person.name}（{ROLE_LABELS[person.role][0]}）{correction}",
            )
        )
    for question in await db.scalars(
        select(QuestionRow).where(
            QuestionRow.stage_id.in_(stages), QuestionRow.media_path.is_not(None)
        )
    ):
        assert question.media_path is not None
        to = people[question.participant_id].name
        stage = _stage_name(stages[question.stage_id])
        made.append(
            Made(
                question.asked_at,
                question.media_path,
                f"{stage} 法庭提问 → {to}",
                stage,
                f"法庭提问（{question.asked_by}）→ {to}",
            )
        )
    made.sort(key=lambda m: m.at)
    title = f"{case.number} {hearing.title or case.title}"
    return title, made, [case.number]


def render_archive(
    title: str,
    made: list[Made],
    heading: list[str],
    storage: Storage,
    root: Path,
    out: Path,
    settings: RenderSettings,
    cancel: threading.Event,
) -> None:
    """Render the archive of `made` to `out` (blocking: run it in a thread; `cancel` set
    stops it with RenderCancelled)."""
    zone = zoneinfo.ZoneInfo(settings.timezone)
    scratch = out.parent / f"{out.name}.statements"
    try:
        clips = []
        for index, video in enumerate(made):
            when = video.at.replace(tzinfo=video.at.tzinfo or UTC).astimezone(zone)
            clips.append(
                StatementClip(
                    path=_local(storage, root, video.key, scratch / f"{index}"),
                    chapter=video.chapter,
                    header=(*heading, video.stage, video.who, when.strftime("%Y-%m-%d %H:%M")),
                )
            )
        render_statements(clips, out, title, settings, cancel)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _stage_name(stage: StageRow) -> str:
    return stage.title or STAGE_LABELS[stage.kind][0]


def _local(storage: Storage, root: Path, key: str, scratch: Path) -> Path:
    """The file stored under `key` on this disk: in the recordings' folder, else copied."""
    there = root / key
    if there.is_file():
        return there
    scratch.parent.mkdir(parents=True, exist_ok=True)
    size = storage.size(key)
    with scratch.open("wb") as copy:
        for start in range(0, size, COPY_BLOCK):
            copy.write(storage.read(key, start, min(COPY_BLOCK, size - start)))
    return scratch
