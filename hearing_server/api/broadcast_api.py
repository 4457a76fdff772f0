"""Public broadcast (court/broadcast.py, docs/architecture.md#public-broadcast): the presiding
judge cuts and resumes it (timeline entries the hearing's broadcast process follows), the
bench sees its state, and anyone, without logging in, lists a court's public hearings and
opens one's page.

A hearing that is not broadcast has no public page: the answer is the same 404 as for one
that does not exist, and says nothing about it. Every viewer's page polls the hearing's page,
so each process answers it from what it answered in the last PAGE_SECONDS (a cut or resume
made here is seen at once; one made on another process within PAGE_SECONDS). The public sees the case's number and cause
of action, never its title (which may name the parties), nor anyone's name but in the picture.
"""

from __future__ import annotations

import time
from datetime import datetime

from pydantic import BaseModel, ConfigDict, StrictBool
from sqlalchemy import select

from court.broadcast import Slate, broadcastable, slate_for
from court.kinds import KIND_LABELS, RULES, HearingKind
from court.permissions import Action
from court.states import HearingState
from hearing_server.api.errors import ApiError, not_found
from hearing_server.api.outputs import HearingOut, hearing_out
from hearing_server.api.routing import Api, Ctx
from hearing_server.api.scope import hearing_for_action, visible_hearing
from hearing_server.audit import audit
from hearing_server.broadcasts import EVENT, hearing_output, playlist_address
from hearing_server.db.models import Case, Court, Hearing, HearingEvent, Participant, utcnow
from hearing_server.keys import BROADCASTS, PUBLIC_PAGES, SETTINGS
from recording.broadcast.playlist import PLAYLIST

MAX_LISTED = 200
PAGE_SECONDS = 2.0
"""How long a public hearing's page is answered again without asking the database."""


class BroadcastIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    cut: StrictBool
    """True: cut the broadcast now (what the public has not seen yet is withheld); False:
    resume it."""


class PublicIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    public: StrictBool
    """True: the hearing is public and broadcast; False: it is kept off the public web."""


class BroadcastEvent(BaseModel):
    what: str
    """started, cut, resumed or ended."""
    at: datetime
    by: str | None


class BroadcastOut(BaseModel):
    broadcast: bool
    """Whether the hearing is broadcast (its kind may be public and the court marked it)."""
    cut: bool
    delay_seconds: float
    page: str | None
    """The public page's path."""
    events: list[BroadcastEvent]


class PublicHearing(BaseModel):
    id: int
    court_id: int
    court: str
    case_number: str
    cause: str | None
    kind: HearingKind
    kind_label: tuple[str, str]
    """Chinese, English."""
    scheduled_start: datetime
    duration_minutes: int
    state: HearingState
    slate: Slate | None
    """Why there is nothing to see now (None: the hearing is being shown, a delay behind)."""
    playlist: str | None
    """The HLS playlist's address (the server's path, or the court's CDN), once the broadcast
    has begun."""
    delay_seconds: float
    """How late the broadcast shows the hearing."""
    time_zone: str
    """The court's: its times are shown in it."""


class PublicHearingList(BaseModel):
    court: str
    time_zone: str
    items: list[PublicHearing]
    """Today's public hearings and those to come, soonest first."""


async def _events(ctx: Ctx, hearing_id: int) -> list[HearingEvent]:
    return list(
        await ctx.db.scalars(
            select(HearingEvent)
            .where(HearingEvent.hearing_id == hearing_id, HearingEvent.kind == EVENT)
            .order_by(HearingEvent.at, HearingEvent.id)
        )
    )


def _cut(events: list[HearingEvent]) -> bool:
    court_said = [e.to_value for e in events if e.to_value in ("cut", "resumed")]
    return bool(court_said) and court_said[-1] == "cut"


def _public_out(ctx: Ctx, hearing: Hearing, case: Case, court: Court, cut: bool) -> PublicHearing:
    state = HearingState(hearing.state)
    settings = ctx.request.app[SETTINGS]
    playlist = hearing_output(settings, hearing.id) / PLAYLIST
    kind = HearingKind(hearing.kind)
    return PublicHearing(
        id=hearing.id,
        court_id=court.id,
        court=court.name,
        case_number=case.number,
        cause=case.cause,
        kind=kind,
        kind_label=KIND_LABELS[kind],
        scheduled_start=hearing.scheduled_start,
        duration_minutes=hearing.duration_minutes,
        state=state,
        slate=slate_for(state, cut),
        playlist=playlist_address(settings, hearing.id) if playlist.is_file() else None,
        delay_seconds=settings.broadcast.delay_seconds,
        time_zone=settings.court_timezone,
    )


def register(api: Api) -> None:
    @api.route(
        "PUT",
        "/hearings/{hearing_id}/broadcast",
        summary="Cut a public hearing's broadcast, or resume it (the presiding judge)",
        tag="hearings",
        body=BroadcastIn,
        response=BroadcastOut,
        errors=(409,),
    )
    async def cut(ctx: Ctx, body: BroadcastIn) -> BroadcastOut:
        hearing, who = await hearing_for_action(ctx, ctx.ids["hearing_id"], Action.CUT_BROADCAST)
        presiding = await ctx.db.scalar(
            select(Participant.id).where(
                Participant.hearing_id == hearing.id,
                Participant.user_id == who.id,
                Participant.presiding.is_(True),
            )
        )
        if presiding is None:
            raise ApiError(403, "not_presiding", "only the presiding judge cuts the broadcast")
        if not broadcastable(HearingKind(hearing.kind), hearing.public):
            raise ApiError(409, "not_broadcast", "this hearing is not broadcast")
        events = await _events(ctx, hearing.id)
        if _cut(events) == body.cut:
            if body.cut:
                raise ApiError(409, "broadcast_cut", "the broadcast is cut already")
            raise ApiError(409, "broadcast_not_cut", "the broadcast is not cut")
        what = "cut" if body.cut else "resumed"
        ctx.request.app[PUBLIC_PAGES].pop(hearing.id, None)
        event = HearingEvent(
            hearing_id=hearing.id, at=utcnow(), kind=EVENT, actor=who.label, to_value=what
        )
        ctx.db.add(event)
        audit(ctx.db, who.label, f"broadcast_{what}", "hearing", hearing.id, ctx.client_ip)
        await ctx.db.flush()
        broadcasts = ctx.request.app.get(BROADCASTS)
        if broadcasts is not None:  # the broadcast runs here: told at once
            broadcasts.court_said(hearing.id, event)
        return _broadcast_out(ctx, hearing, [*events, event])

    @api.route(
        "PUT",
        "/hearings/{hearing_id}/public",
        summary="Mark a hearing public (broadcast) or keep it off the public web, before it opens",
        tag="hearings",
        body=PublicIn,
        response=HearingOut,
    )
    async def set_public(ctx: Ctx, body: PublicIn) -> HearingOut:
        hearing, who = await hearing_for_action(ctx, ctx.ids["hearing_id"], Action.SET_PUBLIC)
        kind = HearingKind(hearing.kind)
        if body.public and not RULES[kind].may_be_public:
            raise ApiError(422, "invalid_request", f"a {kind} is never public")
        hearing.public = body.public
        ctx.request.app[PUBLIC_PAGES].pop(hearing.id, None)
        audit(
            ctx.db,
            who.label,
            "set_public",
            "hearing",
            hearing.id,
            ctx.client_ip,
            {"public": body.public},
        )
        case = await ctx.db.get(Case, hearing.case_id)
        assert case is not None
        return hearing_out(hearing, case)

    @api.route(
        "GET",
        "/hearings/{hearing_id}/broadcast",
        summary="A hearing's broadcast: whether it is broadcast, cut, and its timeline",
        tag="hearings",
        response=BroadcastOut,
    )
    async def state(ctx: Ctx) -> BroadcastOut:
        hearing = await visible_hearing(ctx, ctx.ids["hearing_id"])
        ctx.require(Action.VIEW_RECORDS)
        return _broadcast_out(ctx, hearing, await _events(ctx, hearing.id))

    @api.route(
        "GET",
        "/public/courts/{court_id}/hearings",
        summary="A court's public hearings today and to come (no login)",
        tag="public",
        response=PublicHearingList,
        public=True,
    )
    async def court_hearings(ctx: Ctx) -> PublicHearingList:
        court = await ctx.db.get(Court, ctx.ids["court_id"])
        if court is None:
            raise not_found(f"court {ctx.ids['court_id']}")
        zone = ctx.request.app[SETTINGS].zone
        local = utcnow().astimezone(zone)
        midnight = datetime(local.year, local.month, local.day, tzinfo=zone)
        rows = (
            await ctx.db.execute(
                select(Hearing, Case)
                .join(Case, Case.id == Hearing.case_id)
                .where(
                    Case.court_id == court.id,
                    Hearing.public.is_(True),
                    Hearing.scheduled_start >= midnight,
                    Hearing.state != HearingState.CANCELLED,
                    Hearing.kind.in_([k for k in HearingKind if broadcastable(k, True)]),
                )
                .order_by(Hearing.scheduled_start, Hearing.id)
                .limit(MAX_LISTED)
            )
        ).all()
        cuts = await _cuts(ctx, [hearing.id for hearing, _ in rows])
        return PublicHearingList(
            court=court.name,
            time_zone=ctx.request.app[SETTINGS].court_timezone,
            items=[
                _public_out(ctx, hearing, case, court, hearing.id in cuts) for hearing, case in rows
            ],
        )

    @api.route(
        "GET",
        "/public/hearings/{hearing_id}",
        summary="A public hearing's page: its case, state and live playlist (no login)",
        tag="public",
        response=PublicHearing,
        public=True,
    )
    async def public_hearing(ctx: Ctx) -> PublicHearing:
        hearing_id = ctx.ids["hearing_id"]
        pages = ctx.request.app[PUBLIC_PAGES]
        now = time.monotonic()
        recent = pages.get(hearing_id)
        if recent is not None and recent[0] > now:
            if isinstance(recent[1], PublicHearing):
                return recent[1]
            raise not_found(f"public hearing {hearing_id}")
        found = (
            await ctx.db.execute(
                select(Hearing, Case, Court)
                .join(Case, Case.id == Hearing.case_id)
                .join(Court, Court.id == Case.court_id)
                .where(Hearing.id == hearing_id)
            )
        ).first()
        if len(pages) > 10_000:
            pages.clear()
        if found is None or not broadcastable(HearingKind(found[0].kind), found[0].public):
            pages[hearing_id] = (now + PAGE_SECONDS, None)
            raise not_found(f"public hearing {hearing_id}")
        hearing, case, court = found
        cut = hearing.id in await _cuts(ctx, [hearing.id])
        page = _public_out(ctx, hearing, case, court, cut)
        pages[hearing_id] = (now + PAGE_SECONDS, page)
        return page


async def _cuts(ctx: Ctx, hearing_ids: list[int]) -> set[int]:
    """Those of the hearings whose broadcast the court has cut now."""
    if not hearing_ids:
        return set()
    events = await ctx.db.scalars(
        select(HearingEvent)
        .where(
            HearingEvent.hearing_id.in_(hearing_ids),
            HearingEvent.kind == EVENT,
            HearingEvent.to_value.in_(("cut", "resumed")),
        )
        .order_by(HearingEvent.at, HearingEvent.id)
    )
    last: dict[int, str | None] = {}
    for event in events:
        last[event.hearing_id] = event.to_value
    return {hearing_id for hearing_id, what in last.items() if what == "cut"}


def _broadcast_out(ctx: Ctx, hearing: Hearing, events: list[HearingEvent]) -> BroadcastOut:
    on = broadcastable(HearingKind(hearing.kind), hearing.public)
    return BroadcastOut(
        broadcast=on,
        cut=_cut(events),
        delay_seconds=ctx.request.app[SETTINGS].broadcast.delay_seconds,
        page=f"/public/hearing/{hearing.id}" if on else None,
        events=[BroadcastEvent(what=e.to_value or "", at=e.at, by=e.actor) for e in events],
    )
