"""A mediation agreement (调解协议; court/agreement.py, docs/architecture.md#mediation-agreement):
the bench writes its text while the mediation is live or after it closed, each change naming the
version it edits; each party and agent of the case signs it online with their name and a drawn
signature (checked as the transcript's are), naming the digest of the text they read; the court
closes it. Every step is on the hearing's timeline, by digest."""

from __future__ import annotations

import asyncio
import base64
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from court.agreement import SIGNERS, TEXT_LIMIT, agreement_digest
from court.kinds import HearingKind
from court.permissions import Action
from court.roles import Role
from court.states import HearingState
from hearing_server.api.errors import ApiError
from hearing_server.api.fields import PROSE
from hearing_server.api.routing import Api, Ctx
from hearing_server.api.scope import hearing_for_action, visible_hearing
from hearing_server.api.transcript_signing_models import (
    IMAGE_BASE64,
    SIGNATURE_BODY,
    Digest,
    SignerName,
)
from hearing_server.audit import audit
from hearing_server.auth import Principal
from hearing_server.db.agreement_rows import AgreementRow, AgreementSignature
from hearing_server.db.models import Hearing, HearingEvent, Participant, utcnow
from hearing_server.keys import DATABASE, SETTINGS
from hearing_server.records.agreement_seal import seal_agreement
from hearing_server.records.archive import recording_storage
from hearing_server.signature_images import BadSignature, check_signature

AgreementText = Annotated[
    str, Field(min_length=1, max_length=TEXT_LIMIT, json_schema_extra={"pattern": PROSE})
]


class AgreementIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: AgreementText
    version: int = Field(ge=0, le=10**6)
    """The version edited (0 for the first text): a text changed meanwhile is refused (409)."""


class AgreementSignatureIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: SignerName
    image: str = Field(min_length=1, max_length=IMAGE_BASE64, json_schema_extra={"format": "byte"})
    """The signature as drawn: a PNG, base64 (as for the transcript)."""
    digest: Digest
    """The digest of the text read (AgreementOut.digest)."""


class AgreementSigner(BaseModel):
    participant_id: int
    name: str
    role: Role
    signed_at: datetime | None
    """When they signed this text (none: not yet, or only an earlier text)."""
    signed_earlier: bool
    """They signed an earlier text, and not this one yet."""


class AgreementOut(BaseModel):
    hearing_id: int
    text: str
    version: int
    digest: str
    written_by: str
    written_at: datetime
    closed_at: datetime | None
    sealed_sha256: str | None
    """The SHA-256 of the agreement's document sealed with the recording, once closed (none
    when the hearing recorded nothing)."""
    signers: list[AgreementSigner]
    """The bench sees everyone's; a signer their own."""


def _refuse_kind(hearing: Hearing) -> None:
    if hearing.kind is not HearingKind.MEDIATION:
        raise ApiError(422, "invalid_request", "only a mediation has an agreement")


async def _agreement(ctx: Ctx, hearing_id: int) -> AgreementRow:
    row = await ctx.db.get(AgreementRow, hearing_id, with_for_update=True)
    if row is None:
        raise ApiError(404, "no_agreement", "no agreement is written for this hearing yet")
    return row


async def _out(ctx: Ctx, row: AgreementRow, only: int | None = None) -> AgreementOut:
    digest = agreement_digest(row.text)
    people = await ctx.db.scalars(
        select(Participant)
        .where(Participant.hearing_id == row.hearing_id, Participant.role.in_(SIGNERS))
        .order_by(Participant.id)
    )
    signatures = list(
        await ctx.db.scalars(
            select(AgreementSignature)
            .where(AgreementSignature.hearing_id == row.hearing_id)
            .order_by(AgreementSignature.id)
        )
    )
    signers = []
    for person in people:
        if only is not None and person.id != only:
            continue
        theirs = [s for s in signatures if s.participant_id == person.id]
        current = next((s for s in theirs if s.digest == digest), None)
        signers.append(
            AgreementSigner(
                participant_id=person.id,
                name=person.name,
                role=person.role,
                signed_at=current.signed_at if current else None,
                signed_earlier=current is None and bool(theirs),
            )
        )
    return AgreementOut(
        hearing_id=row.hearing_id,
        text=row.text,
        version=row.version,
        digest=digest,
        written_by=row.written_by,
        written_at=row.written_at,
        closed_at=row.closed_at,
        sealed_sha256=row.sealed_sha256,
        signers=signers,
    )


def _on_timeline(
    ctx: Ctx, who: Principal, hearing_id: int, kind: str, data: dict[str, object]
) -> None:
    ctx.db.add(
        HearingEvent(hearing_id=hearing_id, at=utcnow(), kind=kind, actor=who.label, data=data)
    )
    audit(ctx.db, who.label, kind, "hearing", hearing_id, ctx.client_ip, data)


async def _document(ctx: Ctx, row: AgreementRow, out: AgreementOut) -> dict[str, Any]:
    """What is sealed: the text as closed and every signature given, with its picture."""
    signatures = await ctx.db.scalars(
        select(AgreementSignature)
        .where(AgreementSignature.hearing_id == row.hearing_id)
        .order_by(AgreementSignature.id)
    )
    return {
        "format": "hearing-agreement/1",
        "hearing_id": row.hearing_id,
        "text": row.text,
        "version": row.version,
        "digest": out.digest,
        "written_by": row.written_by,
        "written_at": row.written_at.isoformat(),
        "closed_at": row.closed_at.isoformat() if row.closed_at else None,
        "closed_by": row.closed_by,
        "signatures": [
            {
                "participant_id": s.participant_id,
                "name": s.name,
                "digest": s.digest,
                "of_closed_text": s.digest == out.digest,
                "signed_at": s.signed_at.isoformat(),
                "signed_by": s.signed_by,
                "image_sha256": s.image_sha256,
                "image_png_base64": base64.b64encode(s.image).decode(),
            }
            for s in signatures
        ],
    }


def _refuse_closed(row: AgreementRow) -> None:
    if row.closed_at is not None:
        raise ApiError(409, "agreement_closed", "the court closed this agreement")


def register(api: Api) -> None:
    @api.route(
        "PUT",
        "/hearings/{hearing_id}/agreement",
        summary="Write or change a mediation's agreement (naming the version changed)",
        tag="agreement",
        body=AgreementIn,
        response=AgreementOut,
        errors=(409,),
    )
    async def write(ctx: Ctx, body: AgreementIn) -> AgreementOut:
        hearing, who = await hearing_for_action(ctx, ctx.ids["hearing_id"], Action.WRITE_AGREEMENT)
        _refuse_kind(hearing)
        row = await ctx.db.get(AgreementRow, hearing.id, with_for_update=True)
        current = 0 if row is None else row.version
        if body.version != current:
            raise ApiError(
                409,
                "agreement_changed",
                f"the agreement is at version {current}, not {body.version}: read it again",
            )
        if row is None:
            row = AgreementRow(hearing_id=hearing.id, text=body.text, version=1, written_by="")
            ctx.db.add(row)
        else:
            _refuse_closed(row)
            row.text, row.version = body.text, row.version + 1
        row.written_by, row.written_at = who.label, utcnow()
        digest = agreement_digest(body.text)
        _on_timeline(
            ctx, who, hearing.id, "agreement_written", {"version": row.version, "digest": digest}
        )
        await ctx.db.flush()
        return await _out(ctx, row)

    @api.route(
        "GET",
        "/hearings/{hearing_id}/agreement",
        summary="A mediation's agreement: its text and who signed it (a signer sees their own)",
        tag="agreement",
        response=AgreementOut,
    )
    async def read(ctx: Ctx) -> AgreementOut:
        hearing = await visible_hearing(ctx, ctx.ids["hearing_id"])
        who = ctx.user
        if who.role not in SIGNERS:
            ctx.require(Action.VIEW_RECORDS)
        row = await _agreement(ctx, hearing.id)
        return await _out(ctx, row, only=who.id if who.role in SIGNERS else None)

    @api.route(
        "POST",
        "/hearings/{hearing_id}/agreement/signature",
        summary="Sign the agreement read (its digest) with a drawn signature and one's name",
        tag="agreement",
        body=AgreementSignatureIn,
        response=AgreementOut,
        status=201,
        errors=(409,),
        body_limit=SIGNATURE_BODY,
    )
    async def sign(ctx: Ctx, body: AgreementSignatureIn) -> AgreementOut:
        hearing, who = await hearing_for_action(ctx, ctx.ids["hearing_id"], Action.SIGN_AGREEMENT)
        row = await _agreement(ctx, hearing.id)
        _refuse_closed(row)
        digest = agreement_digest(row.text)
        if body.digest != digest:
            raise ApiError(
                409,
                "agreement_changed",
                "the agreement has changed since you read it: read it again, then sign",
                [{"field": "digest", "digest": digest}],
            )
        already = await ctx.db.scalar(
            select(AgreementSignature.id).where(
                AgreementSignature.hearing_id == hearing.id,
                AgreementSignature.participant_id == who.id,
                AgreementSignature.digest == digest,
            )
        )
        if already is not None:
            raise ApiError(409, "already_signed", "you signed this agreement already")
        try:
            picture = await asyncio.to_thread(check_signature, body.image)
        except BadSignature as exc:
            raise ApiError(422, "bad_signature", str(exc), [{"field": "image"}]) from exc
        ctx.db.add(
            AgreementSignature(
                hearing_id=hearing.id,
                participant_id=who.id,
                name=body.name,
                digest=digest,
                signed_at=utcnow(),
                signed_by=who.label,
                image=picture.png,
                image_sha256=picture.sha256,
            )
        )
        _on_timeline(
            ctx,
            who,
            hearing.id,
            "agreement_signed",
            {"participant_id": who.id, "digest": digest, "image_sha256": picture.sha256},
        )
        await ctx.db.flush()
        return await _out(ctx, row, only=who.id)

    @api.route(
        "POST",
        "/hearings/{hearing_id}/agreement/close",
        summary="Close the agreement: no change or signature after",
        tag="agreement",
        response=AgreementOut,
        errors=(409,),
    )
    async def close(ctx: Ctx) -> AgreementOut:
        hearing, who = await hearing_for_action(ctx, ctx.ids["hearing_id"], Action.WRITE_AGREEMENT)
        row = await _agreement(ctx, hearing.id)
        _refuse_closed(row)
        if hearing.state is not HearingState.CLOSED:
            raise ApiError(
                409,
                "hearing_not_closed",
                "close the hearing first: the agreement is sealed with its record",
            )
        out = await _out(ctx, row)
        row.closed_at, row.closed_by = utcnow(), who.label
        signed = [s.participant_id for s in out.signers if s.signed_at is not None]
        _on_timeline(
            ctx, who, hearing.id, "agreement_closed", {"digest": out.digest, "signed": signed}
        )
        document = await _document(ctx, row, out)
        await ctx.db.commit()  # closed first: the seal holds the manifest in a session of its own
        settings = ctx.request.app[SETTINGS]
        row.sealed_sha256 = await seal_agreement(
            ctx.request.app[DATABASE],
            recording_storage(settings),
            settings.signing_key_path,
            hearing.id,
            document,
        )
        return await _out(ctx, row)
