"""Sealing a hearing's record at close: the recording row finished, the manifest built from the
timeline, the segment rows, the case's exhibit files and the identity stills (`manifest.py`),
signed, and stored with the segments. A staggered hearing the court turned live also has its
stages' part (statements, text turns, questions: `staggered_part.py`) after the segments."""

from __future__ import annotations

import asyncio
from functools import partial
from pathlib import Path

from sqlalchemy import select

from hearing_server.db.database import Database
from hearing_server.db.models import (
    Case,
    Exhibit,
    ExhibitFile,
    Hearing,
    HearingEvent,
    IdentityCheckRow,
    Recording,
    Segment,
    Track,
    utcnow,
)
from hearing_server.db.staggered_rows import StaggeredStart
from hearing_server.records.live import LiveRecording
from hearing_server.records.manifest import archive_key, build_manifest, write_seal
from hearing_server.records.rows import add_event
from hearing_server.records.staggered_part import add_staggered_part, staggered_part
from recording.storage import Storage

MANIFEST = "manifest.json"


class Sealer:
    """Seals records into ``storage`` with the key at ``key_path``; files are keyed relative to
    ``root`` (the recordings folder)."""

    def __init__(self, database: Database, storage: Storage, root: Path, key_path: Path) -> None:
        self.database = database
        self.storage = storage
        self.root = root
        self.key_path = key_path

    async def seal(self, hearing: LiveRecording) -> str:
        """Seal the stopped recording of ``hearing``; returns the verification code."""
        ended = utcnow()
        async with self.database.session() as db:
            recording = await db.get(Recording, hearing.recording_id)
            assert recording is not None
            recording.state = "finalizing"
            recording.ended_at = ended
            await db.commit()
            case = await db.scalar(
                select(Case)
                .join(Hearing, Hearing.case_id == Case.id)
                .where(Hearing.id == hearing.id)
            )
            events = list(
                await db.scalars(
                    select(HearingEvent)
                    .where(HearingEvent.hearing_id == hearing.id)
                    .order_by(HearingEvent.at, HearingEvent.id)
                )
            )
            segments = [
                (segment, track)
                for segment, track in await db.execute(
                    select(Segment, Track)
                    .join(Track, Segment.track_id == Track.id)
                    .where(Track.recording_id == recording.id)
                    .order_by(Segment.started_at, Segment.id)
                )
            ]
            exhibits = [
                (exhibit, file)
                for exhibit, file in await db.execute(
                    select(Exhibit, ExhibitFile)
                    .join(ExhibitFile, ExhibitFile.exhibit_id == Exhibit.id)
                    .where(Exhibit.case_id == (case.id if case else None))
                    .order_by(Exhibit.side, Exhibit.number, ExhibitFile.seq)
                )
            ]
            checks = list(
                await db.scalars(
                    select(IdentityCheckRow)
                    .where(IdentityCheckRow.hearing_id == hearing.id)
                    .order_by(IdentityCheckRow.checked_at, IdentityCheckRow.id)
                )
            )
            part = None
            if await db.scalar(
                select(StaggeredStart.live_at).where(StaggeredStart.hearing_id == hearing.id)
            ):
                part = await staggered_part(db, hearing.id)
            name = f"{case.number if case else '-'}/hearing-{hearing.id}"
            manifest_key = f"hearing-{hearing.id}/{MANIFEST}"
            builder = build_manifest(
                name,
                events,
                segments,
                archive_key(manifest_key),
                ended,
                exhibits,
                checks,
                None if part is None else partial(add_staggered_part, part=part),
            )
            files = [s.path for s, _ in segments]
            code = await asyncio.to_thread(
                write_seal,
                self.storage,
                self.root,
                self.key_path,
                builder,
                files,
                manifest_key,
                ended,
            )
            recording.state = "failed" if hearing.failed else "sealed"
            recording.manifest_path = manifest_key
            add_event(db, hearing.id, "recording_sealed", utcnow(), {"verification_code": code})
            await db.commit()
        return code
