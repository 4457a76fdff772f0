"""A refused live action, and the checks that refuse one."""

from __future__ import annotations

from collections.abc import Callable

from court.bench import NOT_PRESIDING, conduct_refusal
from court.permissions import Action, refusal
from signaling.room import Member, Room, RoomError
from signaling.store import Identity


class ActionError(Exception):
    """A refused action: ``code`` and a message the person can act on."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def require(room: Room, actor: Identity, action: Action) -> Member:
    """The acting member, if the permission table lets their role take ``action`` now, and
    (a judge conducting the hearing) they preside."""
    reason = refusal(actor.role, action, room.state)
    if reason is not None:
        raise ActionError("forbidden", reason)
    member = room.member(actor.participant_id)
    not_presiding = conduct_refusal(actor.role, action, member.presiding)
    if not_presiding is not None:
        raise ActionError(NOT_PRESIDING, not_presiding)
    return member


def attempt(change: Callable[[], object]) -> None:
    """Change the room; what the room refuses is refused to the person."""
    try:
        change()
    except RoomError as exc:
        raise ActionError("refused", str(exc)) from exc
