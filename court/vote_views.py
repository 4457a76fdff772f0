"""What every member is shown of a vote (docs/architecture.md#votes) in a creditors' meeting or a
deliberation, in their ``room`` view: a phone that reconnects shows the open motion again."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from court.roles import Role
from court.votes import Choice, ClaimGroup, Rule


class _Out(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True)


class TallyView(_Out):
    """Heads and amounts (fen) of one group or of the whole meeting (court/votes.py)."""

    creditors: int
    """Creditors with a vote on this motion."""
    without_vote: int
    present: int
    for_count: int
    against_count: int
    abstain_count: int
    not_voted: int
    """Present, no ballot: counts as present, never for."""
    absent: int
    total_fen: int
    """The amount the rule measures "for" against."""
    for_fen: int
    against_fen: int
    abstain_fen: int
    passed: bool
    """This group passes it (a reorganisation plan), or the motion passes: once closed, the
    result; in the bench's live tally, what closing now would give."""


class GroupTallyView(TallyView):
    group: ClaimGroup


class VoteResultView(_Out):
    passed: bool | None
    """None while the vote is open (the bench's live tally)."""
    overall: TallyView
    groups: list[GroupTallyView]


class BallotView(_Out):
    creditor_id: int
    """Whose ballot: the creditor's (a deliberation: the voting member's) participant id."""
    choice: Choice
    opinion: str | None = None
    """A deliberation's ballot: its author's opinion."""


class OpinionView(_Out):
    """A voting member's vote in a deliberation once it is decided (court/deliberation.py)."""

    participant_id: int
    name: str
    role: Role
    choice: Choice | None
    """None: they cast nothing."""
    opinion: str
    dissent: bool
    """They voted the other way than the decision (少数意见)."""


class VoteView(_Out):
    """The motion being voted on, or the last one voted on, as one member is shown it."""

    motion_id: int
    seq: int
    """The motion's number in the meeting (第1项议案)."""
    title: str
    rule: Rule
    state: Literal["open", "closed"]
    opened_at: datetime
    closed_at: datetime | None
    voters: list[int]
    """The creditors this member may cast a ballot for (themself; an agent's client)."""
    ballots: list[BallotView]
    """The ballots this member cast (for themself or their client)."""
    cast: int
    """How many ballots were cast."""
    tally: VoteResultView | None
    """The bench: live while open; everyone: the result once closed."""
    opinions: list[OpinionView] = []
    """A deliberation's, once decided, to the bench only (not to a prosecutor attending)."""


def result_view(data: dict[str, Any], closed: bool) -> VoteResultView:
    """``data`` as court/vote_record.py's ``result_data`` makes it."""
    return VoteResultView(
        passed=bool(data["passed"]) if closed else None,
        overall=TallyView.model_validate(data["overall"]),
        groups=[GroupTallyView.model_validate(group) for group in data["groups"]],
    )
