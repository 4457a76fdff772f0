"""A mediation sitting (docs/architecture.md#sittings): many cases heard one after another in one
session (e.g. 43 wage claims against one employer), each its own hearing with its own record.
The mediator calls the next case, or one set aside before; the case heard until then is done.
Each person waiting sees how many cases are ahead of theirs and when theirs may start. Pure.

States of a case in the queue: ``queued`` (waiting its turn, in order of position), ``called``
(being heard; one at a time), ``done``, ``set_aside`` (put back by the mediator: it is heard
again only when called by name)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

QueueState = Literal["queued", "called", "done", "set_aside"]

MAX_CASES = 500
"""Cases in one sitting."""


@dataclass(frozen=True)
class QueuedCase:
    hearing_id: int
    position: int
    state: QueueState
    called_at: datetime | None = None
    finished_at: datetime | None = None


class QueueError(Exception):
    """The step cannot be taken; the message says why."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def to_call(cases: list[QueuedCase], hearing_id: int | None) -> QueuedCase:
    """The case the mediator's "next" calls: the one named (queued or set aside), else the first
    queued by position."""
    if hearing_id is not None:
        named = next((c for c in cases if c.hearing_id == hearing_id), None)
        if named is None:
            raise QueueError("not_in_sitting", f"hearing {hearing_id} is not in this sitting")
        if named.state not in ("queued", "set_aside"):
            raise QueueError("not_waiting", f"hearing {hearing_id} is {named.state}, not waiting")
        return named
    waiting = sorted((c for c in cases if c.state == "queued"), key=lambda c: c.position)
    if not waiting:
        raise QueueError("queue_empty", "no case is waiting: call a case set aside by name")
    return waiting[0]


def minutes_per_case(cases: list[QueuedCase], planned: int) -> float:
    """How long a case takes at this sitting: the mean of those heard to the end, else the
    planned duration."""
    heard = [
        (c.finished_at - c.called_at).total_seconds() / 60
        for c in cases
        if c.state == "done" and c.called_at is not None and c.finished_at is not None
    ]
    return sum(heard) / len(heard) if heard else float(planned)


@dataclass(frozen=True)
class Turn:
    """Where one case stands, as its people are shown it."""

    state: QueueState
    ahead: int | None
    """Cases to be heard before it, the one heard now included (None unless queued)."""
    expected_at: datetime | None
    """When it may start (None unless queued)."""


def turn_of(cases: list[QueuedCase], hearing_id: int, now: datetime, planned_minutes: int) -> Turn:
    mine = next(c for c in cases if c.hearing_id == hearing_id)
    if mine.state != "queued":
        return Turn(mine.state, None, None)
    current = next((c for c in cases if c.state == "called"), None)
    before = [c for c in cases if c.state == "queued" and c.position < mine.position]
    per_case = minutes_per_case(cases, planned_minutes)
    left_of_current = 0.0
    if current is not None and current.called_at is not None:
        elapsed = (now - current.called_at).total_seconds() / 60
        left_of_current = max(per_case - elapsed, 0.0)
    wait = left_of_current + per_case * len(before)
    ahead = len(before) + (1 if current is not None else 0)
    return Turn("queued", ahead, now + timedelta(minutes=wait))
