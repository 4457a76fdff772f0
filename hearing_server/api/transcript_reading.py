"""Reading a hearing's transcript (docs/architecture.md#transcript): the committed entries and
the timeline's facts, worded by ``court.transcript.fact_line``, in the order of the hearing."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from court.exhibits import exhibit_label
from court.transcript import COURT_SPEAKER, Words, fact_line, say
from hearing_server.api.transcript_models import EntryOut, Speaker, TranscriptLine
from hearing_server.db.models import Exhibit, Hearing, HearingEvent, Participant, User
from hearing_server.db.transcript_rows import EntryState, TranscriptEntry, TranscriptRevision


class Names:
    """The hearing's people and its case's exhibits, as the transcript names them."""

    def __init__(
        self,
        language: str,
        speakers: list[Speaker],
        authors: dict[int, str],
        exhibits: dict[int, Words],
    ) -> None:
        self.language = language
        self.speakers = speakers
        self.people = {s.id: s.name for s in speakers}
        self.authors = authors
        self.exhibits = exhibits

    def speaker(self, speaker_id: int | None) -> str:
        if speaker_id is None:
            return say(COURT_SPEAKER, self.language)
        return self.people.get(speaker_id, str(speaker_id))

    def author(self, user_id: int) -> str:
        return self.authors.get(user_id, str(user_id))


async def names_of(db: AsyncSession, hearing: Hearing, language: str) -> Names:
    people = await db.scalars(
        select(Participant).where(Participant.hearing_id == hearing.id).order_by(Participant.id)
    )
    speakers = [Speaker(id=p.id, name=p.name, role=p.role) for p in people]
    entries = select(TranscriptEntry.id).where(TranscriptEntry.hearing_id == hearing.id)
    wrote = select(TranscriptRevision.author_id).where(TranscriptRevision.entry_id.in_(entries))
    drafted = select(TranscriptEntry.author_id).where(TranscriptEntry.hearing_id == hearing.id)
    authors = await db.execute(
        select(User.id, User.display_name).where(User.id.in_(wrote) | User.id.in_(drafted))
    )
    exhibits = await db.scalars(select(Exhibit).where(Exhibit.case_id == hearing.case_id))
    return Names(
        language,
        speakers,
        {user_id: name for user_id, name in authors},
        {e.id: exhibit_label(e.side, e.number) for e in exhibits},
    )


def entry_out(entry: TranscriptEntry, names: Names) -> EntryOut:
    return EntryOut(
        id=entry.id,
        hearing_id=entry.hearing_id,
        key=entry.key,
        seq=entry.seq,
        state=entry.state,
        speaker_id=entry.speaker_id,
        speaker=names.speaker(entry.speaker_id),
        text=entry.text,
        at=entry.at,
        author=names.author(entry.author_id),
        version=entry.version,
        created_at=entry.created_at,
        updated_at=entry.updated_at,
    )


async def transcript_lines(
    db: AsyncSession, hearing: Hearing, names: Names
) -> list[TranscriptLine]:
    """Every committed entry and every fact, by time; at the same moment a fact comes before
    the words (the judge opened the session, then spoke)."""
    entries = await db.scalars(
        select(TranscriptEntry).where(
            TranscriptEntry.hearing_id == hearing.id,
            TranscriptEntry.state == EntryState.COMMITTED,
        )
    )
    events = await db.scalars(
        select(HearingEvent).where(HearingEvent.hearing_id == hearing.id).order_by(HearingEvent.id)
    )
    ordered: list[tuple[tuple[object, ...], TranscriptLine]] = []
    for event in events:
        words = fact_line(
            event.kind, event.from_value, event.to_value, event.data, names.people, names.exhibits
        )
        if words is None:
            continue
        line = TranscriptLine(
            kind="fact",
            at=event.at,
            fact=say(words, names.language),
            fact_zh=words[0],
            fact_en=words[1],
            event=event.kind,
        )
        ordered.append(((event.at, 0, event.id), line))
    for entry in entries:
        line = TranscriptLine(kind="entry", at=entry.at, entry=entry_out(entry, names))
        ordered.append(((entry.at, 1, entry.seq or 0), line))
    ordered.sort(key=lambda pair: pair[0])
    return [line for _, line in ordered]
