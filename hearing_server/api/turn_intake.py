"""A participant's turn in a stage going on the record (docs/architecture.md#staggered-hearings):
one per person and stage; a later one only as the correction of their own latest, itself kept.
Checked when a turn is submitted, when a video's upload starts and again when its last byte
arrives (the constraint on the rows settles two arriving at once)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from hearing_server.api.errors import ApiError
from hearing_server.api.routing import Ctx
from hearing_server.api.staggered_models import TurnOut
from hearing_server.api.staggered_scope import StageAccess, hold_open, on_record, turn_out
from hearing_server.db.models import Participant
from hearing_server.db.staggered_rows import TurnRow


def already_submitted() -> ApiError:
    return ApiError(
        409,
        "already_submitted",
        "you have submitted your turn in this stage; a change is made as a correction of it",
    )


async def check_turn(
    ctx: Ctx, access: StageAccess, participant_id: int, corrects_id: int | None
) -> None:
    """Refuse a second turn that is not a correction, and a correction of a turn that is not
    the caller's own latest in this stage."""
    if corrects_id is None:
        existing = await ctx.db.scalar(
            select(TurnRow.id).where(
                TurnRow.stage_id == access.stage.id, TurnRow.participant_id == participant_id
            )
        )
        if existing is not None:
            raise already_submitted()
        return
    corrected = await ctx.db.get(TurnRow, corrects_id)
    if corrected is None or corrected.stage_id != access.stage.id:
        raise ApiError(404, "not_found", f"turn {corrects_id} is not a turn of this stage")
    if corrected.participant_id != participant_id:
        raise ApiError(403, "not_yours", "you correct only your own turn")
    later = await ctx.db.scalar(select(TurnRow.id).where(TurnRow.corrects_id == corrects_id))
    if later is not None:
        raise ApiError(
            409,
            "already_corrected",
            f"turn {corrects_id} is corrected already, by turn {later}: correct that one",
        )


async def record_turn(ctx: Ctx, access: StageAccess, turn: TurnRow) -> TurnOut:
    """Add the turn, with its timeline entry and audit line; the refusal when another turn
    took its place meanwhile, or when the court closed the hearing meanwhile."""
    await hold_open(ctx.db, access.stage.hearing_id)
    ctx.db.add(turn)
    try:
        await ctx.db.flush()
    except IntegrityError as exc:
        await ctx.db.rollback()
        raise already_submitted() from exc
    who = access.who
    data = {
        "stage_id": turn.stage_id,
        "turn_id": turn.id,
        "participant_id": turn.participant_id,
        "kind": turn.kind,
        "sha256": turn.sha256,
        "size": turn.size_bytes,
        "duration_s": turn.duration_s,
        "corrects_id": turn.corrects_id,
        **access.stage.facts(),
    }
    words = {"text": turn.text} if turn.text is not None else None
    kind = "turn_submitted" if turn.corrects_id is None else "turn_corrected"
    subject = ("submit_turn", "turn", turn.id)
    on_record(ctx, who, access.stage.hearing_id, kind, subject, data, words)
    author = await ctx.db.get(Participant, turn.participant_id)
    assert author is not None
    return turn_out(turn, author)
