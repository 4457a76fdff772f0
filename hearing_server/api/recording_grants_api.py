"""The court's grants to parties: a judge or clerk lets a participant of the hearing
retrieve its recording (with a new invitation link to sign in with, if asked), or withdraws
that. Who may be granted follows the permission table
(docs/architecture.md#roles-and-permissions). Both are audited."""

from __future__ import annotations

from pydantic import BaseModel, Field
from sqlalchemy import select

from court.kinds import RULES
from court.permissions import Action, check
from court.roles import BENCH, Role
from hearing_server.api.errors import ApiError, not_found
from hearing_server.api.fields import Id
from hearing_server.api.invitation_links import new_invitation
from hearing_server.api.outputs import GrantOut, InvitationOut, grant_out
from hearing_server.api.recording_access import Access, retrieve
from hearing_server.api.routing import Api, Ctx
from hearing_server.audit import audit
from hearing_server.db.models import Participant, RecordingGrant


class GrantIn(BaseModel):
    participant_id: Id
    invitation_hours: float | None = Field(
        default=None,
        gt=0,
        le=24 * 365,
        description="Also issue a new invitation link valid this long (the old one stops "
        "working): after the hearing, a link serves only to retrieve what was granted.",
    )


class GrantCreated(BaseModel):
    grant: GrantOut
    invitation: InvitationOut | None


def register(api: Api) -> None:
    @api.route(
        "POST",
        "/recordings/{recording_id}/grants",
        summary="Let a participant of the hearing retrieve this recording",
        tag="recordings",
        body=GrantIn,
        response=GrantCreated,
        status=201,
    )
    async def grant_access(ctx: Ctx, body: GrantIn) -> GrantCreated:
        ctx.require(Action.GRANT_RECORDING_ACCESS)
        access = await retrieve(ctx)
        recording, who = access.recording, access.who
        participant = await _grantee(ctx, access, body.participant_id)
        existing = await ctx.db.scalar(
            select(RecordingGrant.id).where(
                RecordingGrant.recording_id == recording.id,
                RecordingGrant.participant_id == participant.id,
            )
        )
        if existing is not None:
            raise ApiError(409, "already_granted", f"{participant.name} already has access")
        grant = RecordingGrant(
            recording_id=recording.id, participant_id=participant.id, granted_by=who.label
        )
        ctx.db.add(grant)
        invitation = (
            new_invitation(ctx, participant, body.invitation_hours)
            if body.invitation_hours is not None
            else None
        )
        await ctx.db.flush()
        audit(
            ctx.db,
            who.label,
            "grant_recording_access",
            "recording",
            recording.id,
            ctx.client_ip,
            {
                "participant_id": participant.id,
                "role": participant.role,
                "new_invitation": invitation is not None,
            },
        )
        return GrantCreated(grant=grant_out(grant, participant), invitation=invitation)

    @api.route(
        "DELETE",
        "/recordings/{recording_id}/grants/{participant_id}",
        summary="Withdraw a participant's access to this recording",
        tag="recordings",
        status=204,
    )
    async def revoke_access(ctx: Ctx) -> None:
        ctx.require(Action.GRANT_RECORDING_ACCESS)
        access = await retrieve(ctx)
        grant = await ctx.db.scalar(
            select(RecordingGrant).where(
                RecordingGrant.recording_id == access.recording.id,
                RecordingGrant.participant_id == ctx.ids["participant_id"],
            )
        )
        if grant is None:
            raise not_found(f"a grant to participant {ctx.ids['participant_id']}")
        await ctx.db.delete(grant)
        audit(
            ctx.db,
            access.who.label,
            "revoke_recording_access",
            "recording",
            access.recording.id,
            ctx.client_ip,
            {"participant_id": grant.participant_id},
        )


async def _grantee(ctx: Ctx, access: Access, participant_id: int) -> Participant:
    """The participant to be granted: one of the recording's hearing whom a grant can serve."""
    if RULES[access.hearing.kind].internal:
        raise ApiError(
            409,
            "internal_record",
            f"a {access.hearing.kind}'s recording is the court's sealed internal record: "
            "it is never granted",
        )
    participant = await ctx.db.get(Participant, participant_id)
    if participant is None or participant.hearing_id != access.hearing.id:
        raise ApiError(
            422,
            "invalid_request",
            f"participant {participant_id} is not in this recording's hearing",
        )
    _check_grantable(participant)
    return participant


def _check_grantable(participant: Participant) -> None:
    """Only those the permission table (docs/architecture.md#roles-and-permissions) lets
    retrieve a recording when the court allows it, and who can sign in on their own to do so."""
    if participant.role in BENCH:
        raise ApiError(
            422, "invalid_request", f"a {participant.role} retrieves recordings without a grant"
        )
    if participant.role is Role.DETAINEE:
        raise ApiError(
            422,
            "invalid_request",
            "a detainee has no sign-in of their own (the centre's terminal is shared): "
            "grant their counsel instead",
        )
    if not check(participant.role, Action.RETRIEVE_RECORDINGS):
        raise ApiError(422, "invalid_request", f"a {participant.role} never retrieves recordings")
