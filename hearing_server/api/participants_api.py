"""Participants of a hearing and their personal invitations."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field
from sqlalchemy import select

from court.exhibits import ExhibitSide, side_of
from court.interpretation import PAIR, pair_refusal
from court.kinds import RULES, HearingKind
from court.permissions import Action
from court.protocol import ConsentView
from court.roles import BENCH, REPRESENTATIVE_ROLES, Role
from court.states import HearingState
from hearing_server.api.creation import add_audited
from hearing_server.api.errors import ApiError
from hearing_server.api.fields import (
    Id,
    Language,
    Name,
)
from hearing_server.api.invitation_links import end_connection, new_invitation
from hearing_server.api.invitation_sending import (
    ContactFields,
    DeliveryOut,
    check_channels,
    known_zone,
    send_invitation,
)
from hearing_server.api.outputs import HearingList, HearingOut, InvitationOut, hearing_out
from hearing_server.api.queries import day_bounds
from hearing_server.api.routing import Api, Ctx
from hearing_server.api.scope import (
    hearing_for_action,
    invitation_holder,
    participant_for_action,
    visible_hearing,
)
from hearing_server.audit import audit
from hearing_server.auth import Principal, PrincipalKind
from hearing_server.consent import consent_view, latest_answers
from hearing_server.db.delivery_rows import Channel
from hearing_server.db.models import (
    Case,
    ConsentAnswer,
    Court,
    DetentionCentre,
    Hearing,
    Participant,
    User,
    utcnow,
)
from hearing_server.invitations import (
    InvitationStatus,
    invitation_status,
    needs_invitation,
    revoke_invitation,
)
from hearing_server.keys import SETTINGS


class ParticipantIn(ContactFields):
    """Who, in which role; how to reach them (their contact fields) and whether to send their
    invitation at once."""

    role: Role
    name: Name
    side: str | None = Field(default=None, max_length=64, description="e.g. plaintiff, defendant")
    represents_id: Id | None = Field(
        default=None, description="For an agent or counsel: the participant they act for."
    )
    user_id: Id | None = Field(
        default=None, description="For judges and clerks: their staff account."
    )
    detention_centre_id: Id | None = Field(
        default=None, description="For a detainee: the centre they appear from."
    )
    valid_hours: float | None = Field(
        default=None, gt=0, le=24 * 365, description="Invitation lifetime."
    )
    presiding: bool = Field(
        default=False,
        description="For a judge, before the hearing opens: they preside (审判长) instead of "
        "the judge who did.",
    )
    interprets: str | None = Field(
        default=None,
        pattern=PAIR,
        description="An interpreter's language pair, e.g. zh-en or zh-csl (sign language).",
    )
    send: list[Channel] = Field(
        default_factory=list,
        max_length=2,
        description="Send the invitation at once by mail and/or SMS.",
    )


class InvitationIn(BaseModel):
    valid_hours: float | None = Field(default=None, gt=0, le=24 * 365)


class ParticipantOut(BaseModel):
    id: int
    hearing_id: int
    role: Role
    name: str
    side: str | None
    represents_id: int | None
    user_id: int | None
    detention_centre_id: int | None
    invitation_status: InvitationStatus
    invitation_expires_at: datetime | None
    identity_verified_at: datetime | None
    presiding: bool
    """The judge who presides (审判长); the hearing's first judge unless another was named."""
    consent: ConsentView | None
    """Their answer on taking part online (court/consent.py); none for roles not asked."""
    email: str | None
    phone: str | None
    language: str | None
    time_zone: str | None
    interprets: str | None
    """An interpreter's language pair (court/interpretation.py)."""


class ParticipantCreated(BaseModel):
    participant: ParticipantOut
    invitation: InvitationOut | None
    deliveries: list[DeliveryOut]
    """The invitation's sending by mail or SMS, when asked for."""


class ParticipantList(BaseModel):
    items: list[ParticipantOut]


class InvitationInfo(BaseModel):
    """What an invitation's holder is shown before joining."""

    court: str
    case_number: str
    case_title: str
    hearing: HearingOut
    participant_id: int
    name: str
    role: Role
    exhibit_side: ExhibitSide | None
    """The side whose list this person's exhibits go on (and whose opinions they give); none
    for those who submit no evidence."""
    court_time_zone: str
    """The court's IANA zone: times are shown in it, and in the person's own beside it."""
    time_zone: str | None
    """The person's own zone, as the court recorded it (else the browser's is used)."""
    language: Language | None
    """The language the court recorded for them: the page starts in it unless they chose."""


def participant_out(p: Participant, consent: ConsentAnswer | None = None) -> ParticipantOut:
    """``consent``: their latest answer on taking part online, if they gave one."""
    return ParticipantOut(
        id=p.id,
        hearing_id=p.hearing_id,
        role=p.role,
        name=p.name,
        side=p.side,
        represents_id=p.represents_id,
        user_id=p.user_id,
        detention_centre_id=p.detention_centre_id,
        invitation_status=invitation_status(p, utcnow()),
        invitation_expires_at=p.invitation_expires_at,
        identity_verified_at=p.identity_verified_at,
        presiding=p.presiding,
        consent=consent_view(p.role, consent),
        email=p.email,
        phone=p.phone,
        language=p.language,
        time_zone=p.time_zone,
        interprets=p.interprets,
    )


def register(api: Api) -> None:
    _register_participants(api)
    _register_invitations(api)
    _register_terminal(api)


def _register_participants(api: Api) -> None:
    @api.route(
        "POST",
        "/hearings/{hearing_id}/participants",
        summary="Add a participant (and invite them)",
        tag="participants",
        body=ParticipantIn,
        response=ParticipantCreated,
        status=201,
    )
    async def add_participant(ctx: Ctx, body: ParticipantIn) -> ParticipantCreated:
        hearing_id = ctx.ids["hearing_id"]
        hearing, who = await hearing_for_action(ctx, hearing_id, Action.MANAGE_PARTICIPANTS)
        await _check_participant(ctx, hearing, body)
        participant = Participant(
            hearing_id=hearing.id,
            role=body.role,
            name=body.name,
            side=body.side,
            represents_id=body.represents_id,
            user_id=body.user_id,
            detention_centre_id=body.detention_centre_id,
            presiding=body.presiding,
            email=body.email,
            phone=body.phone,
            language=body.language,
            time_zone=body.time_zone,
            interprets=body.interprets,
        )
        known_zone(body.time_zone)
        if body.send:
            if not needs_invitation(body.role):
                raise ApiError(409, "no_invitation", f"a {body.role} does not join by invitation")
            check_channels(ctx, participant, body.send)
        await _settle_presiding(ctx, hearing, participant)
        invitation = (
            new_invitation(ctx, participant, body.valid_hours)
            if needs_invitation(body.role)
            else None
        )
        await add_audited(
            ctx, who, participant, "add_participant", "participant", {"role": body.role}
        )
        deliveries = (
            await send_invitation(ctx, who, participant, invitation, body.send)
            if invitation is not None and body.send
            else []
        )
        return ParticipantCreated(
            participant=participant_out(participant), invitation=invitation, deliveries=deliveries
        )

    @api.route(
        "GET",
        "/hearings/{hearing_id}/participants",
        summary="A hearing's participants",
        tag="participants",
        response=ParticipantList,
    )
    async def list_participants(ctx: Ctx) -> ParticipantList:
        hearing = await visible_hearing(ctx, ctx.ids["hearing_id"])
        ctx.require(Action.VIEW_RECORDS)
        rows = list(
            await ctx.db.scalars(
                select(Participant)
                .where(Participant.hearing_id == hearing.id)
                .order_by(Participant.id)
            )
        )
        answers = await latest_answers(ctx.db, [p.id for p in rows])
        return ParticipantList(items=[participant_out(p, answers.get(p.id)) for p in rows])


def _register_invitations(api: Api) -> None:
    @api.route(
        "POST",
        "/participants/{participant_id}/invitation",
        summary="Issue a new invitation (the old one stops working)",
        tag="participants",
        body=InvitationIn,
        response=InvitationOut,
        status=201,
    )
    async def reissue_invitation(ctx: Ctx, body: InvitationIn) -> InvitationOut:
        participant, who = await _managed_participant(ctx)
        if not needs_invitation(participant.role):
            raise ApiError(
                409, "no_invitation", f"a {participant.role} does not join by invitation"
            )
        invitation = new_invitation(ctx, participant, body.valid_hours)
        audit(ctx.db, who.label, "issue_invitation", "participant", participant.id, ctx.client_ip)
        await end_connection(ctx, participant, "invitation_replaced")
        return invitation

    @api.route(
        "DELETE",
        "/participants/{participant_id}/invitation",
        summary="Withdraw an invitation",
        tag="participants",
        status=204,
    )
    async def revoke(ctx: Ctx) -> None:
        participant, who = await _managed_participant(ctx)
        if participant.invitation_token_hash is None:
            raise ApiError(409, "no_invitation", "this participant has no invitation to withdraw")
        revoke_invitation(participant)
        audit(ctx.db, who.label, "revoke_invitation", "participant", participant.id, ctx.client_ip)
        await end_connection(ctx, participant, "invitation_withdrawn")

    @api.route(
        "GET",
        "/invitation",
        summary="The hearing an invitation is for",
        tag="participants",
        response=InvitationInfo,
    )
    async def invitation_info(ctx: Ctx) -> InvitationInfo:
        who, hearing_id = invitation_holder(ctx)
        hearing = await ctx.db.get(Hearing, hearing_id)
        assert hearing is not None
        case = await ctx.db.get(Case, hearing.case_id)
        assert case is not None
        court = await ctx.db.get(Court, case.court_id)
        assert court is not None
        participant = await ctx.db.get(Participant, who.id)
        assert participant is not None
        audit(ctx.db, who.label, "open_invitation", "hearing", hearing.id, ctx.client_ip)
        return InvitationInfo(
            court=court.name,
            case_number=case.number,
            case_title=case.title,
            hearing=hearing_out(hearing, case),
            participant_id=who.id,
            name=who.name,
            role=who.role,
            exhibit_side=side_of(participant.role, participant.side),
            court_time_zone=ctx.request.app[SETTINGS].court_timezone,
            time_zone=participant.time_zone,
            language=participant.language if participant.language in ("zh", "en") else None,
        )


def _register_terminal(api: Api) -> None:
    @api.route(
        "GET",
        "/terminal/hearings",
        summary="Today's hearings for this terminal's centre",
        tag="terminal",
        response=HearingList,
    )
    async def terminal_hearings(ctx: Ctx) -> HearingList:
        who = ctx.user
        if who.kind is not PrincipalKind.TERMINAL:
            raise ApiError(
                403, "forbidden", "only a detention-centre terminal has a hearing list of its own"
            )
        start, end = day_bounds(utcnow().astimezone(ctx.request.app[SETTINGS].zone).date(), ctx)
        rows = await ctx.db.execute(
            select(Hearing, Case)
            .join(Case, Hearing.case_id == Case.id)
            .join(Participant, Participant.hearing_id == Hearing.id)
            .where(
                Participant.role == Role.DETAINEE,
                Participant.detention_centre_id == who.centre_id,
                Hearing.scheduled_start >= start,
                Hearing.scheduled_start < end,
                Hearing.state != HearingState.CANCELLED,
            )
            .order_by(Hearing.scheduled_start)
            .distinct()
        )
        return HearingList(items=[hearing_out(h, c) for h, c in rows])


async def _managed_participant(ctx: Ctx) -> tuple[Participant, Principal]:
    return await participant_for_action(ctx, Action.MANAGE_PARTICIPANTS)


async def _settle_presiding(ctx: Ctx, hearing: Hearing, judge: Participant) -> None:
    """One judge presides: a judge added as presiding takes it from the one who did; the
    first judge of a hearing that has none presides."""
    if judge.role is not Role.JUDGE:
        return
    presiding = list(
        await ctx.db.scalars(
            select(Participant).where(
                Participant.hearing_id == hearing.id, Participant.presiding.is_(True)
            )
        )
    )
    if judge.presiding:
        for other in presiding:
            other.presiding = False
    elif not presiding:
        judge.presiding = True


async def _check_participant(ctx: Ctx, hearing: Hearing, body: ParticipantIn) -> None:
    """Refuse a participant the hearing's kind, publicity or the records do not allow."""
    rules = RULES[HearingKind(hearing.kind)]
    if body.role not in rules.roles:
        raise ApiError(422, "invalid_request", f"a {hearing.kind} has no {body.role}")
    if body.role is Role.OBSERVER and not hearing.public:
        raise ApiError(422, "invalid_request", "observers may only attend public hearings")
    if body.role in BENCH:
        if body.user_id is None:
            raise ApiError(
                422,
                "invalid_request",
                f"a {body.role} takes part with their staff account: give user_id",
            )
        user = await ctx.db.get(User, body.user_id)
        if user is None or user.role is not body.role:
            raise ApiError(422, "invalid_request", f"user {body.user_id} is not a {body.role}")
        case = await ctx.db.get(Case, hearing.case_id)
        if case is None or user.court_id != case.court_id:
            raise ApiError(
                422,
                "invalid_request",
                f"user {body.user_id} is of another court: a judge of another court sits on "
                "the panel through a grant (POST /hearings/{id}/bench-grants)",
            )
    elif body.user_id is not None:
        raise ApiError(
            422, "invalid_request", "only judges and clerks are linked to staff accounts"
        )
    if body.interprets is not None:
        if body.role is not Role.INTERPRETER:
            raise ApiError(422, "invalid_request", "only an interpreter has a language pair")
        refused = pair_refusal(body.interprets)
        if refused is not None:
            raise ApiError(422, "invalid_request", refused)
    if body.presiding and body.role is not Role.JUDGE:
        raise ApiError(422, "invalid_request", "only a judge presides")
    if body.presiding and hearing.state is not HearingState.SCHEDULED:
        raise ApiError(
            409,
            "hearing_live",
            "the hearing has opened: the presiding judge hands it over in the hearing",
        )
    if body.role is Role.DETAINEE:
        if (
            body.detention_centre_id is None
            or await ctx.db.get(DetentionCentre, body.detention_centre_id) is None
        ):
            raise ApiError(
                422,
                "invalid_request",
                "a detainee appears from a detention centre: give a valid detention_centre_id",
            )
    elif body.detention_centre_id is not None:
        raise ApiError(422, "invalid_request", "only detainees appear from a detention centre")
    if body.represents_id is not None:
        if body.role not in REPRESENTATIVE_ROLES:
            raise ApiError(
                422, "invalid_request", "only agents and counsel act for another participant"
            )
        client = await ctx.db.get(Participant, body.represents_id)
        if client is None or client.hearing_id != hearing.id:
            raise ApiError(
                422, "invalid_request", f"participant {body.represents_id} is not in this hearing"
            )
