"""A staggered hearing (错时审理; SPC Online Litigation Rules 2021, Art. 20): each side takes part
at its own time, stage by stage, by the deadlines the court sets (docs/architecture.md#staggered-hearings).

Pure rules: a stage's state from its times, who acts in it, and whose turns a person sees.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Literal

from court.roles import BENCH, Role

TURN_LIVE_FIRST = "turn_live_first"
"""The refusal of opening the live room of a hearing held in stages that the court has not
turned live: its live seal would leave the staggered part out."""


class StageKind(StrEnum):
    CLAIMS_STATEMENT = "claims_statement"
    DEFENCE = "defence"
    EVIDENCE_EXAMINATION = "evidence_examination"
    COURT_QUESTIONS = "court_questions"
    FINAL_STATEMENT = "final_statement"


STAGE_LABELS: dict[StageKind, tuple[str, str]] = {
    StageKind.CLAIMS_STATEMENT: ("起诉陈述", "Statement of claim"),
    StageKind.DEFENCE: ("答辩", "Defence"),
    StageKind.EVIDENCE_EXAMINATION: ("质证", "Examination of evidence"),
    StageKind.COURT_QUESTIONS: ("法庭询问", "Questions from the court"),
    StageKind.FINAL_STATEMENT: ("最后陈述", "Final statements"),
}
"""What each kind of stage is called, in Chinese and in English."""


class Visibility(StrEnum):
    ON_SUBMIT = "on_submit"
    """The others see a turn as soon as it is submitted."""
    ON_CLOSE = "on_close"
    """All sides' turns are revealed together once the stage is closed (nobody answers what
    they have read of the other side's)."""


VISIBILITY_LABELS: dict[Visibility, tuple[str, str]] = {
    Visibility.ON_SUBMIT: ("提交后即可查看", "Seen as soon as submitted"),
    Visibility.ON_CLOSE: ("阶段结束后一并公开", "Revealed together when the stage closes"),
}

StageState = Literal["pending", "open", "closed"]

MAX_STAGE_DAYS = 90
"""The longest a stage may run, from its opening to its deadline."""


@dataclass(frozen=True)
class StageTimes:
    opens_at: datetime
    deadline: datetime
    closed_at: datetime | None
    """When the court (or the deadline sweep) closed it; None while it is not closed."""


def stage_state(times: StageTimes, now: datetime) -> StageState:
    """``pending`` before it opens; ``open`` until its deadline (the deadline itself is
    past) unless the court closed it; else ``closed``."""
    if times.closed_at is not None and times.closed_at <= now:
        return "closed"
    if now < times.opens_at:
        return "pending"
    if now < times.deadline:
        return "open"
    return "closed"


def valid_window(opens_at: datetime, deadline: datetime) -> str | None:
    """Why a stage cannot run from ``opens_at`` to ``deadline``; None when it can."""
    if deadline <= opens_at:
        return "the deadline must be after the stage opens"
    if deadline - opens_at > timedelta(days=MAX_STAGE_DAYS):
        return f"a stage runs at most {MAX_STAGE_DAYS} days"
    return None


def is_bench(role: Role) -> bool:
    """The bench (judge, clerk) sees every stage and every turn, always."""
    return role in BENCH


def may_act(participant_id: int, listed: frozenset[int]) -> bool:
    """Only the participants listed on a stage submit turns and answer in it."""
    return participant_id in listed


def sees_turn(
    viewer_id: int | None,
    viewer_role: Role,
    author_id: int,
    visibility: Visibility,
    state: StageState,
) -> bool:
    """Whether the viewer sees a submitted turn: the bench all; the author their own; the
    others as the stage's visibility allows (at once, or once the stage is closed)."""
    if is_bench(viewer_role):
        return True
    if viewer_id == author_id:
        return True
    if visibility is Visibility.ON_SUBMIT:
        return True
    return state == "closed"


REMIND_BEFORE = timedelta(hours=24)
"""How long before its deadline a stage's silent participants are reminded (a window shorter
than twice this: half of it)."""


def remind_threshold(opens_at: datetime, deadline: datetime) -> timedelta:
    """The time left below which those who have not acted are reminded: 24 h, or half the
    stage's window when it is shorter than 48 h (a 6-hour stage reminds 3 h before, not at
    once)."""
    window = deadline - opens_at
    if window < 2 * REMIND_BEFORE:
        return window / 2
    return REMIND_BEFORE


def reminder_due(times: StageTimes, now: datetime) -> bool:
    """Whether an open stage's silent participants are due their reminder at ``now``: the time
    left has fallen below ``remind_threshold``. Never for a stage not open."""
    if stage_state(times, now) != "open":
        return False
    return times.deadline - now < remind_threshold(times.opens_at, times.deadline)
