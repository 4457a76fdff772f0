"""Closing a staggered hearing and sealing its record (docs/architecture.md#staggered-hearings):
every stage still open or pending is closed (those past their deadline as the deadline sweep
closes them), the hearing goes from SCHEDULED to CLOSED (`court.states.STAGGERED_CLOSE`), and
a Recording row is sealed whose manifest (`manifest.py`'s builder and seal, the server's key)
holds the timeline, each video statement as a file entry of kind `statement` in submission
order, each text turn and each question with its answer in full (a recorded question's file
as a file entry of kind `question_video` after it), and the case's exhibit files as the live
seal lists them.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from court.kinds import HearingKind
from court.states import HearingState, check_transition
from hearing_server.db.models import (
    Case,
    Exhibit,
    ExhibitFile,
    Hearing,
    HearingEvent,
    Recording,
)
from hearing_server.db.staggered_rows import StageRow
from hearing_server.records.manifest import (
    add_exhibit_file,
    archive_key,
    event_details,
    write_seal,
)
from hearing_server.records.render import NOTHING
from hearing_server.records.rows import add_event
from hearing_server.records.staggered_part import add_staggered_part, staggered_part
from hearing_server.stage_deadlines import close_past_deadline, record_missed
from recording.seal import ARCHIVE_PENDING, RECORDED, ManifestBuilder
from recording.storage import Storage

MANIFEST = "manifest.json"


class AlreadyClosed(Exception):
    """Another request closed the hearing first."""


@dataclass(frozen=True)
class SealPlace:
    """Where and with what the record is sealed: the recordings' storage, its local folder,
    the signing key."""

    storage: Storage
    root: Path
    key_path: Path


@dataclass(frozen=True)
class Closed:
    closed_at: datetime
    recording_id: int
    verification_code: str


async def close_staggered(
    db: AsyncSession,
    hearing: Hearing,
    started: datetime,
    actor: str,
    now: datetime,
    place: SealPlace,
) -> Closed:
    """Close the stages and the hearing and seal its record, in ``db``'s transaction (the
    caller commits). The hearing's row is changed only while it is SCHEDULED: a second close
    at the same moment waits for this one and then finds it closed (`AlreadyClosed`)."""
    assert hearing.kind is HearingKind.ASYNC_HEARING
    check_transition(hearing.state, HearingState.CLOSED, staggered=True)
    moved = await db.execute(
        update(Hearing)
        .where(Hearing.id == hearing.id, Hearing.state == HearingState.SCHEDULED)
        .values(state=HearingState.CLOSED)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise AlreadyClosed
    await close_stages(db, hearing.id, actor, now)
    db.add(
        HearingEvent(
            hearing_id=hearing.id,
            at=now,
            kind="state",
            actor=actor,
            from_value=str(HearingState.SCHEDULED),
            to_value=str(HearingState.CLOSED),
        )
    )
    await db.flush()
    recording = Recording(
        hearing_id=hearing.id, state="finalizing", started_at=started, ended_at=now
    )
    db.add(recording)
    await db.flush()
    builder = await staggered_manifest(db, hearing, now)
    manifest_key = f"hearing-{hearing.id}/{MANIFEST}"
    # an archive video of the statements and recorded questions is promised, rendered after
    # the commit (render.py) and appended to this manifest; a record of text only has none
    if any(e["data"].get("kind") in RECORDED for e in builder.entries if e["type"] == "file"):
        builder.add_event(ARCHIVE_PENDING, now, path=archive_key(manifest_key))
    else:
        recording.render_state = NOTHING
    code = await asyncio.to_thread(
        write_seal, place.storage, place.root, place.key_path, builder, [], manifest_key, now
    )
    recording.state = "sealed"
    recording.manifest_path = manifest_key
    add_event(db, hearing.id, "recording_sealed", now, {"verification_code": code})
    await db.flush()
    return Closed(now, recording.id, code)


async def close_stages(db: AsyncSession, hearing_id: int, actor: str, now: datetime) -> None:
    """Close each stage not closed yet: one past its deadline as the sweep does (dated by the
    deadline), any other (open or pending) now, by the court, with `deadline_missed` for those
    listed on it who did not act."""
    stages = list(
        await db.scalars(
            select(StageRow)
            .where(StageRow.hearing_id == hearing_id, StageRow.closed_at.is_(None))
            .order_by(StageRow.seq)
        )
    )
    for stage in stages:
        if stage.deadline <= now:
            await close_past_deadline(db, stage)
            continue
        result = await db.execute(
            update(StageRow)
            .where(StageRow.id == stage.id, StageRow.closed_at.is_(None))
            .values(closed_at=now)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            continue
        db.add(
            HearingEvent(
                hearing_id=hearing_id,
                at=now,
                kind="stage_closed",
                actor=actor,
                data={
                    "stage_id": stage.id,
                    "by": "court",
                    "hearing_closed": True,
                    **stage.facts(),
                },
            )
        )
        await record_missed(db, stage, now, now)


async def staggered_manifest(
    db: AsyncSession, hearing: Hearing, closed_at: datetime
) -> ManifestBuilder:
    """The record's entries: the timeline, the statements, the text turns, the questions and
    the case's exhibit files (see the module's docstring)."""
    case = await db.get(Case, hearing.case_id)
    builder = ManifestBuilder(f"{case.number if case else '-'}/hearing-{hearing.id}")
    for event in await db.scalars(
        select(HearingEvent)
        .where(HearingEvent.hearing_id == hearing.id)
        .order_by(HearingEvent.at, HearingEvent.id)
    ):
        builder.add_event(event.kind, event.at, **event_details(event))
    add_staggered_part(builder, await staggered_part(db, hearing.id))
    for exhibit, file in await db.execute(
        select(Exhibit, ExhibitFile)
        .join(ExhibitFile, ExhibitFile.exhibit_id == Exhibit.id)
        .where(Exhibit.case_id == hearing.case_id)
        .order_by(Exhibit.side, Exhibit.number, ExhibitFile.seq)
    ):
        add_exhibit_file(builder, exhibit, file, closed_at)
    return builder
