"""Who retrieves which recording (docs/architecture.md#roles-and-permissions): a judge the
recordings of their own cases (the case's judge, or a judge sitting in the hearing); a clerk
every recording of their court; a party, agent, counsel, prosecutor, creditor or interpreter
only a recording of their own hearing the court granted them, never a deliberation's (the
court's sealed internal record: court/kinds.py ``internal``); witnesses, observers,
administrators and detention-centre terminals none.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, or_, select

from court.kinds import RULES
from court.permissions import Action
from court.roles import Role
from hearing_server.api.errors import ApiError, not_found
from hearing_server.api.routing import Ctx
from hearing_server.auth import Principal, PrincipalKind
from hearing_server.db.models import Case, Hearing, Participant, Recording, RecordingGrant


@dataclass(frozen=True)
class Access:
    """A recording the caller may retrieve, with its hearing and case."""

    who: Principal
    recording: Recording
    hearing: Hearing
    case: Case


def retrievable(who: Principal) -> Select[Recording, Hearing, Case]:
    """Every recording ``who`` may retrieve (their role already passed the permission check)."""
    stmt = (
        select(Recording, Hearing, Case)
        .join(Hearing, Recording.hearing_id == Hearing.id)
        .join(Case, Hearing.case_id == Case.id)
    )
    if who.kind is PrincipalKind.PARTICIPANT:
        return stmt.where(
            Recording.hearing_id == who.hearing_id,
            Hearing.kind.not_in(INTERNAL_KINDS),
            Recording.id.in_(
                select(RecordingGrant.recording_id).where(RecordingGrant.participant_id == who.id)
            ),
        )
    if who.kind is PrincipalKind.TERMINAL:
        raise _terminal_refused()
    if who.role is Role.CLERK:
        return stmt.where(Case.court_id == who.court_id)
    return stmt.where(or_(Case.judge_id == who.id, Hearing.id.in_(_judge_sits(who.id))))


async def retrieve(ctx: Ctx) -> Access:
    """The recording in the path, if the caller may retrieve it: 404 when it is not there or
    not visible to them (another court, another hearing), 403 when they see it but may not
    have it (a colleague's case, a grant not given)."""
    who = ctx.require(Action.RETRIEVE_RECORDINGS)
    recording_id = ctx.ids["recording_id"]
    row = (
        await ctx.db.execute(
            select(Recording, Hearing, Case)
            .join(Hearing, Recording.hearing_id == Hearing.id)
            .join(Case, Hearing.case_id == Case.id)
            .where(Recording.id == recording_id)
        )
    ).first()
    if row is None:
        raise not_found(f"recording {recording_id}")
    recording, hearing, case = row
    if who.kind is PrincipalKind.TERMINAL:
        raise _terminal_refused()
    if who.kind is PrincipalKind.PARTICIPANT:
        if who.hearing_id != hearing.id:
            raise not_found(f"recording {recording_id}")
        if hearing.kind in INTERNAL_KINDS:  # never granted; a grant row is no way in either
            raise ApiError(403, "internal_record", "this recording is the court's internal record")
        granted = await ctx.db.scalar(
            select(RecordingGrant.id).where(
                RecordingGrant.recording_id == recording.id,
                RecordingGrant.participant_id == who.id,
            )
        )
        if granted is None:
            raise ApiError(
                403, "not_granted", "the court has not given you access to this recording"
            )
    elif who.role is Role.CLERK:
        if case.court_id != who.court_id:
            raise not_found(f"recording {recording_id}")
    elif case.judge_id != who.id and hearing.id not in set(
        await ctx.db.scalars(_judge_sits(who.id))
    ):
        if case.court_id != who.court_id:
            raise not_found(f"recording {recording_id}")
        raise ApiError(403, "forbidden", "judges retrieve the recordings of their own cases only")
    return Access(who, recording, hearing, case)


INTERNAL_KINDS = frozenset(kind for kind, rules in RULES.items() if rules.internal)


def _judge_sits(user_id: int) -> Select[int]:
    """Hearings in which this judge sits on the bench (e.g. a panel, possibly of another court)."""
    return select(Participant.hearing_id).where(
        Participant.user_id == user_id, Participant.role == Role.JUDGE
    )


def _terminal_refused() -> ApiError:
    return ApiError(
        403,
        "forbidden",
        "recordings are not retrieved at a detention-centre terminal: it is shared by the "
        "centre's detainees",
    )
