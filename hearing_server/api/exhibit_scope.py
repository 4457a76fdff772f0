"""Where a caller stands towards a case's exhibits (docs/architecture.md#exhibits): staff of
the case's court for the court's side, an invited participant for their side through the
hearing of the case their invitation is for. Which exhibits they see follows
``court.exhibits.sees_exhibit``; what concerns the case goes into the timeline of each of its
hearings still to be held or under way."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from court.exhibits import ExhibitSide, side_of
from court.permissions import Action
from court.roles import Role
from court.states import PLANNED, HearingState
from hearing_server.admission_events import admitted_now
from hearing_server.api.errors import ApiError, not_found
from hearing_server.api.routing import Ctx
from hearing_server.api.scope import sees_court, sits_on_case_by_grant
from hearing_server.auth import Principal, PrincipalKind
from hearing_server.db.models import (
    Case,
    Exhibit,
    Hearing,
    HearingEvent,
    Participant,
)
from hearing_server.exhibit_visibility import Exchange, case_exchange, seen_by


@dataclass(frozen=True)
class Standing:
    """A caller, the case they act on, and their place in it."""

    who: Principal
    case: Case
    side: ExhibitSide | None
    participant: Participant | None
    """Invited callers: their place in ``hearing``."""
    hearing: Hearing | None
    """Invited callers: the hearing their invitation is for (of this case)."""
    called: bool = False
    """A witness the court has admitted into the hearing now."""

    @property
    def state(self) -> HearingState | None:
        """The state the permission table checks: that of the caller's hearing; none for staff,
        who act on the case."""
        return None if self.hearing is None else self.hearing.state

    def require(self, ctx: Ctx, action: Action) -> None:
        ctx.require(action, self.state)


async def case_standing(ctx: Ctx, case_id: int) -> Standing:
    """The caller's standing on the case: 404 when it is not there or not theirs (another
    court, another hearing's case), 403 at a detention-centre terminal."""
    who = ctx.user
    case = await ctx.db.get(Case, case_id)
    if case is None:
        raise not_found(f"case {case_id}")
    if who.kind is PrincipalKind.TERMINAL:
        raise ApiError(
            403,
            "forbidden",
            "exhibits are not shown at a detention-centre terminal outside the hearing: "
            "it is shared by the centre's detainees",
        )
    if who.kind is PrincipalKind.USER:
        if not sees_court(who, case.court_id) and not await sits_on_case_by_grant(ctx, who, case):
            raise not_found(f"case {case_id}")
        return Standing(who, case, side_of(who.role, None), None, None)
    participant = await ctx.db.get(Participant, who.id)
    hearing = await ctx.db.get(Hearing, who.hearing_id)
    if participant is None or hearing is None or hearing.case_id != case.id:
        raise not_found(f"case {case_id}")
    called = participant.role is Role.WITNESS and await admitted_now(
        ctx.db, hearing, participant.id
    )
    side = side_of(participant.role, participant.side)
    return Standing(who, case, side, participant, hearing, called)


async def hearing_standing(ctx: Ctx, hearing_id: int) -> Standing:
    """As :func:`case_standing`, for the case of a hearing; a participant of another hearing
    is told so (403), as for the hearing itself."""
    hearing = await ctx.db.get(Hearing, hearing_id)
    if hearing is None:
        raise not_found(f"hearing {hearing_id}")
    who = ctx.user
    if who.kind is PrincipalKind.PARTICIPANT and who.hearing_id != hearing.id:
        raise ApiError(403, "forbidden", "your invitation is for another hearing")
    return await case_standing(ctx, hearing.case_id)


async def exhibit_standing(ctx: Ctx, exhibit_id: int) -> tuple[Exhibit, Standing, Exchange]:
    """The exhibit in the path, if the caller sees it (404 otherwise, whether it is not there
    or not theirs to see), with their standing and the case's exchange."""
    exhibit = await ctx.db.get(Exhibit, exhibit_id)
    if exhibit is None:
        raise not_found(f"exhibit {exhibit_id}")
    try:
        standing = await case_standing(ctx, exhibit.case_id)
    except ApiError as exc:
        if exc.status == 404:
            raise not_found(f"exhibit {exhibit_id}") from exc
        raise
    require_view(ctx, standing)
    exchange = await exchange_of(ctx, exhibit.case_id)
    if not sees(standing, exhibit, exchange):
        raise not_found(f"exhibit {exhibit_id}")
    return exhibit, standing, exchange


def require_view(ctx: Ctx, standing: Standing) -> None:
    """403 unless the caller's role sees exhibits at all (observers do not; a witness once
    called into the hearing)."""
    ctx.require(Action.VIEW_EXHIBITS)
    if standing.who.role is Role.WITNESS and not standing.called:
        raise ApiError(
            403, "forbidden", "a witness sees exhibits once the court calls them into the hearing"
        )


async def exchange_of(ctx: Ctx, case_id: int) -> Exchange:
    return await case_exchange(ctx.db, case_id)


def sees(standing: Standing, exhibit: Exhibit, exchange: Exchange) -> bool:
    """Whether the caller sees this exhibit now (court/exhibits.py's rule)."""
    return seen_by(standing.who.role, standing.side, standing.called, exhibit, exchange)


async def visible_exhibits(ctx: Ctx, standing: Standing) -> list[Exhibit]:
    """The case's exhibits the caller sees, by side and number."""
    require_view(ctx, standing)
    exchange = await exchange_of(ctx, standing.case.id)
    rows = await ctx.db.scalars(
        select(Exhibit)
        .where(Exhibit.case_id == standing.case.id)
        .order_by(Exhibit.side, Exhibit.number)
    )
    return [e for e in rows if sees(standing, e, exchange)]


async def case_event(
    ctx: Ctx,
    case_id: int,
    kind: str,
    actor: str,
    from_value: str | None = None,
    to_value: str | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    """Add a timeline event to every hearing of the case not yet over."""
    hearings = await ctx.db.scalars(
        select(Hearing.id).where(Hearing.case_id == case_id, Hearing.state.in_(PLANNED))
    )
    for hearing_id in hearings:
        ctx.db.add(
            HearingEvent(
                hearing_id=hearing_id,
                kind=kind,
                actor=actor,
                from_value=from_value,
                to_value=to_value,
                data=data,
            )
        )
