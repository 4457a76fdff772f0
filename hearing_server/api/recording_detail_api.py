"""One recording as the archive page shows it: its hearing's timeline, the chapters, the
exhibits shown and when, the seal as written at close, the archive video's address, and (for
staff) its files and the grants to parties. Viewing it is written to the audit log."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy import select

from court.roles import Role
from court.staggered_record import STAGGERED_KINDS
from hearing_server.api.outputs import GrantOut, RecordingOut, grant_out, recording_out
from hearing_server.api.recording_access import retrieve
from hearing_server.api.routing import Api, Ctx
from hearing_server.audit import audit
from hearing_server.auth import PrincipalKind
from hearing_server.db.models import (
    HearingEvent,
    Participant,
    Recording,
    RecordingGrant,
    Segment,
    Track,
)
from hearing_server.keys import SETTINGS
from hearing_server.records.archive import read_manifest, recording_storage
from hearing_server.records.chapters import archive_chapters
from hearing_server.records.shown import ARCHIVE_TIME, recorded_span, shown_exhibits
from recording.storage import Storage

TIMELINE_KINDS = (
    frozenset(
        {
            "scheduled",
            "state",
            "phase",
            "recording",
            "recording_interrupted",
            "joined",
            "reconnected",
            "dropped",
            "left",
            "left_without_leave",
            "online_consent",
            "admitted",
            "sent_back",
            "removed",
            "identity_verified",
            "muted",
            "unmuted",
            "muted_all",
            "share_started",
            "share_stopped",
            "exhibit_presented",
            "presentation_stopped",
            "vote_opened",
            "ballot_cast",
            "vote_closed",
        }
    )
    | STAGGERED_KINDS
)  # a staggered hearing's proceedings; a reminder shows notice was given
"""Hearing events shown with a recording. Messages, raised hands and private consultations
stay out: they are not part of the public record of the proceedings."""


class TimelineEntry(BaseModel):
    at: datetime
    kind: str
    actor: str | None
    from_value: str | None
    to_value: str | None
    participant_id: int | None = Field(description="Whom the event concerns, if anyone.")
    participant_name: str | None


class ChapterOut(BaseModel):
    title: str
    start_seconds: float
    end_seconds: float


class ShownOut(BaseModel):
    start: float
    end: float
    pages: list[int] | None = Field(description="A PDF's pages shown, in the order first shown.")


class ShownExhibitOut(BaseModel):
    exhibit_id: int
    file_id: int
    label: str = Field(description='As the court numbers it, e.g. "原告证据1".')
    title: str
    shown: list[ShownOut] = Field(
        description="When it was shown: in seconds into the archive video (as chapters_source "
        "archive), or before the video is made, from the start of the recording."
    )


class SealOut(BaseModel):
    sealed: bool
    sealed_at: str | None
    verification_code: str | None = Field(
        description="As written when the record was sealed; the verify endpoint recomputes it."
    )


class ArchiveOut(BaseModel):
    url: str
    bytes: int | None
    sha256: str | None


class TranscriptFileOut(BaseModel):
    url: str = Field(description="The PDF; add `?download=true` to save it.")
    bytes: int | None
    sha256: str | None


class FileOut(BaseModel):
    kind: Literal["segment", "archive", "transcript", "manifest"]
    path: str = Field(description="Key in the recordings storage.")
    sha256: str | None
    bytes: int | None
    track_id: int | None = None
    participant_id: int | None = None
    participant_name: str | None = None
    media: str | None = Field(default=None, description="video or audio")
    codec: str | None = None
    seq: int | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None


class RecordingDetail(RecordingOut):
    seal: SealOut
    archive: ArchiveOut | None
    transcript: TranscriptFileOut | None = Field(
        description="The confirmed transcript's PDF sealed with the recording; null until it is."
    )
    chapters: list[ChapterOut]
    chapters_source: Literal["archive", "timeline"] = Field(
        description="archive: the chapters of the video, in its own time (recesses cut out); "
        "timeline: procedure phases from the hearing's events, in seconds from the start."
    )
    timeline: list[TimelineEntry]
    exhibits_shown: list[ShownExhibitOut]
    files: list[FileOut] | None = Field(description="Clerks only.")
    grants: list[GrantOut] | None = Field(description="Judges and clerks only.")
    time_zone: str = Field(
        description="The court's time zone (IANA name): the timeline's and the burned-in "
        "clock's times are meant in it (parties have no session that says so)."
    )


def register(api: Api) -> None:
    @api.route(
        "GET",
        "/recordings/{recording_id}",
        summary="A recording with its timeline, chapters and seal",
        tag="recordings",
        response=RecordingDetail,
    )
    async def get_recording(ctx: Ctx) -> RecordingDetail:
        access = await retrieve(ctx)
        recording, who = access.recording, access.who
        storage = recording_storage(ctx.request.app[SETTINGS])
        rows = await ctx.db.execute(
            select(Participant.id, Participant.name).where(
                Participant.hearing_id == access.hearing.id
            )
        )
        names = {participant_id: name for participant_id, name in rows}
        events = list(
            await ctx.db.scalars(
                select(HearingEvent)
                .where(HearingEvent.hearing_id == access.hearing.id)
                .order_by(HearingEvent.at, HearingEvent.id)
            )
        )
        archive = await _archive_out(storage, recording)
        chapters = (
            await asyncio.to_thread(archive_chapters, storage, recording.archive_path)
            if archive is not None and recording.archive_path is not None
            else None
        )
        manifest = (
            await asyncio.to_thread(read_manifest, storage, recording.manifest_path)
            if recording.manifest_path is not None
            else None
        ) or {}
        audit(ctx.db, who.label, "view_recording", "recording", recording.id, ctx.client_ip)
        staff = who.kind is PrincipalKind.USER
        return RecordingDetail(
            **recording_out(recording, access.hearing, access.case).model_dump(),
            seal=SealOut(
                sealed=recording.manifest_path is not None,
                sealed_at=_text(manifest.get("sealed_at")),
                verification_code=_text(manifest.get("verification_code")),
            ),
            archive=archive,
            transcript=await _transcript_out(storage, recording),
            chapters=(
                [
                    ChapterOut(title=c.title, start_seconds=c.start, end_seconds=c.end)
                    for c in chapters
                ]
                if chapters is not None
                else _phase_chapters(recording, events)
            ),
            chapters_source="archive" if chapters is not None else "timeline",
            timeline=[_timeline_entry(e, names) for e in events if e.kind in TIMELINE_KINDS],
            exhibits_shown=_exhibits_shown(recording, events, chapters is not None),
            files=await _files(ctx, recording, names) if who.role is Role.CLERK else None,
            grants=await _grants(ctx, recording) if staff else None,
            time_zone=ctx.request.app[SETTINGS].court_timezone,
        )


async def _archive_out(storage: Storage, recording: Recording) -> ArchiveOut | None:
    if recording.archive_path is None:
        return None
    try:
        size: int | None = await asyncio.to_thread(storage.size, recording.archive_path)
    except (OSError, ValueError):
        size = None
    return ArchiveOut(
        url=f"/api/v1/recordings/{recording.id}/archive",
        bytes=size,
        sha256=recording.archive_sha256,
    )


async def _transcript_out(storage: Storage, recording: Recording) -> TranscriptFileOut | None:
    if recording.transcript_path is None:
        return None
    try:
        size: int | None = await asyncio.to_thread(storage.size, recording.transcript_path)
    except (OSError, ValueError):
        size = None
    return TranscriptFileOut(
        url=f"/api/v1/recordings/{recording.id}/transcript.pdf",
        bytes=size,
        sha256=recording.transcript_sha256,
    )


def _timeline_entry(event: HearingEvent, names: dict[int, str]) -> TimelineEntry:
    concerned = (event.data or {}).get("participant_id")
    participant_id = concerned if isinstance(concerned, int) else None
    return TimelineEntry(
        at=event.at,
        kind=event.kind,
        actor=event.actor,
        from_value=event.from_value,
        to_value=event.to_value,
        participant_id=participant_id,
        participant_name=names.get(participant_id) if participant_id is not None else None,
    )


def _exhibits_shown(
    recording: Recording, events: list[HearingEvent], archived: bool
) -> list[ShownExhibitOut]:
    span = recorded_span(recording, events)
    if span is None:
        return []
    found = shown_exhibits(events, *span, ARCHIVE_TIME if archived else None)
    return [
        ShownExhibitOut(
            exhibit_id=e.exhibit_id,
            file_id=e.file_id,
            label=e.label,
            title=e.title,
            shown=[ShownOut(start=s.start, end=s.end, pages=s.pages) for s in e.shown],
        )
        for e in found
    ]


def _phase_chapters(recording: Recording, events: list[HearingEvent]) -> list[ChapterOut]:
    """Before the archive is made: one chapter per procedure phase, in seconds from the start
    of the recording (recesses included)."""
    span = recorded_span(recording, events)
    if span is None:
        return []
    start, end = span
    phases = [(e.at, e.to_value) for e in events if e.kind == "phase" and e.to_value]
    chapters: list[ChapterOut] = []
    for index, (at, title) in enumerate(phases):
        until = phases[index + 1][0] if index + 1 < len(phases) else end
        begin, finish = max(at, start), min(until, end)
        if finish > begin:
            chapters.append(
                ChapterOut(
                    title=title or "",
                    start_seconds=(begin - start).total_seconds(),
                    end_seconds=(finish - start).total_seconds(),
                )
            )
    return chapters


async def _files(ctx: Ctx, recording: Recording, names: dict[int, str]) -> list[FileOut]:
    rows = await ctx.db.execute(
        select(Segment, Track)
        .join(Track, Segment.track_id == Track.id)
        .where(Track.recording_id == recording.id)
        .order_by(Track.id, Segment.seq)
    )
    files = [
        FileOut(
            kind="segment",
            path=segment.path,
            sha256=segment.sha256,
            bytes=segment.size_bytes,
            track_id=track.id,
            participant_id=track.participant_id,
            participant_name=names.get(track.participant_id) if track.participant_id else None,
            media=track.kind,
            codec=track.codec,
            seq=segment.seq,
            started_at=segment.started_at,
            ended_at=segment.ended_at,
        )
        for segment, track in rows
    ]
    if recording.archive_path is not None:
        files.append(
            FileOut(
                kind="archive",
                path=recording.archive_path,
                sha256=recording.archive_sha256,
                bytes=None,
            )
        )
    if recording.transcript_path is not None:
        files.append(
            FileOut(
                kind="transcript",
                path=recording.transcript_path,
                sha256=recording.transcript_sha256,
                bytes=None,
            )
        )
    if recording.manifest_path is not None:
        files.append(
            FileOut(kind="manifest", path=recording.manifest_path, sha256=None, bytes=None)
        )
    return files


async def _grants(ctx: Ctx, recording: Recording) -> list[GrantOut]:
    rows = await ctx.db.execute(
        select(RecordingGrant, Participant)
        .join(Participant, RecordingGrant.participant_id == Participant.id)
        .where(RecordingGrant.recording_id == recording.id)
        .order_by(RecordingGrant.id)
    )
    return [grant_out(grant, participant) for grant, participant in rows]


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
