"""A panel's deliberation (合议庭评议) and a judicial committee's meeting (审判委员会会议): who votes,
how a question put to them is decided, and whose opinion dissents (docs/architecture.md#deliberation).

The procedure laws have a panel decide by majority (合议庭评议案件，实行少数服从多数的原则) and
want every differing opinion written into the record (评议中的不同意见，必须如实记入笔录); a
judicial committee decides by more than half of *all* its members, and the procurator-general
may attend it (列席) and speak, without a vote. Here both work one way:

- The voting members are a panel's judges and people's assessors, or a committee's judges; the
  clerk keeps the record and never votes; a prosecutor attends a committee without a vote.
- A question (议题) passes when strictly more than half of *all* the voting members vote for it:
  abstaining, casting nothing or being away weighs as not for, so two members split one for,
  one against do not decide it.
- Every ballot carries its author's opinion. Once decided, those who voted the other way than
  the decision (against what passed, for what did not) dissent; their opinions are kept with
  their names and roles, as everyone's are.

Pure: imports nothing of ours but court/.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from court.kinds import HearingKind
from court.roles import Role
from court.votes import Choice, Result, Rule, Tally

DECISION_PHASE = "decision"
"""The deliberation kinds' phase (court/kinds.py) in which a question is put to the vote."""

VOTING_ROLES: dict[HearingKind, frozenset[Role]] = {
    HearingKind.PANEL_DELIBERATION: frozenset({Role.JUDGE, Role.ASSESSOR}),
    HearingKind.COMMITTEE_MEETING: frozenset({Role.JUDGE}),
}
"""Who votes in each deliberation kind (the others present attend: clerk, prosecutor)."""

DELIBERATION_KINDS = frozenset(VOTING_ROLES)

VOTING_MEMBERS = frozenset().union(*VOTING_ROLES.values())
"""Every role that votes in some deliberation (the permission table's; the kind decides)."""

MAX_OPINION = 4000
"""An opinion's length in characters: a few paragraphs, said and then written."""


@dataclass(frozen=True)
class Voter:
    participant_id: int
    name: str
    role: Role


@dataclass(frozen=True)
class Opinion:
    """One voting member's vote as the sealed record keeps it."""

    participant_id: int
    name: str
    role: Role
    choice: Choice | None
    """None: they cast nothing."""
    opinion: str
    dissent: bool
    """They voted the other way than the decision."""


def votes_in(kind: HearingKind, role: Role) -> bool:
    """Whether a member of this role votes in a hearing of this kind."""
    return role in VOTING_ROLES.get(kind, frozenset())


def no_vote_reason(kind: HearingKind, role: Role) -> str:
    """Why a member of this role casts no vote here (they may not reach ``votes_in``)."""
    if role is Role.PROSECUTOR:
        return "the prosecutor attends the committee's meeting and may speak, but does not vote"
    if role is Role.CLERK:
        return "the clerk keeps the record of the deliberation and does not vote"
    return f"a {role} has no vote in a {kind}"


def decide(
    voters: Iterable[Voter],
    ballots: Mapping[int, tuple[Choice, str]],
    present: Iterable[int],
) -> tuple[Result, list[Opinion]]:
    """The decision on a question, and every voting member's opinion.

    ``ballots``: voter's participant id → (choice, opinion); ``present``: the members in the
    deliberation when the vote closed. A ballot by someone not among ``voters`` is not counted
    (the server refuses those before they are cast).
    """
    members = sorted(voters, key=lambda v: v.participant_id)
    here = set(present) | set(ballots)
    tally = Tally()
    for voter in members:
        tally.creditors += 1
        if voter.participant_id not in here:
            tally.absent += 1
            continue
        tally.present += 1
        cast = ballots.get(voter.participant_id)
        if cast is None:
            tally.not_voted += 1
        else:
            tally.heads[cast[0].value] += 1
    passed = 2 * tally.heads[Choice.FOR.value] > tally.creditors
    tally.passed = passed
    other_way = Choice.AGAINST if passed else Choice.FOR
    opinions = []
    for voter in members:
        cast = ballots.get(voter.participant_id)
        choice, text = (None, "") if cast is None else cast
        opinions.append(
            Opinion(voter.participant_id, voter.name, voter.role, choice, text, choice is other_way)
        )
    return Result(rule=Rule.PANEL_MAJORITY, passed=passed, overall=tally, groups={}), opinions
