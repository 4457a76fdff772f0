"""The bench of a hearing: who presides, and what only the presiding judge may do
(docs/architecture.md#bench).

A hearing's bench is its judges (one of them presiding, 审判长; the others 审判员), its people's
assessors (人民陪审员) and its clerk (书记员). The permission table (permissions.py) says what a
role may do; this module adds the one rule that depends on the person, not the role: among
the judges, only the one who presides conducts the hearing. The clerk keeps the assisting
acts the table gives clerks (opening the waiting room, admitting, muting, checking identity,
calling a recess): a clerk is not a judge, and nothing here is handed to or from them.
"""

from collections.abc import Iterable

from court.permissions import Action
from court.roles import Role

PRESIDING_ACTIONS = frozenset(
    {
        Action.OPEN,
        Action.START_SESSION,
        Action.SET_PHASE,
        Action.RECESS,
        Action.RESUME,
        Action.CLOSE,
        Action.ADMIT,
        Action.SEND_BACK,
        Action.MUTE,
        Action.REMOVE,
        Action.VERIFY_IDENTITY,
        Action.MESSAGE_PARTICIPANT,
        Action.STOP_SHARE,
        Action.GIVE_FLOOR,
        Action.HAND_OVER,
        Action.OPEN_VOTE,
        Action.CLOSE_VOTE,
    }
)
"""Conducting the hearing: a judge takes these only while presiding."""

GRANTED_WRITES = frozenset({Action.WRITE_TRANSCRIPT})
"""What a judge of another court, sitting on one hearing by a grant, changes in its records
besides reading them: the transcript, as every judge of the bench (the hearing's own court
manages the rest)."""

NOT_PRESIDING = "not_presiding"
"""The refusal's code (the browser words it: web_client/src/i18n/refusals.ts)."""


def presiding_judge(judges: Iterable[tuple[int, bool]]) -> int | None:
    """Who presides among the judges ``(participant id, marked presiding)``: the one marked,
    else the first added (a hearing scheduled with one judge: that judge)."""
    listed = sorted(judges)
    marked = [judge_id for judge_id, presiding in listed if presiding]
    if marked:
        return marked[0]
    return listed[0][0] if listed else None


def conduct_refusal(role: Role, action: Action, presides: bool) -> str | None:
    """Why a member of the bench may not take ``action`` because someone else presides, or
    None (the permission table's own check comes first)."""
    if role is Role.JUDGE and action in PRESIDING_ACTIONS and not presides:
        return "only the presiding judge conducts the hearing; ask them to hand it over to you"
    return None


def handover_refusal(target_role: Role, target_is_actor: bool) -> str | None:
    """Why the presiding judge may not hand over to this member, or None."""
    if target_is_actor:
        return "you preside already"
    if target_role is not Role.JUDGE:
        return "the hearing is handed over to another judge of the bench only"
    return None
