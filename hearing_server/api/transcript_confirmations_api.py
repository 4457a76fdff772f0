"""The bench's side of the transcript's confirmation (docs/architecture.md#transcript): who has
signed, refused or is still to; answering correction requests (the entry itself is corrected
with ``PATCH /transcript-entries/{id}``); recording that someone refused to sign; closing the
record, after which nothing in it changes.

For the judges and clerks of the hearing's court (another court's staff: 404; participants
and terminals: 403), except a signature's picture, which its signer may see too.
"""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import func, select

from court.permissions import Action
from court.states import HearingState
from court.transcript_signing import RecordedBy, SignStatus
from hearing_server.api.errors import ApiError, not_found
from hearing_server.api.routing import Api, Binary, Ctx
from hearing_server.api.scope import visible_hearing
from hearing_server.api.transcript_confirmation import (
    RECORD,
    add_event,
    correction_out,
    corrections_of,
    court_language,
    lock_record,
    record_refusal,
    refusal_out,
    signature_out,
)
from hearing_server.api.transcript_signing_models import (
    AnswerIn,
    ConfirmationsOut,
    CorrectionOut,
    CourtRefusalIn,
    RecordClosedOut,
    RefusalOut,
    SignerOut,
)
from hearing_server.audit import audit
from hearing_server.auth import Principal, PrincipalKind
from hearing_server.db.models import Hearing, Participant, utcnow
from hearing_server.db.signing_rows import (
    TranscriptClosure,
    TranscriptCorrection,
    TranscriptSignature,
)
from hearing_server.keys import TRANSCRIPT_FILING
from hearing_server.transcript_signing import closure_of, signed_record, standings


def register(api: Api) -> None:
    @api.route(
        "GET",
        "/hearings/{hearing_id}/transcript/confirmations",
        summary="Who has signed the transcript, refused, or is still to; every correction request",
        tag="transcript",
        response=ConfirmationsOut,
    )
    async def list_confirmations(ctx: Ctx) -> ConfirmationsOut:
        hearing, _ = await _bench(ctx, ctx.ids["hearing_id"], Action.VIEW_TRANSCRIPT)
        record = await signed_record(ctx.db, hearing, court_language(ctx))
        closure = await closure_of(ctx.db, hearing.id)
        signers = []
        for standing in await standings(ctx.db, hearing.id):
            act, person = standing.act, standing.participant
            signers.append(
                SignerOut(
                    participant_id=person.id,
                    name=person.name,
                    role=person.role,
                    status=SignStatus.PENDING if act is None else act.status,
                    at=None if act is None else act.at,
                    stale=standing.stale(record.digest),
                    signature=None
                    if standing.signature is None
                    else signature_out(standing.signature),
                    refusal=None if standing.refusal is None else refusal_out(standing.refusal),
                )
            )
        return ConfirmationsOut(
            digest=record.digest,
            record_closed=closure is not None,
            closed_at=None if closure is None else closure.closed_at,
            signers=signers,
            corrections=await corrections_of(ctx.db, hearing.id),
        )

    @api.route(
        "GET",
        "/transcript-signatures/{signature_id}/image",
        summary="A signature's picture (the bench; the signer themself)",
        tag="transcript",
        binary=Binary("image/png", "the signature as drawn, a PNG"),
    )
    async def signature_image(ctx: Ctx) -> web.StreamResponse:
        signature_id = ctx.ids["signature_id"]
        who = ctx.user
        row = await ctx.db.get(TranscriptSignature, signature_id)
        if row is None:
            raise not_found(f"signature {signature_id}")
        if who.kind is PrincipalKind.USER:
            try:
                await _bench(ctx, row.hearing_id, Action.VIEW_TRANSCRIPT)
            except ApiError as exc:
                if exc.status == 404:
                    raise not_found(f"signature {signature_id}") from exc
                raise
        else:
            signer = await ctx.db.get(Participant, row.participant_id)
            assert signer is not None
            own = (who.kind is PrincipalKind.PARTICIPANT and who.id == signer.id) or (
                who.kind is PrincipalKind.TERMINAL
                and signer.detention_centre_id is not None
                and signer.detention_centre_id == who.centre_id
            )
            if not own:
                raise ApiError(403, "forbidden", "a signature is seen by its signer and the bench")
        audit(
            ctx.db,
            who.label,
            "view_transcript_signature",
            "transcript_signature",
            row.id,
            ctx.client_ip,
            {"hearing_id": row.hearing_id, "participant_id": row.participant_id},
        )
        return web.Response(
            body=row.image,
            content_type="image/png",
            headers={
                "Cache-Control": "private, no-store",
                "X-Content-Type-Options": "nosniff",
                "ETag": f'"{row.image_sha256}"',
            },
        )

    @api.route(
        "POST",
        "/transcript-corrections/{correction_id}/answer",
        summary="Accept or reject a correction request, with the reason",
        tag="transcript",
        body=AnswerIn,
        response=CorrectionOut,
    )
    async def answer_correction(ctx: Ctx, body: AnswerIn) -> CorrectionOut:
        correction_id = ctx.ids["correction_id"]
        row = await ctx.db.get(TranscriptCorrection, correction_id)
        if row is None:
            ctx.require(Action.SETTLE_TRANSCRIPT)
            raise not_found(f"correction request {correction_id}")
        try:
            hearing, who = await _bench(ctx, row.hearing_id, Action.SETTLE_TRANSCRIPT)
        except ApiError as exc:
            if exc.status == 404:
                raise not_found(f"correction request {correction_id}") from exc
            raise
        async with RECORD.hold(str(hearing.id)):
            await lock_record(ctx.db, hearing.id)
            await ctx.db.refresh(row)
            if row.accepted is not None:
                raise ApiError(
                    409,
                    "already_answered",
                    f"this request was answered by {row.answered_by_name} already",
                )
            row.accepted, row.reason = body.accepted, body.reason
            row.answered_at, row.answered_by_id, row.answered_by_name = utcnow(), who.id, who.name
            outcome = "accepted" if body.accepted else "rejected"
            add_event(
                ctx.db,
                hearing.id,
                "correction_answered",
                who.label,
                "asked",
                outcome,
                {
                    "participant_id": row.participant_id,
                    "correction_id": row.id,
                    "entry_id": row.entry_id,
                    "reason": body.reason,
                },
            )
            audit(
                ctx.db,
                who.label,
                "answer_transcript_correction",
                "transcript_correction",
                row.id,
                ctx.client_ip,
                {"hearing_id": hearing.id, "accepted": body.accepted},
            )
            await ctx.db.commit()
        return correction_out(row)

    @api.route(
        "POST",
        "/hearings/{hearing_id}/transcript/refusals",
        summary="Record that a person refused to sign the transcript (拒绝签名)",
        tag="transcript",
        body=CourtRefusalIn,
        response=RefusalOut,
        status=201,
    )
    async def record_court_refusal(ctx: Ctx, body: CourtRefusalIn) -> RefusalOut:
        hearing, _ = await _bench(ctx, ctx.ids["hearing_id"], Action.SETTLE_TRANSCRIPT)
        person = await ctx.db.get(Participant, body.participant_id)
        if person is None or person.hearing_id != hearing.id:
            raise ApiError(
                422,
                "invalid_request",
                "the refusal has problems",
                [{"field": "participant_id", "problem": "not a participant of this hearing"}],
            )
        row = await record_refusal(ctx, hearing, person, body.reason, RecordedBy.COURT)
        return refusal_out(row)

    @api.route(
        "POST",
        "/hearings/{hearing_id}/transcript/close",
        summary="Close the record: no more writing, signing, refusing or asking",
        tag="transcript",
        response=RecordClosedOut,
    )
    async def close_record(ctx: Ctx) -> RecordClosedOut:
        hearing, who = await _bench(ctx, ctx.ids["hearing_id"], Action.SETTLE_TRANSCRIPT)
        async with RECORD.hold(str(hearing.id)):
            await lock_record(ctx.db, hearing.id)
            pending = await ctx.db.scalar(
                select(func.count(TranscriptCorrection.id)).where(
                    TranscriptCorrection.hearing_id == hearing.id,
                    TranscriptCorrection.accepted.is_(None),
                )
            )
            if pending:
                raise ApiError(
                    409,
                    "corrections_pending",
                    f"{pending} correction request(s) still wait for the court's answer",
                )
            record = await signed_record(ctx.db, hearing, court_language(ctx))
            closure = TranscriptClosure(
                hearing_id=hearing.id, closed_at=utcnow(), closed_by=who.label, digest=record.digest
            )
            ctx.db.add(closure)
            add_event(
                ctx.db,
                hearing.id,
                "transcript_closed",
                who.label,
                "open",
                "closed",
                {"digest": record.digest},
            )
            audit(
                ctx.db,
                who.label,
                "close_transcript",
                "hearing",
                hearing.id,
                ctx.client_ip,
                {"digest": record.digest},
            )
            await ctx.db.commit()
        ctx.request.app[TRANSCRIPT_FILING].closed(hearing.id)  # its PDF, sealed with the recording
        return RecordClosedOut(closed_at=closure.closed_at, digest=closure.digest)


async def _bench(ctx: Ctx, hearing_id: int, action: Action) -> tuple[Hearing, Principal]:
    """The hearing, if the caller is of the bench of its court and may take ``action``: 404
    for another court's, 403 for participants and terminals; settling before the hearing is
    closed is 403 ``transcript_not_ready``."""
    hearing = await visible_hearing(ctx, hearing_id)
    who = ctx.require(action)
    if who.kind is not PrincipalKind.USER:
        raise ApiError(403, "forbidden", "the transcript's confirmation is settled by the bench")
    if action is Action.SETTLE_TRANSCRIPT and hearing.state is not HearingState.CLOSED:
        raise ApiError(
            403,
            "transcript_not_ready",
            "the transcript is signed and settled once the hearing is closed",
        )
    return hearing, who
