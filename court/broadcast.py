"""Public broadcast of a hearing (庭审公开, docs/architecture.md#public-broadcast). Pure.

A hearing is broadcast when its kind may be public and the court marked it public: never a
hearing of a kind that is always closed (a deliberation, a mediation, ...), and not one the
court keeps off the public web (state security, state secrets, privacy; on a party's request
a minor's case, trade secrets, a divorce: the court unmarks it).

The public sees the hearing late by the broadcast's delay. What they see at each moment
depends on the hearing then: its session, or a slate that says why there is none (not yet
started, recess, closed, cut by the court). The presiding judge may cut the broadcast at any
moment and resume it: a cut withholds everything the public has not seen yet, that is all
that was captured from the delay before the cut on, so a judge who cuts within the delay of
what must not be public (a witness who is a minor, a private matter) keeps it from them.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from enum import StrEnum

from court.kinds import RULES, HearingKind
from court.states import HearingState

DEFAULT_DELAY_SECONDS = 30.0
"""How late the public sees the hearing, unless the court's settings say otherwise."""


class Slate(StrEnum):
    """Why the public sees no hearing now."""

    NOT_STARTED = "not_started"
    RECESS = "recess"
    CUT = "cut"
    CLOSED = "closed"
    CANCELLED = "cancelled"


SLATE_WORDS: dict[Slate, tuple[str, str]] = {
    Slate.NOT_STARTED: ("庭审尚未开始", "The hearing has not started"),
    Slate.RECESS: ("休庭", "Recess"),
    Slate.CUT: ("直播暂停", "The broadcast is paused by the court"),
    Slate.CLOSED: ("庭审已结束", "The hearing has ended"),
    Slate.CANCELLED: ("庭审已取消", "The hearing was cancelled"),
}
"""What each slate says, in Chinese and in English."""


def broadcastable(kind: HearingKind, public: bool) -> bool:
    """Whether a hearing of `kind`, marked `public` or not, is broadcast."""
    return public and RULES[kind].may_be_public


def slate_for(state: HearingState, cut: bool) -> Slate | None:
    """The slate for a hearing in `state` (None: its session is shown), `cut` by the court."""
    if state is HearingState.IN_SESSION:
        return Slate.CUT if cut else None
    return {
        HearingState.SCHEDULED: Slate.NOT_STARTED,
        HearingState.OPEN: Slate.NOT_STARTED,
        HearingState.RECESS: Slate.RECESS,
        HearingState.CLOSED: Slate.CLOSED,
        HearingState.CANCELLED: Slate.CANCELLED,
    }[state]


class BroadcastError(ValueError):
    """A cut or resume the broadcast's state does not allow."""


@dataclass
class Schedule:
    """What the broadcast shows of each moment captured, from the hearing's changes as they
    happen (wall-clock seconds, in increasing order)."""

    delay: float = DEFAULT_DELAY_SECONDS
    _states: list[tuple[float, HearingState]] = field(default_factory=list)
    _cuts: list[tuple[float, float | None]] = field(default_factory=list)
    """Captured times withheld: from, until (None: still cut)."""

    @property
    def cut(self) -> bool:
        """Whether the court has cut the broadcast now."""
        return bool(self._cuts) and self._cuts[-1][1] is None

    def change_state(self, at: float, state: HearingState) -> None:
        self._states.append((at, state))

    def cut_at(self, at: float) -> None:
        """The court cut the broadcast at `at`: nothing captured from `at - delay` is shown
        until it is resumed."""
        if self.cut:
            raise BroadcastError("the broadcast is cut already")
        self._cuts.append((at - self.delay, None))

    def resume_at(self, at: float) -> None:
        """The court resumed the broadcast at `at`: what is captured from then on is shown."""
        if not self.cut:
            raise BroadcastError("the broadcast is not cut")
        start, _ = self._cuts[-1]
        self._cuts[-1] = (start, max(start, at))

    def slate_at(self, captured: float) -> Slate | None:
        """The slate shown in place of what was captured at `captured` (None: it is shown)."""
        index = bisect_right(self._states, captured, key=lambda change: change[0])
        state = self._states[index - 1][1] if index else HearingState.SCHEDULED
        cut = any(
            start <= captured and (end is None or captured < end) for start, end in self._cuts
        )
        return slate_for(state, cut)
