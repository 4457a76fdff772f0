"""The signer's side of the transcript's confirmation (docs/architecture.md#transcript): once
the hearing is closed, each person who spoke in it reads the record and signs it, refuses to,
or asks for a correction (court/transcript_signing.py).

The signer is an invitation's holder (``Authorization: Invitation <token>``), or a detention
centre's terminal acting for the detainee of the hearing at its centre. Each acts only for
themself: there is no participant id in these requests. A signature names the digest of the
record its signer read; if a correction changed the record since, it is refused with the
current digest (409 ``transcript_changed``), so nobody signs what they did not read.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from court.permissions import Action
from court.roles import Role
from court.states import HearingState
from court.transcript_signing import RecordedBy, SignStatus, sign_refusal
from hearing_server.api.errors import ApiError
from hearing_server.api.routing import Api, Ctx
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
    refuse_closed,
    refuse_code,
    signature_out,
    standing_of,
    status_of,
)
from hearing_server.api.transcript_signing_models import (
    SIGNATURE_BODY,
    ConfirmationOut,
    CorrectionIn,
    CorrectionOut,
    MyConfirmation,
    RefusalIn,
    RefusalOut,
    SignatureIn,
    SignatureOut,
)
from hearing_server.audit import audit
from hearing_server.auth import PrincipalKind
from hearing_server.db.models import Case, Court, Hearing, Participant, utcnow
from hearing_server.db.signing_rows import (
    TranscriptCorrection,
    TranscriptSignature,
)
from hearing_server.db.transcript_rows import EntryState, TranscriptEntry
from hearing_server.signature_images import BadSignature, check_signature
from hearing_server.transcript_signing import closure_of, signed_record


def register(api: Api) -> None:
    @api.route(
        "GET",
        "/hearings/{hearing_id}/transcript/confirmation",
        summary="The transcript to sign, its digest, and where one stands (signers only)",
        tag="transcript",
        response=ConfirmationOut,
        errors=(409,),  # several detainees of the terminal's centre: who is signing?
    )
    async def read_confirmation(ctx: Ctx) -> ConfirmationOut:
        hearing, person = await _signer(ctx)
        record = await signed_record(ctx.db, hearing, court_language(ctx))
        case = await ctx.db.get(Case, hearing.case_id)
        assert case is not None
        court = await ctx.db.get(Court, case.court_id)
        standing = await standing_of(ctx, hearing, person)
        act = standing.act
        return ConfirmationOut(
            hearing_id=hearing.id,
            case_number=case.number,
            court_name="" if court is None else court.name,
            language=record.names.language,
            lines=record.lines,
            digest=record.digest,
            record_closed=await closure_of(ctx.db, hearing.id) is not None,
            mine=MyConfirmation(
                participant_id=person.id,
                name=person.name,
                role=person.role,
                status=SignStatus.PENDING if act is None else act.status,
                at=None if act is None else act.at,
                signed_digest=None if standing.signature is None else standing.signature.digest,
                stale=standing.stale(record.digest),
            ),
            corrections=await corrections_of(ctx.db, hearing.id, person.id),
        )

    @api.route(
        "POST",
        "/hearings/{hearing_id}/transcript/signature",
        summary="Sign the transcript read (its digest) with a drawn signature and one's name",
        tag="transcript",
        body=SignatureIn,
        response=SignatureOut,
        status=201,
        body_limit=SIGNATURE_BODY,
    )
    async def sign_transcript(ctx: Ctx, body: SignatureIn) -> SignatureOut:
        hearing, person = await _signer(ctx)
        await refuse_closed(ctx.db, hearing.id)  # before decoding a picture for nothing
        try:
            picture = await asyncio.to_thread(check_signature, body.image)
        except BadSignature as exc:
            raise ApiError(422, "bad_signature", str(exc), [{"field": "image"}]) from exc
        who = ctx.user
        async with RECORD.hold(str(hearing.id)):
            await lock_record(ctx.db, hearing.id)
            record = await signed_record(ctx.db, hearing, court_language(ctx))
            if body.digest != record.digest:
                raise ApiError(
                    409,
                    "transcript_changed",
                    "the transcript has changed since you read it: read it again, then sign",
                    [{"field": "digest", "digest": record.digest}],
                )
            standing = await standing_of(ctx, hearing, person)
            refuse_code(sign_refusal(standing.act, record.digest))
            row = TranscriptSignature(
                hearing_id=hearing.id,
                participant_id=person.id,
                name=body.name,
                digest=record.digest,
                signed_at=utcnow(),
                signed_by=who.label,
                image=picture.png,
                image_sha256=picture.sha256,
                width=picture.width,
                height=picture.height,
            )
            ctx.db.add(row)
            await ctx.db.flush()
            add_event(
                ctx.db,
                hearing.id,
                "transcript_signed",
                who.label,
                status_of(standing),
                SignStatus.SIGNED,
                {"participant_id": person.id, "signature_id": row.id, "digest": record.digest},
            )
            audit(
                ctx.db,
                who.label,
                "sign_transcript",
                "transcript_signature",
                row.id,
                ctx.client_ip,
                {
                    "hearing_id": hearing.id,
                    "participant_id": person.id,
                    "digest": record.digest,
                    "image_sha256": picture.sha256,
                },
            )
            await ctx.db.commit()
        return signature_out(row)

    @api.route(
        "POST",
        "/hearings/{hearing_id}/transcript/refusal",
        summary="Refuse to sign the transcript (拒绝签名), with a reason or none",
        tag="transcript",
        body=RefusalIn,
        response=RefusalOut,
        status=201,
    )
    async def refuse_to_sign(ctx: Ctx, body: RefusalIn) -> RefusalOut:
        hearing, person = await _signer(ctx)
        row = await record_refusal(ctx, hearing, person, body.reason, RecordedBy.SELF)
        return refusal_out(row)

    @api.route(
        "POST",
        "/hearings/{hearing_id}/transcript/corrections",
        summary="Ask the court to correct the transcript",
        tag="transcript",
        body=CorrectionIn,
        response=CorrectionOut,
        status=201,
    )
    async def ask_correction(ctx: Ctx, body: CorrectionIn) -> CorrectionOut:
        hearing, person = await _signer(ctx)
        await refuse_closed(ctx.db, hearing.id)
        if body.entry_id is not None:
            entry = await ctx.db.get(TranscriptEntry, body.entry_id)
            if (
                entry is None
                or entry.hearing_id != hearing.id
                or entry.state is not EntryState.COMMITTED
            ):
                raise ApiError(
                    422,
                    "invalid_request",
                    "the correction has problems",
                    [{"field": "entry_id", "problem": "not an entry of this hearing's transcript"}],
                )
        who = ctx.user
        row = TranscriptCorrection(
            hearing_id=hearing.id,
            participant_id=person.id,
            entry_id=body.entry_id,
            text=body.text,
            asked_at=utcnow(),
        )
        ctx.db.add(row)
        await ctx.db.flush()
        add_event(
            ctx.db,
            hearing.id,
            "correction_requested",
            who.label,
            None,
            "asked",
            {
                "participant_id": person.id,
                "correction_id": row.id,
                "entry_id": body.entry_id,
                "text": body.text,
            },
        )
        audit(
            ctx.db,
            who.label,
            "ask_transcript_correction",
            "transcript_correction",
            row.id,
            ctx.client_ip,
            {"hearing_id": hearing.id, "participant_id": person.id, "entry_id": body.entry_id},
        )
        await ctx.db.commit()
        return correction_out(row)


async def _signer(ctx: Ctx) -> tuple[Hearing, Participant]:
    """The hearing in the path and the person signing in it: the invitation's holder, or the
    detainee at the terminal's centre. 404/403 as for any hearing the caller does not see;
    403 for the bench (they do not sign here), a role that does not sign, or before the
    hearing is closed (``transcript_not_ready``)."""
    who = ctx.user
    hearing = await visible_hearing(ctx, ctx.ids["hearing_id"])
    if who.kind is PrincipalKind.USER:
        raise ApiError(
            403, "forbidden", "the bench follows the signatures in …/transcript/confirmations"
        )
    ctx.require(Action.SIGN_TRANSCRIPT)
    if who.kind is PrincipalKind.PARTICIPANT:
        person = await ctx.db.get(Participant, who.id)
        assert person is not None
    else:
        detainees = (
            await ctx.db.scalars(
                select(Participant).where(
                    Participant.hearing_id == hearing.id,
                    Participant.role == Role.DETAINEE,
                    Participant.detention_centre_id == who.centre_id,
                )
            )
        ).all()
        if len(detainees) != 1:
            raise ApiError(
                409,
                "several_detainees",
                "several detainees of this centre take part in this hearing: "
                "each signs with the court's help",
            )
        person = detainees[0]
    if hearing.state is not HearingState.CLOSED:
        raise ApiError(
            403,
            "transcript_not_ready",
            "the transcript is read and signed once the hearing is closed",
        )
    return hearing, person
