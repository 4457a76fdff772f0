"""What every endpoint of a staggered hearing needs (docs/architecture.md#staggered-hearings):
the stage in the path if the caller may see it, who the caller is in it, the refusals of acting
out of turn, the answers' shapes and the timeline's entries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from court.kinds import HearingKind
from court.permissions import Action, refusal
from court.staggered import StageTimes, is_bench, may_act, stage_state
from court.states import HearingState
from hearing_server.api.errors import ApiError, not_found
from hearing_server.api.routing import Ctx
from hearing_server.api.scope import visible_hearing
from hearing_server.api.staggered_models import ExtensionOut, MineOut, StageOut, TurnOut
from hearing_server.audit import audit
from hearing_server.auth import Principal, PrincipalKind
from hearing_server.db.models import Hearing, HearingEvent, Participant, utcnow
from hearing_server.db.staggered_rows import (
    MissedDeadline,
    StageExtension,
    StageRow,
    StaggeredStart,
    TurnRow,
)
from hearing_server.keys import SETTINGS
from hearing_server.stage_reminders import reminder_fields


@dataclass(frozen=True)
class StageAccess:
    stage: StageRow
    hearing: Hearing
    who: Principal

    @property
    def participant_id(self) -> int | None:
        """The caller's participant id; None for staff."""
        return self.who.id if self.who.kind is PrincipalKind.PARTICIPANT else None

    @property
    def bench(self) -> bool:
        return self.who.kind is PrincipalKind.USER and is_bench(self.who.role)


def times(stage: StageRow) -> StageTimes:
    return StageTimes(stage.opens_at, stage.deadline, stage.closed_at)


async def managed_staggered(ctx: Ctx, hearing_id: int) -> Hearing:
    """The hearing, if the caller sees it and manages stages, and it is staggered; its state
    is the caller's to judge (a close or a turn to live says `already_closed`)."""
    hearing = await visible_hearing(ctx, hearing_id, Action.MANAGE_STAGES)
    ctx.require(Action.MANAGE_STAGES)
    if hearing.kind is not HearingKind.ASYNC_HEARING:
        raise ApiError(
            409, "not_staggered", "this hearing is not a staggered hearing: it has no stages"
        )
    return hearing


async def staggered_hearing(ctx: Ctx, hearing_id: int, action: Action) -> Hearing:
    """The hearing, if the caller sees it and may take ``action`` in it, and it is staggered."""
    hearing = await visible_hearing(ctx, hearing_id, action)
    require_in_state(ctx, action, hearing)
    if hearing.kind is not HearingKind.ASYNC_HEARING:
        raise ApiError(
            409, "not_staggered", "this hearing is not a staggered hearing: it has no stages"
        )
    await refuse_if_live(ctx.db, hearing, action)
    return hearing


async def stage_access(ctx: Ctx, stage_id: int, action: Action) -> StageAccess:
    """The stage, if the caller sees its hearing and may take ``action`` (404/403 else)."""
    stage = await ctx.db.get(StageRow, stage_id)
    if stage is None:
        raise not_found(f"stage {stage_id}")
    hearing = await visible_hearing(ctx, stage.hearing_id, action)
    who = require_in_state(ctx, action, hearing)
    await refuse_if_live(ctx.db, hearing, action)
    return StageAccess(stage, hearing, who)


WRITES = frozenset({Action.MANAGE_STAGES, Action.TAKE_TURN})
"""What adds to or changes a staggered hearing's stages (a stage, a turn, a question...)."""


def turned_live() -> ApiError:
    return ApiError(
        409,
        "hearing_live",
        "the court has turned this hearing into a live hearing: its stages are closed and "
        "nothing more is added to them",
    )


async def refuse_if_live(db: AsyncSession, hearing: Hearing, action: Action) -> None:
    """Once the court turned the hearing live, what would add to its stages is refused 409
    `hearing_live` (reading them stays allowed); a closed hearing is refused before this."""
    if (
        action in WRITES
        and hearing.kind is HearingKind.ASYNC_HEARING
        and hearing.state is not HearingState.CLOSED
        and await live_at(db, hearing.id) is not None
    ):
        raise turned_live()


def closed_hearing() -> ApiError:
    return ApiError(
        409,
        "hearing_closed",
        "the court has closed this staggered hearing and sealed its record: nothing more "
        "is added to it",
    )


async def hold_open(db: AsyncSession, hearing_id: int) -> None:
    """Lock the hearing's row until the commit, refusing if the court closed it (or turned it
    live) meanwhile: a turn, an answer or a question going on the record either commits before
    the close reads the record to seal it, or waits for the close and is refused (the close and
    the turn to live lock this row first; SQLite serialises writers anyway)."""
    state = await db.scalar(select(Hearing.state).where(Hearing.id == hearing_id).with_for_update())
    if state is HearingState.CLOSED:
        raise closed_hearing()
    if await live_at(db, hearing_id) is not None:
        raise turned_live()


def require_in_state(ctx: Ctx, action: Action, hearing: Hearing) -> Principal:
    """The caller, if their role may take ``action`` in the hearing's state (403 else); once
    the court closed a staggered hearing, what its state forbids (a turn, a chunk, an answer, a
    question, a stage) is refused 409 `hearing_closed`: the record is sealed."""
    who = ctx.require(action)
    if (
        hearing.kind is HearingKind.ASYNC_HEARING
        and hearing.state is HearingState.CLOSED
        and refusal(who.role, action, hearing.state) is not None
    ):
        raise closed_hearing()
    return ctx.require(action, hearing.state)


async def started_at(db: AsyncSession, hearing_id: int) -> datetime | None:
    row = await db.get(StaggeredStart, hearing_id)
    return None if row is None else row.started_at


async def live_at(db: AsyncSession, hearing_id: int) -> datetime | None:
    """When the court turned the hearing live; None while it is staggered (or never was)."""
    return await db.scalar(
        select(StaggeredStart.live_at).where(StaggeredStart.hearing_id == hearing_id)
    )


async def require_acting(ctx: Ctx, access: StageAccess) -> int:
    """The caller's participant id, if they may act in the stage now; else the refusal saying
    why (not listed, not started, not open yet, closed by the court, deadline passed)."""
    participant_id = access.participant_id
    stage = access.stage
    if participant_id is None or not may_act(participant_id, frozenset(stage.participant_ids)):
        raise ApiError(
            403, "not_in_stage", "you are not listed on this stage: you do not act in it"
        )
    if await started_at(ctx.db, stage.hearing_id) is None:
        raise ApiError(409, "not_started", "the court has not started this staggered hearing yet")
    require_open(stage, ctx.request.app[SETTINGS].court_timezone)
    return participant_id


def require_open(stage: StageRow, zone: str) -> None:
    now = utcnow()
    state = stage_state(times(stage), now)
    if state == "pending":
        raise ApiError(
            409,
            "stage_not_open",
            f"this stage opens on {_words(stage.opens_at, zone)}: come back then",
        )
    if state == "closed":
        if stage.closed_at is not None and stage.closed_at < stage.deadline:
            raise ApiError(409, "stage_closed", "the court has closed this stage")
        raise ApiError(
            409,
            "deadline_passed",
            f"the deadline of this stage passed on {_words(stage.deadline, zone)}; ask the court "
            "whether it extends it",
        )


def _words(at: datetime, zone: str) -> str:
    """A moment as a person reads it: in the court's time zone, to the minute."""
    return at.astimezone(ZoneInfo(zone)).strftime("%d %B %Y at %H:%M") + f" ({zone} time)"


def on_record(
    ctx: Ctx,
    who: Principal,
    hearing_id: int,
    kind: str,
    subject: tuple[str, str, int],
    data: dict[str, Any],
    words: dict[str, Any] | None = None,
) -> None:
    """A step of the staggered hearing: an entry of its timeline (so the sealed record has it)
    of ``kind``, and the audit log's entry ``subject`` (action, object type, object id).
    ``words``: what the transcript's line quotes (a text turn, a question, an answer; up to
    20 000 characters), in the timeline's entry only: the audit log says who did what."""
    event_data = data | (words or {})
    ctx.db.add(
        HearingEvent(
            hearing_id=hearing_id, at=utcnow(), kind=kind, actor=who.label, data=event_data
        )
    )
    action, object_type, object_id = subject
    audit(ctx.db, who.label, action, object_type, object_id, ctx.client_ip, data or None)


async def stage_out(db: AsyncSession, stage: StageRow, participant_id: int | None) -> StageOut:
    extensions = await db.scalars(
        select(StageExtension)
        .where(StageExtension.stage_id == stage.id)
        .order_by(StageExtension.id)
    )
    mine = None
    if participant_id is not None:
        turn = await db.scalar(
            select(TurnRow.id).where(
                TurnRow.stage_id == stage.id, TurnRow.participant_id == participant_id
            )
        )
        missed = await db.scalar(
            select(MissedDeadline.id).where(
                MissedDeadline.stage_id == stage.id,
                MissedDeadline.participant_id == participant_id,
            )
        )
        mine = MineOut(
            listed=participant_id in stage.participant_ids,
            submitted=turn is not None,
            missed=missed is not None,
        )
    return StageOut(
        id=stage.id,
        hearing_id=stage.hearing_id,
        seq=stage.seq,
        kind=stage.kind,
        title=stage.title,
        participant_ids=list(stage.participant_ids),
        opens_at=stage.opens_at,
        deadline=stage.deadline,
        visibility=stage.visibility,
        state=stage_state(times(stage), utcnow()),
        closed_at=stage.closed_at,
        extensions=[ExtensionOut(deadline=e.deadline, by=e.by, at=e.at) for e in extensions],
        mine=mine,
        **await reminder_fields(db, stage, participant_id),
    )


def turn_out(turn: TurnRow, author: Participant) -> TurnOut:
    return TurnOut(
        id=turn.id,
        stage_id=turn.stage_id,
        participant_id=turn.participant_id,
        name=author.name,
        role=author.role,
        kind="video" if turn.kind == "video" else "text",
        text=turn.text,
        media_url=None if turn.media_path is None else f"/api/v1/turns/{turn.id}/media",
        media_type=turn.media_type,
        duration_s=turn.duration_s,
        size=turn.size_bytes,
        sha256=turn.sha256,
        submitted_at=turn.submitted_at,
        corrects_id=turn.corrects_id,
    )
