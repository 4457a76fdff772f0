"""Invitations that reach people (docs/architecture.md#invitations): a participant's mail,
phone, language and zone; a new link sent by mail or SMS (hearing_server/invitation_delivery.py)
with each attempt listed for the clerk; the printable invitation with its QR code.

The server keeps only a link's hash, so a link is sent, or printed, at the moment it is made or
by whoever holds it: sending issues a new one (the old one stops working), and the PDF is drawn
for a token the caller shows."""

from __future__ import annotations

import asyncio

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from court.invitation_letter import letter
from court.permissions import Action
from hearing_server.api.errors import ApiError
from hearing_server.api.invitation_links import end_connection, new_invitation
from hearing_server.api.invitation_sending import (
    ContactFields,
    DeliveryOut,
    check_channels,
    delivery_out,
    invitation_facts,
    known_zone,
    send_invitation,
)
from hearing_server.api.outputs import InvitationOut
from hearing_server.api.routing import Api, Binary, Ctx
from hearing_server.api.scope import (
    hearing_for_action,
    invitation_holder,
    participant_for_action,
)
from hearing_server.audit import audit
from hearing_server.auth import token_hash
from hearing_server.db.delivery_rows import Channel, InvitationDelivery
from hearing_server.db.models import Participant, utcnow
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


class ContactIn(ContactFields):
    """How to reach a participant; each left out (or null) is cleared."""

    model_config = ConfigDict(extra="forbid")


class SendIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    channels: list[Channel] = Field(min_length=1, max_length=2)
    valid_hours: float | None = Field(default=None, gt=0, le=24 * 365)


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
        who, _ = invitation_holder(ctx)
        # the holder's own token, as the principal was read from it
        token = ctx.request.headers.get("Authorization", "").partition(" ")[2].strip()
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
