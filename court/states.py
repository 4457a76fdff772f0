"""The hearing state machine as a transition table (docs/architecture.md#state-machines). Pure."""

from enum import StrEnum


class HearingState(StrEnum):
    SCHEDULED = "scheduled"
    OPEN = "open"
    IN_SESSION = "in_session"
    RECESS = "recess"
    CLOSED = "closed"
    CANCELLED = "cancelled"


TRANSITIONS: dict[HearingState, frozenset[HearingState]] = {
    HearingState.SCHEDULED: frozenset({HearingState.OPEN, HearingState.CANCELLED}),
    HearingState.OPEN: frozenset({HearingState.IN_SESSION, HearingState.CLOSED}),
    HearingState.IN_SESSION: frozenset({HearingState.RECESS, HearingState.CLOSED}),
    HearingState.RECESS: frozenset({HearingState.IN_SESSION, HearingState.CLOSED}),
    HearingState.CLOSED: frozenset(),
    HearingState.CANCELLED: frozenset(),
}


LIVE = frozenset({HearingState.OPEN, HearingState.IN_SESSION, HearingState.RECESS})
"""The hearing's room is up: people connect, media flows, the bench conducts."""

PLANNED = frozenset({HearingState.SCHEDULED}) | LIVE
"""Not over yet: participants may still be managed, and people may still join."""

WRITTEN_UP = LIVE | {HearingState.CLOSED}
"""The hearing is under way or was held: its transcript may be written (not before, nor for a
hearing cancelled)."""


class TransitionError(ValueError):
    """A state change the machine does not allow."""


STAGGERED_CLOSE = (HearingState.SCHEDULED, HearingState.CLOSED)
"""The one transition only a staggered hearing makes: it runs while SCHEDULED (nobody meets in
a room, so it never opens) and the court closes it from there
(docs/architecture.md#staggered-hearings)."""


def check_transition(current: HearingState, target: HearingState, staggered: bool = False) -> None:
    """Raise :class:`TransitionError` unless ``current → target`` is allowed (for a staggered
    hearing, ``staggered``, also `STAGGERED_CLOSE`)."""
    if staggered and (current, target) == STAGGERED_CLOSE:
        return
    if target not in TRANSITIONS[current]:
        raise TransitionError(f"a hearing cannot go from {current} to {target}")
