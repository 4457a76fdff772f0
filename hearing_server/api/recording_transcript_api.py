"""A recording's transcript, for the archive player (docs/architecture.md#recording-and-archive):
the hearing's written record as the bench reads it (`transcript_reading.transcript_lines`:
committed entries and the timeline's facts), each line with its place in the archive video,
found by the rule that places the exhibits shown (`hearing_server.records.shown.placer`).
Whoever may retrieve the recording reads it, a party with the court's grant too; every read is
written to the audit log. Its own endpoint, so the recording's detail stays small however long
the transcript is."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy import select

from hearing_server.api.recording_access import retrieve
from hearing_server.api.routing import Api, Ctx
from hearing_server.api.transcript_models import TranscriptLine
from hearing_server.api.transcript_reading import names_of, transcript_lines
from hearing_server.audit import audit
from hearing_server.db.models import HearingEvent
from hearing_server.keys import SETTINGS
from hearing_server.records.shown import ARCHIVE_TIME, Place, placer, recorded_span


class ArchiveLine(BaseModel):
    kind: Literal["entry", "fact"]
    at: datetime
    seconds: float | None = Field(
        description="Where the line is in the video (as `source` says). A line during a "
        "recess: where the video goes on after the recess card. A line before the recording "
        "began or after it ended: null, it is not in the video."
    )
    speaker_id: int | None = Field(description="Entry: the participant; null: the court.")
    speaker: str | None = Field(description="Entry: the speaker's name, or the court's.")
    text: str | None = Field(description="Entry: what was said.")
    fact: str | None = Field(description="Fact: in the court's language.")
    fact_zh: str | None
    fact_en: str | None
    event: str | None = Field(description="Fact: the timeline kind it comes from.")


class RecordingTranscript(BaseModel):
    recording_id: int
    hearing_id: int
    language: str = Field(description="The court's language (zh, en or zh+en).")
    source: Literal["archive", "timeline"] = Field(
        description="archive: `seconds` are into the archive video (recesses cut out, a card in "
        "each one's place); timeline: before the video is made, from the start of the recording."
    )
    lines: list[ArchiveLine] = Field(description="In the order of the hearing.")


def register(api: Api) -> None:
    @api.route(
        "GET",
        "/recordings/{recording_id}/transcript",
        summary="The hearing's transcript, each line with its moment in the archive video",
        tag="recordings",
        response=RecordingTranscript,
    )
    async def get_recording_transcript(ctx: Ctx) -> RecordingTranscript:
        access = await retrieve(ctx)
        recording, hearing = access.recording, access.hearing
        events = list(
            await ctx.db.scalars(
                select(HearingEvent)
                .where(HearingEvent.hearing_id == hearing.id)
                .order_by(HearingEvent.at, HearingEvent.id)
            )
        )
        archived = recording.archive_path is not None
        span = recorded_span(recording, events)
        place: Place | None = None
        if span is not None:
            place = placer(events, *span, ARCHIVE_TIME if archived else None)
        names = await names_of(ctx.db, hearing, ctx.request.app[SETTINGS].court_language)
        lines = await transcript_lines(ctx.db, hearing, names)
        audit(
            ctx.db,
            access.who.label,
            "read_recording_transcript",
            "recording",
            recording.id,
            ctx.client_ip,
        )
        return RecordingTranscript(
            recording_id=recording.id,
            hearing_id=hearing.id,
            language=names.language,
            source="archive" if archived else "timeline",
            lines=[_line(line, span, place) for line in lines],
        )


def _line(
    line: TranscriptLine, span: tuple[datetime, datetime] | None, place: Place | None
) -> ArchiveLine:
    in_video = span is not None and span[0] <= line.at <= span[1]
    entry = line.entry
    return ArchiveLine(
        kind=line.kind,
        at=line.at,
        seconds=place(line.at) if place is not None and in_video else None,
        speaker_id=entry.speaker_id if entry else None,
        speaker=entry.speaker if entry else None,
        text=entry.text if entry else None,
        fact=line.fact,
        fact_zh=line.fact_zh,
        fact_en=line.fact_en,
        event=line.event,
    )
