"""Filing the closed record (docs/architecture.md#transcript): once the court closes the
transcript, its PDF is made from the confirmed record and sealed with the hearing's recording
(`records/transcript_seal.py`).

The closing answers at once and the filing follows in the background: rendering takes a second
or two in a child process, and the recording's own seal may still be being retried (a full
disk), or the process may stop in between. So each process files every closed record whose
recording has no PDF yet: when a closing here wakes it, and every `SWEEP_SECONDS` for the rest.
Two processes filing one record make the same PDF (the document is built from what the record
holds, dated by its closing), and the append to the manifest holds the recording's row, so
the second finds it sealed and changes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from court.kinds import KIND_LABELS
from court.roles import BENCH, ROLE_LABELS
from court.transcript import say
from court.transcript_signing import RecordedBy, SignStatus
from hearing_server.api.transcript_models import TranscriptLine as RecordLine
from hearing_server.db.database import Database
from hearing_server.db.models import Hearing, Participant, Recording
from hearing_server.db.signing_rows import TranscriptClosure
from hearing_server.records.transcript_seal import TranscriptNotSealable, seal_transcript
from hearing_server.transcript_pdf import (
    BenchMember,
    Language,
    Signer,
    SignerStatus,
    TranscriptDocument,
    TranscriptLine,
)
from hearing_server.transcript_signing import SignerRecord, confirmation_record
from recording.storage import Storage

log = logging.getLogger(__name__)

SWEEP_SECONDS = 10.0
"""How often a process looks for closed records still to file (as a failed seal is retried)."""

BACK_OFF_SECONDS = 300.0
"""How long a record whose filing failed (not for want of a sealed recording) waits to be
tried again, so a lasting fault is logged every few minutes, not every sweep."""

_STALE: tuple[str, str] = (
    "签名后笔录经更正，未重新签名",
    "signed before a correction; not signed again",
)
_REFUSED_BY_COURT: tuple[str, str] = ("由法庭记录在案", "recorded by the court")


class TranscriptFiling:
    """Files the closed records of every hearing (see the module's docstring)."""

    def __init__(
        self, database: Database, storage: Storage, key_path: Path, language: str, zone: str
    ) -> None:
        self.database = database
        self.storage = storage
        self.key_path = key_path
        self.language = language
        self.zone = zone
        self._wake = asyncio.Event()
        self._not_before: dict[int, float] = {}

    def closed(self, hearing_id: int) -> None:
        """The court closed this hearing's record: file it now rather than at the next sweep."""
        self._not_before.pop(hearing_id, None)
        self._wake.set()

    async def run(self) -> None:
        """File, then wait for a closing or the next sweep; until cancelled."""
        while True:
            self._wake.clear()
            await self.file_pending()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), SWEEP_SECONDS)

    async def file_pending(self) -> list[int]:
        """File every closed record whose recording is sealed but has no PDF; the hearings
        filed."""
        filed = []
        for hearing_id in await self._pending():
            if self._not_before.get(hearing_id, 0.0) > time.monotonic():
                continue
            try:
                await self.file(hearing_id)
            except TranscriptNotSealable as exc:
                log.error("hearing %d: transcript not sealed: %s", hearing_id, exc)
                self._not_before[hearing_id] = time.monotonic() + BACK_OFF_SECONDS
            except Exception:
                log.exception("hearing %d: filing the transcript failed", hearing_id)
                self._not_before[hearing_id] = time.monotonic() + BACK_OFF_SECONDS
            else:
                self._not_before.pop(hearing_id, None)
                filed.append(hearing_id)
        return filed

    async def file(self, hearing_id: int) -> None:
        async with self.database.session() as db:
            hearing = await db.get(Hearing, hearing_id)
            if hearing is None:
                return
            document = await transcript_document(db, hearing, self.language, self.zone)
        await seal_transcript(self.database, self.storage, self.key_path, hearing_id, document)

    async def _pending(self) -> list[int]:
        """Hearings whose record is closed and whose latest sealed recording has no PDF."""
        latest = (
            select(Recording.hearing_id, func.max(Recording.id).label("id"))
            .where(Recording.manifest_path.is_not(None))
            .group_by(Recording.hearing_id)
            .subquery()
        )
        async with self.database.session() as db:
            rows = await db.scalars(
                select(TranscriptClosure.hearing_id)
                .join(latest, latest.c.hearing_id == TranscriptClosure.hearing_id)
                .join(Recording, Recording.id == latest.c.id)
                .where(Recording.transcript_path.is_(None))
                .order_by(TranscriptClosure.closed_at)
            )
            return list(rows)


async def transcript_document(
    db: AsyncSession, hearing: Hearing, language: str, zone: str
) -> TranscriptDocument:
    """The PDF's content for ``hearing``'s closed record: the case, the bench, the lines as
    signed then the confirmation's own (who asked for which correction and how the court
    answered), each signer as they stand, dated by the closing."""
    record = await confirmation_record(db, hearing, language)
    recording = await db.scalar(
        select(Recording)
        .where(Recording.hearing_id == hearing.id, Recording.manifest_path.is_not(None))
        .order_by(Recording.id.desc())
        .limit(1)
    )
    started = None if recording is None else recording.started_at
    bench = await db.scalars(
        select(Participant)
        .where(Participant.hearing_id == hearing.id, Participant.role.in_(BENCH))
        .order_by(Participant.role, Participant.id)
    )
    return TranscriptDocument(
        court_name=record.court_name,
        case_number=record.case_number,
        cause=record.case_title,
        hearing_kind=say(KIND_LABELS[hearing.kind], language),
        started_at=started or hearing.scheduled_start,
        ended_at=None if recording is None else recording.ended_at,
        bench=tuple(
            BenchMember(say(ROLE_LABELS[person.role], language), person.name) for person in bench
        ),
        language=_language(language),
        lines=tuple(_line(line, started) for line in [*record.lines, *record.confirmation_lines]),
        signers=tuple(_signer(signer, language) for signer in record.signers),
        time_zone=zone,
        made_at=record.closed_at,
    )


def _language(language: str) -> Language:
    return "en" if language == "en" else "zh+en" if language == "zh+en" else "zh"


def _line(line: RecordLine, started: datetime | None) -> TranscriptLine:
    seconds = None if started is None or line.at < started else (line.at - started).total_seconds()
    if line.entry is not None:
        return TranscriptLine(line.at, line.entry.text, line.entry.speaker, seconds)
    return TranscriptLine(line.at, line.fact or "", None, seconds)


def _signer(signer: SignerRecord, language: str) -> Signer:
    role = say(ROLE_LABELS[signer.role], language)
    if signer.status is SignStatus.SIGNED:
        note = say(_STALE, language) if signer.stale else None
        return Signer(
            signer.written_name or signer.name,
            role,
            SignerStatus.SIGNED,
            signer.at,
            signer.png,
            note,
        )
    if signer.status is SignStatus.REFUSED:
        notes = [signer.refusal_reason or ""]
        if signer.refusal_recorded_by is RecordedBy.COURT:
            notes.append(say(_REFUSED_BY_COURT, language))
        note = "；".join(filter(None, notes)) or None
        return Signer(signer.name, role, SignerStatus.REFUSED, signer.at, None, note)
    return Signer(signer.name, role, SignerStatus.NOT_SIGNED)
