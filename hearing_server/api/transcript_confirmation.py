"""What the transcript's endpoints share about its confirmation (docs/architecture.md#transcript):
one lock per hearing's record, the refusal once the court has closed it, the timeline's
events, and the rows as the API shows them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from court.transcript_signing import RecordedBy, SignStatus, refuse_refusal
from hearing_server.api.errors import ApiError
from hearing_server.api.routing import Ctx
from hearing_server.api.transcript_signing_models import (
    AnswerOut,
    CorrectionOut,
    RefusalOut,
    SignatureOut,
)
from hearing_server.audit import audit
from hearing_server.db.models import Hearing, HearingEvent, Participant, utcnow
from hearing_server.db.signing_rows import (
    TranscriptCorrection,
    TranscriptRefusal,
    TranscriptSignature,
)
from hearing_server.keyed_locks import KeyedLocks
from hearing_server.keys import SETTINGS
from hearing_server.transcript_signing import Standing, closure_of, signed_record, standings

RECORD = KeyedLocks()
"""Per hearing: one change of its record at a time in this process (a commit takes the next
number; a correction, a signature and the closing each read the record and write what
depends on it). Across processes the hearing's row is locked too (`lock_record`)."""


def record_closed() -> ApiError:
    return ApiError(
        409,
        "record_closed",
        "the court has closed this hearing's transcript: it can no longer be changed or signed",
    )


async def lock_record(db: AsyncSession, hearing_id: int) -> None:
    """Lock the hearing's row until the transaction ends (PostgreSQL; SQLite has one writer
    at a time anyway), then 409 ``record_closed`` if the court has closed its record. Called
    with `RECORD` held for the hearing."""
    await db.execute(select(Hearing.id).where(Hearing.id == hearing_id).with_for_update())
    await refuse_closed(db, hearing_id)


async def refuse_closed(db: AsyncSession, hearing_id: int) -> None:
    if await closure_of(db, hearing_id) is not None:
        raise record_closed()


def add_event(
    db: AsyncSession,
    hearing_id: int,
    kind: str,
    actor: str,
    was: str | None,
    now: str | None,
    data: dict[str, Any],
) -> None:
    """A confirmation event on the hearing's timeline (worded by court.transcript.fact_line)."""
    db.add(
        HearingEvent(
            hearing_id=hearing_id,
            at=utcnow(),
            kind=kind,
            actor=actor,
            from_value=was,
            to_value=now,
            data=data,
        )
    )


def signature_out(row: TranscriptSignature) -> SignatureOut:
    return SignatureOut(
        id=row.id,
        participant_id=row.participant_id,
        name=row.name,
        signed_at=row.signed_at,
        digest=row.digest,
        image_url=f"/api/v1/transcript-signatures/{row.id}/image",
    )


def refusal_out(row: TranscriptRefusal) -> RefusalOut:
    return RefusalOut(
        participant_id=row.participant_id,
        refused_at=row.refused_at,
        reason=row.reason,
        recorded_by=row.recorded_by,
    )


def correction_out(row: TranscriptCorrection) -> CorrectionOut:
    answer = None
    if row.accepted is not None and row.answered_at is not None:
        answer = AnswerOut(
            accepted=row.accepted,
            reason=row.reason or "",
            answered_at=row.answered_at,
            by_name=row.answered_by_name or "",
        )
    return CorrectionOut(
        id=row.id,
        participant_id=row.participant_id,
        entry_id=row.entry_id,
        text=row.text,
        asked_at=row.asked_at,
        answer=answer,
    )


async def corrections_of(
    db: AsyncSession, hearing_id: int, participant_id: int | None = None
) -> list[CorrectionOut]:
    """The hearing's correction requests (or one participant's), the first first."""
    query = select(TranscriptCorrection).where(TranscriptCorrection.hearing_id == hearing_id)
    if participant_id is not None:
        query = query.where(TranscriptCorrection.participant_id == participant_id)
    rows = await db.scalars(query.order_by(TranscriptCorrection.id))
    return [correction_out(row) for row in rows]


async def record_refusal(
    ctx: Ctx, hearing: Hearing, person: Participant, reason: str | None, by: RecordedBy
) -> TranscriptRefusal:
    """Keep a refusal to sign, on the timeline and in the audit log (409 when the person's
    signature stands or they already refused, or the record is closed)."""
    who = ctx.user
    async with RECORD.hold(str(hearing.id)):
        await lock_record(ctx.db, hearing.id)
        record = await signed_record(ctx.db, hearing, court_language(ctx))
        standing = await standing_of(ctx, hearing, person)
        refuse_code(refuse_refusal(standing.act, record.digest))
        row = TranscriptRefusal(
            hearing_id=hearing.id,
            participant_id=person.id,
            reason=reason,
            refused_at=utcnow(),
            recorded_by=by,
            actor=who.label,
        )
        ctx.db.add(row)
        await ctx.db.flush()
        add_event(
            ctx.db,
            hearing.id,
            "transcript_refused",
            who.label,
            status_of(standing),
            SignStatus.REFUSED,
            {"participant_id": person.id, "recorded_by": by.value, "reason": reason},
        )
        audit(
            ctx.db,
            who.label,
            "refuse_transcript" if by is RecordedBy.SELF else "record_transcript_refusal",
            "transcript_refusal",
            row.id,
            ctx.client_ip,
            {"hearing_id": hearing.id, "participant_id": person.id, "recorded_by": by.value},
        )
        await ctx.db.commit()
    return row


async def standing_of(ctx: Ctx, hearing: Hearing, person: Participant) -> Standing:
    found = await standings(ctx.db, hearing.id, person.id)
    if not found:  # the bench's refusal names someone who does not sign
        raise ApiError(
            422,
            "invalid_request",
            "this person does not sign the transcript",
            [{"field": "participant_id", "problem": f"a {person.role} does not sign"}],
        )
    return found[0]


def status_of(standing: Standing) -> str:
    return SignStatus.PENDING if standing.act is None else standing.act.status


_CODES = {
    "already_signed": "your signature of the transcript as it stands is already recorded",
    "already_refused": "the refusal to sign is already recorded",
}


def refuse_code(code: str | None) -> None:
    if code is not None:
        raise ApiError(409, code, _CODES[code])


def court_language(ctx: Ctx) -> str:
    return ctx.request.app[SETTINGS].court_language
