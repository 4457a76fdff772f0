"""Where the transcript's confirmation stands (docs/architecture.md#transcript): the record as
it is signed and its digest, each signer's latest signature or refusal, whether the court has
closed the record; and, in one object, everything the record's PDF needs
(`confirmation_record`). The rules are court/transcript_signing.py's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from court.roles import Role
from court.transcript_signing import (
    CONFIRMATION_EVENTS,
    SIGNING_ROLES,
    Act,
    RecordedBy,
    SignedLine,
    SignStatus,
    is_stale,
    transcript_digest,
)
from hearing_server.api.transcript_models import TranscriptLine
from hearing_server.api.transcript_reading import Names, names_of, transcript_lines
from hearing_server.db.models import Case, Court, Hearing, Participant
from hearing_server.db.signing_rows import (
    TranscriptClosure,
    TranscriptRefusal,
    TranscriptSignature,
)


@dataclass(frozen=True)
class SignedRecord:
    """The transcript as a signature confirms it."""

    lines: list[TranscriptLine]
    """Entries and facts in order, the confirmation's own events left out."""
    digest: str
    names: Names


def _signed_line(line: TranscriptLine) -> SignedLine:
    if line.entry is not None:
        entry = line.entry
        # the speaker by id and name, not in the court's language: the digest is the same
        # whatever language the server is set to
        speaker = "court" if entry.speaker_id is None else f"{entry.speaker_id}:{entry.speaker}"
        return SignedLine("entry", line.at, (str(entry.seq), speaker, entry.text))
    return SignedLine("fact", line.at, (line.event or "", line.fact_zh or "", line.fact_en or ""))


async def signed_record(db: AsyncSession, hearing: Hearing, language: str) -> SignedRecord:
    names = await names_of(db, hearing, language)
    lines = [
        line
        for line in await transcript_lines(db, hearing, names)
        if line.event not in CONFIRMATION_EVENTS
    ]
    return SignedRecord(lines, transcript_digest(_signed_line(line) for line in lines), names)


async def closure_of(db: AsyncSession, hearing_id: int) -> TranscriptClosure | None:
    """The court's closing of the hearing's record, if it is closed."""
    return await db.get(TranscriptClosure, hearing_id)


@dataclass(frozen=True)
class Standing:
    """Where one signer stands: their latest signature and refusal, and which is their act."""

    participant: Participant
    signature: TranscriptSignature | None
    refusal: TranscriptRefusal | None
    """Their refusal, when refusing is where they stand."""
    act: Act | None
    """The later of the two (a refusal after a signature, or a new signature after a
    refusal: the latest counts)."""

    def stale(self, digest: str) -> bool:
        return is_stale(self.act, digest)


async def standings(
    db: AsyncSession, hearing_id: int, participant_id: int | None = None
) -> list[Standing]:
    """Every signer of the hearing (or the one participant), by participant id."""
    people = select(Participant).where(
        Participant.hearing_id == hearing_id, Participant.role.in_(SIGNING_ROLES)
    )
    signatures = select(TranscriptSignature).where(TranscriptSignature.hearing_id == hearing_id)
    refusals = select(TranscriptRefusal).where(TranscriptRefusal.hearing_id == hearing_id)
    if participant_id is not None:
        people = people.where(Participant.id == participant_id)
        signatures = signatures.where(TranscriptSignature.participant_id == participant_id)
        refusals = refusals.where(TranscriptRefusal.participant_id == participant_id)
    signed = {
        s.participant_id: s for s in await db.scalars(signatures.order_by(TranscriptSignature.id))
    }  # later rows overwrite earlier ones
    refused = {
        r.participant_id: r for r in await db.scalars(refusals.order_by(TranscriptRefusal.id))
    }
    result = []
    for person in await db.scalars(people.order_by(Participant.id)):
        signature, refusal = signed.get(person.id), refused.get(person.id)
        act = None
        if signature is not None:
            act = Act(SignStatus.SIGNED, signature.signed_at, signature.digest)
        if refusal is not None and (act is None or refusal.refused_at >= act.at):
            act = Act(SignStatus.REFUSED, refusal.refused_at)
        standing_refusal = refusal if act and act.status is SignStatus.REFUSED else None
        result.append(Standing(person, signature, standing_refusal, act))
    return result


@dataclass(frozen=True)
class SignerRecord:
    """One signer as the record's PDF shows them."""

    participant_id: int
    name: str
    """Their name in the hearing."""
    role: Role
    status: SignStatus
    at: datetime | None
    """When they signed or refused."""
    stale: bool
    """Signed a version the court corrected since (they did not sign again)."""
    written_name: str | None
    """The name they wrote beside their signature."""
    png: bytes | None
    """The signature as drawn (a PNG), when they signed."""
    png_sha256: str | None
    signed_digest: str | None
    refusal_reason: str | None
    refusal_recorded_by: RecordedBy | None


@dataclass(frozen=True)
class ConfirmationRecord:
    """Everything the record's PDF needs: the case, the lines as signed, the digest, each
    signer with their signature's picture or their refusal, the closing."""

    hearing_id: int
    case_number: str
    case_title: str
    court_name: str
    hearing_title: str
    language: str
    lines: list[TranscriptLine]
    digest: str
    confirmation_lines: list[TranscriptLine]
    """The confirmation's own lines (who signed, refused, asked, was answered, when)."""
    signers: list[SignerRecord]
    closed_at: datetime | None
    closed_by: str | None


async def confirmation_record(
    db: AsyncSession, hearing: Hearing, language: str = "zh"
) -> ConfirmationRecord:
    """The hearing's confirmed transcript for its PDF (``language``: the court's, as in
    `Settings.court_language`)."""
    record = await signed_record(db, hearing, language)
    case = await db.get(Case, hearing.case_id)
    assert case is not None
    court = await db.get(Court, case.court_id)
    closure = await closure_of(db, hearing.id)
    every_line = await transcript_lines(db, hearing, record.names)
    signers = []
    for standing in await standings(db, hearing.id):
        act, refusal = standing.act, standing.refusal
        # the picture only when signing is where they stand (not after a later refusal)
        signed = standing.signature if act and act.status is SignStatus.SIGNED else None
        signers.append(
            SignerRecord(
                participant_id=standing.participant.id,
                name=standing.participant.name,
                role=standing.participant.role,
                status=SignStatus.PENDING if act is None else act.status,
                at=None if act is None else act.at,
                stale=standing.stale(record.digest),
                written_name=None if signed is None else signed.name,
                png=None if signed is None else signed.image,
                png_sha256=None if signed is None else signed.image_sha256,
                signed_digest=None if signed is None else signed.digest,
                refusal_reason=None if refusal is None else refusal.reason,
                refusal_recorded_by=None if refusal is None else refusal.recorded_by,
            )
        )
    return ConfirmationRecord(
        hearing_id=hearing.id,
        case_number=case.number,
        case_title=case.title,
        court_name="" if court is None else court.name,
        hearing_title=hearing.title,
        language=language,
        lines=record.lines,
        digest=record.digest,
        confirmation_lines=[line for line in every_line if line.event in CONFIRMATION_EVENTS],
        signers=signers,
        closed_at=None if closure is None else closure.closed_at,
        closed_by=None if closure is None else closure.closed_by,
    )
