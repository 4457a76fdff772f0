"""A creditors' meeting's votes: the claim table, motions, ballots and the law's rule for a result
(docs/architecture.md#votes).

Enterprise Bankruptcy Law of the PRC (企业破产法):

- Art. 59: every creditor who declared a claim is a member of the meeting; a claim the court has
  not fixed (or fixed provisionally) has no vote. Here a claim fixed at 0 fen is such a claim: the
  creditor may attend and speak but is not counted at all (neither by head nor by amount). Para. 3:
  a creditor secured on the debtor's property who has not waived priority has no vote on a
  reconciliation agreement or on the distribution plan (Art. 61 (7), (10)): ``Rule.ORDINARY_UNSECURED``.
- Art. 64: an ordinary resolution (``Rule.ORDINARY``) passes when **more than half** of the
  creditors *present who have a vote* vote for it, **and** those voting for it hold **at least
  half** of *all* unsecured claims (present or not). Secured claims count in neither side of the
  amount test: a secured creditor voting for adds a head, not an amount.
- Art. 82/84: a reorganisation plan (``Rule.REORGANISATION``) is voted on by group (secured,
  employees, taxes, ordinary). A group passes it when **more than half** of the group's creditors
  *present* vote for it, **and** those voting for it hold **at least two-thirds** of the group's
  claims (the whole group's, present or not). The plan passes when every group that has a
  creditor with a vote passes it. A group none of whose creditors is present does not pass it
  (nobody consented). Confirming a plan some group rejected (Art. 87) is the court's, not a vote.

How each creditor counts: *present* means in the hearing when the vote closed, or having cast a
ballot (a ballot shows presence). A present creditor who abstains, or casts nothing, counts in
the heads present but never for: abstaining weighs as voting against. An absent creditor is not
among the heads present, but their claim stays in the amount the "for" side must reach. "More
than half" (过半数) is strict; "at least half", "at least two-thirds" (以上) include the figure
itself. Amounts are integers in fen (分), compared without rounding.

Pure: imports nothing of ours but court/.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from court.roles import Role

VOTER_ROLES = frozenset({Role.CREDITOR, Role.AGENT})
"""Who casts a ballot: a creditor for themself, an agent for the creditor they represent."""

VOTE_PHASE = "vote"
"""The creditors' meeting's phase (court/kinds.py) in which a vote is opened."""


class ClaimGroup(StrEnum):
    """The voting groups of a reorganisation plan (Art. 82)."""

    SECURED = "secured"
    EMPLOYEES = "employees"
    TAXES = "taxes"
    ORDINARY = "ordinary"


GROUP_LABELS: dict[ClaimGroup, tuple[str, str]] = {
    ClaimGroup.SECURED: ("有财产担保债权", "Secured claims"),
    ClaimGroup.EMPLOYEES: ("职工债权", "Employee claims"),
    ClaimGroup.TAXES: ("税款债权", "Tax claims"),
    ClaimGroup.ORDINARY: ("普通债权", "Ordinary claims"),
}


class Rule(StrEnum):
    """By which rule a motion passes."""

    ORDINARY = "ordinary"
    """Art. 64: most heads present with a vote, holding at least half of all unsecured claims."""
    ORDINARY_UNSECURED = "ordinary_unsecured"
    """Art. 64 with Art. 59 para. 3: as ORDINARY, secured creditors having no vote at all
    (a reconciliation agreement, the distribution plan)."""
    REORGANISATION = "reorganisation"
    """Art. 84: by group, most heads present in each, holding at least two-thirds of the group."""
    PANEL_MAJORITY = "panel_majority"
    """Not a creditors' rule: a panel's deliberation or a judicial committee decides by more than
    half of all its voting members (court/deliberation.py)."""


RULE_LABELS: dict[Rule, tuple[str, str]] = {
    Rule.ORDINARY: (
        "普通决议（第六十四条）：出席会议的有表决权的债权人过半数通过，"
        "且其所代表的债权额占无财产担保债权总额的二分之一以上",
        "Ordinary resolution (Art. 64): more than half of the voting creditors present, holding "
        "at least half of all unsecured claims",
    ),
    Rule.ORDINARY_UNSECURED: (
        "普通决议，有财产担保债权人不参加表决（第五十九条第三款、第六十四条）",
        "Ordinary resolution, secured creditors not voting (Art. 59 para. 3, Art. 64)",
    ),
    Rule.REORGANISATION: (
        "重整计划草案分组表决（第八十四条）：各组出席会议的债权人过半数同意，"
        "且其所代表的债权额占该组债权总额的三分之二以上",
        "Reorganisation plan by group (Art. 84): in each group more than half of the creditors "
        "present, holding at least two-thirds of the group's claims",
    ),
    Rule.PANEL_MAJORITY: (
        "少数服从多数：全体有表决权的成员过半数同意",
        "Majority: more than half of all the voting members for",
    ),
}

CREDITOR_RULES = frozenset({Rule.ORDINARY, Rule.ORDINARY_UNSECURED, Rule.REORGANISATION})
"""The rules of a creditors' meeting's motions."""


class Choice(StrEnum):
    FOR = "for"
    AGAINST = "against"
    ABSTAIN = "abstain"


CHOICE_LABELS: dict[Choice, tuple[str, str]] = {
    Choice.FOR: ("同意", "For"),
    Choice.AGAINST: ("反对", "Against"),
    Choice.ABSTAIN: ("弃权", "Abstain"),
}

RESULT_LABELS: dict[bool, tuple[str, str]] = {
    True: ("通过", "Passed"),
    False: ("未通过", "Not passed"),
}

MAX_AMOUNT_FEN = 10**17
"""A claim's ceiling (a thousand trillion yuan): anything larger is a typing error."""


@dataclass(frozen=True)
class Claim:
    """One creditor's claim as the court fixed it for the meeting."""

    participant_id: int
    amount_fen: int
    group: ClaimGroup

    @property
    def secured(self) -> bool:
        """Secured on the debtor's property, priority not waived: the secured group. A secured
        creditor who waived priority is an ordinary creditor (group ``ORDINARY``)."""
        return self.group is ClaimGroup.SECURED

    @property
    def has_vote(self) -> bool:
        """A claim fixed at nothing carries no vote (Art. 59 para. 2)."""
        return self.amount_fen > 0


@dataclass
class Tally:
    """Heads and amounts (fen) of one group, or of the whole meeting."""

    creditors: int = 0
    """Creditors with a vote on this motion."""
    without_vote: int = 0
    """Creditors without one (a claim fixed at 0; secured, under ORDINARY_UNSECURED)."""
    present: int = 0
    heads: dict[str, int] = field(default_factory=lambda: {c.value: 0 for c in Choice})
    not_voted: int = 0
    """Present with a vote, no ballot cast: counts as present, never for."""
    absent: int = 0
    total_fen: int = 0
    """Every claim with a vote in the group (for ORDINARY rules: every unsecured claim)."""
    amounts_fen: dict[str, int] = field(default_factory=lambda: {c.value: 0 for c in Choice})
    passed: bool = False


@dataclass
class Result:
    rule: Rule
    passed: bool
    overall: Tally
    """ORDINARY rules: the meeting's heads and the unsecured amounts that decide. REORGANISATION:
    the sum of the groups, for information (each group decides)."""
    groups: dict[str, Tally]
    """Every group with a claim, whether its creditors vote on this motion or not."""


def validate_claim(amount_fen: int) -> None:
    if amount_fen < 0 or amount_fen > MAX_AMOUNT_FEN:
        raise ValueError(f"a claim is 0 to {MAX_AMOUNT_FEN} fen; {amount_fen} is not")


def votes_on(rule: Rule, claim: Claim) -> bool:
    """Whether this creditor has a vote on a motion under ``rule``."""
    if not claim.has_vote:
        return False
    return not (rule is Rule.ORDINARY_UNSECURED and claim.secured)


def _count(tally: Tally, claim: Claim, choice: Choice | None, present: bool, amounts: bool) -> None:
    tally.creditors += 1
    if amounts:
        tally.total_fen += claim.amount_fen
    if not present:
        tally.absent += 1
        return
    tally.present += 1
    if choice is None:
        tally.not_voted += 1
        return
    tally.heads[choice.value] += 1
    if amounts:
        tally.amounts_fen[choice.value] += claim.amount_fen


def _passes(tally: Tally, numerator: int, denominator: int) -> bool:
    """Heads: strictly more than half of those present; amount: at least numerator/denominator."""
    heads_for = tally.heads[Choice.FOR.value]
    amount_for = tally.amounts_fen[Choice.FOR.value]
    return 2 * heads_for > tally.present and denominator * amount_for >= numerator * tally.total_fen


def compute(
    rule: Rule,
    claims: Iterable[Claim],
    ballots: Mapping[int, Choice],
    present: Iterable[int],
) -> Result:
    """The result of a motion under ``rule``.

    ``ballots``: participant id → choice, as cast; ``present``: the participants in the hearing
    when the vote closed. A ballot by someone without a vote on this motion is not counted (the
    server refuses those before they are cast).
    """
    here = set(present) | set(ballots)
    groups: dict[str, Tally] = {}
    overall = Tally()
    for claim in sorted(claims, key=lambda c: c.participant_id):
        group = groups.setdefault(claim.group.value, Tally())
        if not votes_on(rule, claim):
            group.without_vote += 1
            continue
        choice = ballots.get(claim.participant_id)
        is_here = claim.participant_id in here
        if rule is Rule.REORGANISATION:
            _count(group, claim, choice, is_here, amounts=True)
            _count(overall, claim, choice, is_here, amounts=True)
        else:
            _count(group, claim, choice, is_here, amounts=True)
            _count(overall, claim, choice, is_here, amounts=not claim.secured)
    if rule is Rule.REORGANISATION:
        voting = [t for t in groups.values() if t.total_fen > 0]
        for tally in voting:
            tally.passed = _passes(tally, 2, 3)
        passed = bool(voting) and all(t.passed for t in voting)
    else:
        passed = _passes(overall, 1, 2)
    overall.passed = passed
    return Result(rule=rule, passed=passed, overall=overall, groups=groups)
