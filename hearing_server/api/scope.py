"""Which records a caller may see: staff their court's, participants their own hearing,
terminals the hearings of their detention centre's detainees; records of no court (courts,
detention centres) whoever's role may act on them."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import select

from court.bench import GRANTED_WRITES
from court.permissions import Action
from court.roles import Role
from hearing_server.api.errors import ApiError, not_found
from hearing_server.api.routing import Ctx
from hearing_server.auth import Principal, PrincipalKind
from hearing_server.bench_grants import holds_grant, holds_grant_in_case
from hearing_server.db.models import Base, Case, Hearing, Participant

Row = TypeVar("Row", bound=Base)


def sees_court(principal: Principal, court_id: int) -> bool:
    return principal.kind is PrincipalKind.USER and (
        principal.role is Role.ADMIN or principal.court_id == court_id
    )


async def get_or_404(ctx: Ctx, model: type[Row], row_id: int, what: str) -> Row:
    """The row of ``model`` with this id, for records that belong to no court (courts,
    detention centres): whoever passed the action's permission check sees them. 404 naming
    ``what`` when there is none."""
    row = await ctx.db.get(model, row_id)
    if row is None:
        raise not_found(what)
    return row


async def visible_case(ctx: Ctx, case_id: int) -> Case:
    case = await ctx.db.get(Case, case_id)
    if case is None or not sees_court(ctx.user, case.court_id):
        raise not_found(f"case {case_id}")
    return case


async def visible_hearing(ctx: Ctx, hearing_id: int, action: Action | None = None) -> Hearing:
    """The hearing if the caller may see it: 404 if it is not there, 403 if it is not theirs.
    A judge of another court sitting on it by a grant reads it, and takes ``action`` if it is
    one of ``court.bench.GRANTED_WRITES`` (403 for any other change)."""
    principal = ctx.user
    hearing = await ctx.db.get(Hearing, hearing_id)
    if hearing is None:
        raise not_found(f"hearing {hearing_id}")
    if principal.kind is PrincipalKind.PARTICIPANT:
        if principal.hearing_id != hearing.id:
            raise ApiError(403, "forbidden", "your invitation is for another hearing")
    elif principal.kind is PrincipalKind.TERMINAL:
        detainee = await ctx.db.scalar(
            select(Participant.id).where(
                Participant.hearing_id == hearing.id,
                Participant.role == Role.DETAINEE,
                Participant.detention_centre_id == principal.centre_id,
            )
        )
        if detainee is None:
            raise ApiError(
                403, "forbidden", "no detainee of this terminal's centre takes part in this hearing"
            )
    else:
        case = await ctx.db.get(Case, hearing.case_id)
        if case is None:
            raise not_found(f"hearing {hearing_id}")
        if not sees_court(principal, case.court_id):
            granted = principal.role is Role.JUDGE and await holds_grant(
                ctx.db, hearing.id, principal.id
            )
            if not granted:
                raise not_found(f"hearing {hearing_id}")
            if action not in GRANTED_WRITES:
                only_reads(ctx)
    return hearing


async def sits_on_case_by_grant(ctx: Ctx, principal: Principal, case: Case) -> bool:
    """A judge of another court who sits on a hearing of this case by a grant in force (they
    read its exhibits; ``only_reads``)."""
    if principal.role is not Role.JUDGE or principal.kind is not PrincipalKind.USER:
        return False
    if not await holds_grant_in_case(ctx.db, case.id, principal.id):
        return False
    only_reads(ctx)
    return True


def only_reads(ctx: Ctx) -> None:
    """A judge of another court on the panel reads the hearing's records; the hearing's own
    court changes them (403 for anything but a read)."""
    if ctx.request.method not in ("GET", "HEAD"):
        raise ApiError(
            403,
            "other_court",
            "you sit on this hearing's panel from another court: you read its records, and "
            "its own court manages them",
        )


async def hearing_for_action(
    ctx: Ctx, hearing_id: int, action: Action
) -> tuple[Hearing, Principal]:
    """The hearing, if the caller may see it (404/403 as for ``visible_hearing``), and the
    caller, if their role may take ``action`` in the hearing's present state (else 403)."""
    hearing = await visible_hearing(ctx, hearing_id, action)
    return hearing, ctx.require(action, hearing.state)


async def participant_for_action(ctx: Ctx, action: Action) -> tuple[Participant, Principal]:
    """The participant of the path's ``participant_id``, if the caller may take ``action`` in
    their hearing (404 for one the caller cannot see)."""
    participant = await ctx.db.get(Participant, ctx.ids["participant_id"])
    if participant is None:
        raise not_found(f"participant {ctx.ids['participant_id']}")
    _, who = await hearing_for_action(ctx, participant.hearing_id, action)
    return participant, who


def invitation_holder(ctx: Ctx) -> tuple[Principal, int]:
    """The caller, who must come with an invitation, and the hearing it is for: 403 for staff
    and terminals."""
    who = ctx.user
    if who.kind is not PrincipalKind.PARTICIPANT or who.hearing_id is None:
        raise ApiError(
            403, "forbidden", "send your invitation as `Authorization: Invitation <token>`"
        )
    return who, who.hearing_id
