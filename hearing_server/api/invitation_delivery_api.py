"""Invitations that reach people (docs/architecture.md#invitations): a participant's mail,
phone, language and zone; a new link sent by mail or SMS (hearing_server/invitation_delivery.py)
with each attempt listed for the clerk; the printable invitation with its QR code.

The server keeps only a link's hash, so a link is sent, or printed, at the moment it is made or
by whoever holds it: sending issues a new one (the old one stops working), and the PDF is drawn
for a token the caller shows."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from court.invitation_letter import Invitation, letter
from court.kinds import HearingKind
from court.permissions import Action
from hearing_server.api.errors import ApiError
from hearing_server.api.fields import Email, Language, Phone, TimeZoneName
from hearing_server.api.invitation_links import end_connection, new_invitation
from hearing_server.api.outputs import InvitationOut
from hearing_server.api.routing import Api, Binary, Ctx
from hearing_server.api.scope import hearing_for_action, participant_for_action
from hearing_server.audit import audit
from hearing_server.auth import Principal, PrincipalKind, token_hash
from hearing_server.db.delivery_rows import Channel, InvitationDelivery
from hearing_server.db.models import Case, Court, Hearing, Participant, utcnow
from hearing_server.invitation_delivery import INTERRUPTED_AFTER_SECONDS, Job
from hearing_server.invitation_pdf import invitation_pdf
from hearing_server.invitations import (
    InvitationStatus,
    invitation_status,
    invitation_url,
    needs_invitation,
)
from hearing_server.keys import INVITATION_SENDER, SETTINGS
from hearing_server.transcript_pdf.fonts import FontMissing

MAX_LISTED = 500


class ContactIn(BaseModel):
    """How to reach a participant; each left out (or null) is cleared."""

    model_config = ConfigDict(extra="forbid")
    email: Email | None = None
    phone: Phone | None = None
    language: Language | None = Field(
        default=None, description="Of their invitation (else the court's)."
    )
    time_zone: TimeZoneName | None = Field(
        default=None, description="Their own zone, when not the court's: both times are shown."
    )


class SendIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    channels: list[Channel] = Field(min_length=1, max_length=2)
    valid_hours: float | None = Field(default=None, gt=0, le=24 * 365)


class DeliveryOut(BaseModel):
    id: int
    participant_id: int
    participant_name: str
    channel: Channel
    address: str
    state: Literal["sending", "sent", "failed"]
    detail: str | None
    """Why it failed, in English; ``reason`` says it in a word the client translates."""
    reason: Literal["interrupted", "refused", "timeout", "unreachable", "other"] | None
    requested_by: str
    requested_at: datetime
    finished_at: datetime | None


class InvitationSent(BaseModel):
    invitation: InvitationOut
    deliveries: list[DeliveryOut]


class DeliveryList(BaseModel):
    items: list[DeliveryOut]


class ChannelsOut(BaseModel):
    mail: bool
    sms: bool


class TokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    token: str = Field(min_length=1, max_length=200)
    """The invitation's token (the part of its link after ``#``), as just issued."""


def known_zone(name: str | None) -> None:
    """422 for a zone name this machine does not know."""
    if name is None:
        return
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ApiError(
            422,
            "unknown_time_zone",
            f"{name!r} is not a known time zone (an IANA name such as Europe/Berlin)",
        ) from exc


def set_contact(participant: Participant, contact: ContactIn) -> None:
    participant.email = contact.email
    participant.phone = contact.phone
    participant.language = contact.language
    participant.time_zone = contact.time_zone


def contact_of(participant: Participant) -> ContactIn:
    return ContactIn(
        email=participant.email,
        phone=participant.phone,
        language=participant.language,
        time_zone=participant.time_zone,
    )


def _reason(row: InvitationDelivery) -> str | None:
    detail = row.detail or ""
    if row.state != "failed":
        return None
    if detail.startswith("the server stopped"):
        return "interrupted"
    if "refused" in detail or "answered" in detail:
        return "refused"
    if detail.startswith("no answer"):
        return "timeout"
    if detail.startswith("could not reach"):
        return "unreachable"
    return "other"


def delivery_out(row: InvitationDelivery, name: str) -> DeliveryOut:
    state, detail = row.state, row.detail
    if state == "sending" and utcnow() - row.requested_at > timedelta(
        seconds=INTERRUPTED_AFTER_SECONDS
    ):
        state, detail = "failed", "the server stopped before it was sent: send it again"
    shown = InvitationDelivery(state=state, detail=detail)
    return DeliveryOut(
        id=row.id,
        participant_id=row.participant_id,
        participant_name=name,
        channel=row.channel,
        address=row.address,
        state=state,
        detail=detail,
        reason=_reason(shown),
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


def register(api: Api) -> None:
    @api.route(
        "GET",
        "/invitation-channels",
        summary="Whether this server can send invitations by mail and by SMS",
        tag="participants",
        response=ChannelsOut,
    )
    async def channels(ctx: Ctx) -> ChannelsOut:
        ctx.require(Action.MANAGE_PARTICIPANTS)
        sender = ctx.request.app[INVITATION_SENDER]
        return ChannelsOut(mail=sender.can_send("mail"), sms=sender.can_send("sms"))

    @api.route(
        "PUT",
        "/participants/{participant_id}/contact",
        summary="Set how to reach a participant (mail, phone, language, time zone)",
        tag="participants",
        body=ContactIn,
        response=ContactIn,
    )
    async def put_contact(ctx: Ctx, body: ContactIn) -> ContactIn:
        participant, who = await participant_for_action(ctx, Action.MANAGE_PARTICIPANTS)
        known_zone(body.time_zone)
        set_contact(participant, body)
        audit(ctx.db, who.label, "set_contact", "participant", participant.id, ctx.client_ip)
        return contact_of(participant)

    @api.route(
        "POST",
        "/participants/{participant_id}/invitation/send",
        summary="Issue a new invitation (the old one stops working) and send it by mail or SMS",
        tag="participants",
        body=SendIn,
        response=InvitationSent,
        status=201,
        errors=(409,),
    )
    async def send(ctx: Ctx, body: SendIn) -> InvitationSent:
        participant, who = await participant_for_action(ctx, Action.MANAGE_PARTICIPANTS)
        if not needs_invitation(participant.role):
            raise ApiError(
                409, "no_invitation", f"a {participant.role} does not join by invitation"
            )
        check_channels(ctx, participant, body.channels)
        link = new_invitation(ctx, participant, body.valid_hours)
        audit(ctx.db, who.label, "issue_invitation", "participant", participant.id, ctx.client_ip)
        deliveries = await send_invitation(ctx, who, participant, link, body.channels)
        await end_connection(ctx, participant, "invitation_replaced")
        return InvitationSent(invitation=link, deliveries=deliveries)

    @api.route(
        "GET",
        "/hearings/{hearing_id}/invitation-deliveries",
        summary="The invitations sent by mail and SMS for a hearing, newest first",
        tag="participants",
        response=DeliveryList,
    )
    async def deliveries(ctx: Ctx) -> DeliveryList:
        hearing, _ = await hearing_for_action(
            ctx, ctx.ids["hearing_id"], Action.MANAGE_PARTICIPANTS
        )
        rows = await ctx.db.execute(
            select(InvitationDelivery, Participant.name)
            .join(Participant, Participant.id == InvitationDelivery.participant_id)
            .where(Participant.hearing_id == hearing.id)
            .order_by(InvitationDelivery.id.desc())
            .limit(MAX_LISTED)
        )
        return DeliveryList(items=[delivery_out(row, name) for row, name in rows])

    @api.route(
        "POST",
        "/participants/{participant_id}/invitation/pdf",
        summary="The printable invitation (PDF with the link's QR code) for a link just issued",
        tag="participants",
        body=TokenIn,
        binary=Binary("application/pdf", "the invitation, one A4 page"),
        errors=(409,),
    )
    async def staff_pdf(ctx: Ctx, body: TokenIn) -> web.StreamResponse:
        participant, who = await participant_for_action(ctx, Action.MANAGE_PARTICIPANTS)
        if (
            participant.invitation_token_hash != token_hash(body.token)
            or invitation_status(participant, utcnow()) is not InvitationStatus.ACTIVE
        ):
            raise ApiError(
                409,
                "stale_invitation",
                "this is not the participant's current link: issue a new one to print it",
            )
        audit(ctx.db, who.label, "print_invitation", "participant", participant.id, ctx.client_ip)
        return await _pdf(ctx, participant, body.token)

    @api.route(
        "GET",
        "/invitation/pdf",
        summary="The printable invitation of the invitation sent as `Authorization: Invitation`",
        tag="participants",
        binary=Binary("application/pdf", "the invitation, one A4 page"),
    )
    async def own_pdf(ctx: Ctx) -> web.StreamResponse:
        who = ctx.user
        token = ctx.request.headers.get("Authorization", "").partition(" ")[2].strip()
        if who.kind is not PrincipalKind.PARTICIPANT or not token:
            raise ApiError(
                403, "forbidden", "send your invitation as `Authorization: Invitation <token>`"
            )
        participant = await ctx.db.get(Participant, who.id)
        assert participant is not None
        audit(ctx.db, who.label, "print_invitation", "participant", participant.id, ctx.client_ip)
        return await _pdf(ctx, participant, token)


async def _pdf(ctx: Ctx, participant: Participant, token: str) -> web.StreamResponse:
    settings = ctx.request.app[SETTINGS]
    assert participant.invitation_expires_at is not None
    link = InvitationOut(
        token=token,
        url=invitation_url(settings.base_url, token),
        expires_at=participant.invitation_expires_at,
    )
    facts = await invitation_facts(ctx, participant, link)
    try:
        pdf = await asyncio.to_thread(invitation_pdf, facts.court, letter(facts), link.url)
    except FontMissing as exc:
        raise ApiError(503, "no_font", str(exc)) from exc
    return web.Response(
        body=pdf,
        content_type="application/pdf",
        headers={
            "Content-Disposition": 'attachment; filename="invitation.pdf"',
            "Cache-Control": "no-store",
        },
    )
