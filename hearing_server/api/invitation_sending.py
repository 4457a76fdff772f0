"""Sending a participant's invitation by mail or SMS from a request (docs/architecture.md#invitations),
shared by adding a participant and by sending again: the checks, the attempts' rows and the
jobs started once the request's changes are committed; and each attempt as the clerk sees it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, Field

from court.contacts import is_time_zone
from court.invitation_letter import Invitation
from court.kinds import HearingKind
from hearing_server.api.errors import ApiError
from hearing_server.api.fields import Email, Language, Phone, TimeZoneName
from hearing_server.api.outputs import InvitationOut
from hearing_server.api.routing import Ctx
from hearing_server.audit import audit
from hearing_server.auth import Principal
from hearing_server.db.delivery_rows import Channel, FailureReason, InvitationDelivery
from hearing_server.db.models import Case, Court, Hearing, Participant, utcnow
from hearing_server.invitation_delivery import INTERRUPTED_AFTER_SECONDS, Job
from hearing_server.keys import INVITATION_SENDER, SETTINGS


class ContactFields(BaseModel):
    """How to reach a participant, as a request gives it (adding them, or correcting it)."""

    email: Email | None = None
    phone: Phone | None = None
    language: Language | None = Field(
        default=None, description="Of their invitation (else the court's)."
    )
    time_zone: TimeZoneName | None = Field(
        default=None, description="Their own zone, when not the court's: both times are shown."
    )


def known_zone(name: str | None) -> None:
    """422 for a zone name this machine does not know (the schema checks only its shape)."""
    if name is not None and not is_time_zone(name):
        raise ApiError(
            422,
            "unknown_time_zone",
            f"{name!r} is not a known time zone (an IANA name such as Europe/Berlin)",
        )


class DeliveryOut(BaseModel):
    id: int
    participant_id: int
    participant_name: str
    channel: Channel
    address: str
    state: Literal["sending", "sent", "failed"]
    detail: str | None
    """Why it failed, in English; ``reason`` says it in a word the client translates."""
    reason: FailureReason | None
    requested_by: str
    requested_at: datetime
    finished_at: datetime | None


def delivery_out(row: InvitationDelivery, name: str) -> DeliveryOut:
    state, reason, detail = row.state, row.reason, row.detail
    if state == "sending" and utcnow() - row.requested_at > timedelta(
        seconds=INTERRUPTED_AFTER_SECONDS
    ):
        state, reason = "failed", "interrupted"
        detail = "the server stopped before it was sent: send it again"
    return DeliveryOut(
        id=row.id,
        participant_id=row.participant_id,
        participant_name=name,
        channel=row.channel,
        address=row.address,
        state=state,
        detail=detail,
        reason=reason,
        requested_by=row.requested_by,
        requested_at=row.requested_at,
        finished_at=row.finished_at,
    )


async def invitation_facts(ctx: Ctx, participant: Participant, link: InvitationOut) -> Invitation:
    settings = ctx.request.app[SETTINGS]
    hearing = await ctx.db.get(Hearing, participant.hearing_id)
    assert hearing is not None
    case = await ctx.db.get(Case, hearing.case_id)
    assert case is not None
    court = await ctx.db.get(Court, case.court_id)
    assert court is not None
    language = participant.language or ("en" if settings.court_language == "en" else "zh")
    return Invitation(
        court=court.name,
        case_number=case.number,
        case_title=case.title,
        kind=HearingKind(hearing.kind),
        start=hearing.scheduled_start,
        duration_minutes=hearing.duration_minutes,
        court_zone=settings.court_timezone,
        name=participant.name,
        role=participant.role,
        link=link.url,
        expires_at=link.expires_at,
        language=language,  # type: ignore[arg-type]  # "zh" or "en", checked when stored
        own_zone=participant.time_zone,
    )


def check_channels(ctx: Ctx, participant: Participant, channels: list[Channel]) -> None:
    """409 for a channel the server cannot send on or the participant has no address for."""
    sender = ctx.request.app[INVITATION_SENDER]
    for channel in dict.fromkeys(channels):
        if not sender.can_send(channel):
            what = "mail server" if channel == "mail" else "SMS gateway"
            raise ApiError(409, "channel_unavailable", f"this server has no {what} configured")
        if (participant.email if channel == "mail" else participant.phone) is None:
            what = "mail address" if channel == "mail" else "phone number"
            raise ApiError(409, "no_contact", f"{participant.name} has no {what} on record")


async def send_invitation(
    ctx: Ctx, who: Principal, participant: Participant, link: InvitationOut, channels: list[Channel]
) -> list[DeliveryOut]:
    """Record an attempt per channel and send them once the request's changes are committed
    (`check_channels` first)."""
    facts = await invitation_facts(ctx, participant, link)
    rows = [
        InvitationDelivery(
            participant_id=participant.id,
            channel=channel,
            address=participant.email if channel == "mail" else participant.phone,
            state="sending",
            requested_by=who.label,
        )
        for channel in dict.fromkeys(channels)
    ]
    ctx.db.add_all(rows)
    await ctx.db.flush()
    for row in rows:
        audit(
            ctx.db,
            who.label,
            f"send_invitation_{row.channel}",
            "participant",
            participant.id,
            ctx.client_ip,
        )
    jobs = [Job(row.id, row.channel, row.address, facts) for row in rows]  # type: ignore[arg-type]
    sender = ctx.request.app[INVITATION_SENDER]
    ctx.finishers.append(lambda _response: sender.start(jobs))
    return [delivery_out(row, participant.name) for row in rows]
