"""A creditors' meeting's vote results (court/votes.py) on hand-made claim tables."""

import pytest

from court.votes import (
    CHOICE_LABELS,
    GROUP_LABELS,
    RESULT_LABELS,
    RULE_LABELS,
    Choice,
    Claim,
    ClaimGroup,
    Rule,
    compute,
    validate_claim,
    votes_on,
)

F, A, X = Choice.FOR, Choice.AGAINST, Choice.ABSTAIN
G = ClaimGroup
YUAN = 100


def claims(*rows: tuple[int, int, ClaimGroup]) -> list[Claim]:
    return [Claim(pid, yuan * YUAN, group) for pid, yuan, group in rows]


def test_every_label_is_in_both_languages() -> None:
    for table, keys in (
        (GROUP_LABELS, set(ClaimGroup)),
        (RULE_LABELS, set(Rule)),
        (CHOICE_LABELS, set(Choice)),
        (RESULT_LABELS, {True, False}),
    ):
        assert set(table) == keys
        assert all(zh and en and zh != en for zh, en in table.values())


def test_ordinary_passes_with_most_heads_and_half_the_unsecured_amount() -> None:
    table = claims((1, 600, G.ORDINARY), (2, 300, G.ORDINARY), (3, 100, G.ORDINARY))
    result = compute(Rule.ORDINARY, table, {1: F, 2: F, 3: A}, present=[1, 2, 3])
    assert result.passed
    assert result.overall.heads == {"for": 2, "against": 1, "abstain": 0}
    assert result.overall.amounts_fen == {"for": 900 * YUAN, "against": 100 * YUAN, "abstain": 0}
    assert result.overall.total_fen == 1000 * YUAN
    assert result.groups["ordinary"].passed is False  # groups decide only a reorganisation plan


def test_exactly_half_of_the_heads_is_not_more_than_half() -> None:
    table = claims((1, 900, G.ORDINARY), (2, 50, G.ORDINARY), (3, 25, G.ORDINARY), (4, 25, G.TAXES))
    assert not compute(Rule.ORDINARY, table, {1: F, 2: F, 3: A, 4: A}, range(1, 5)).passed
    assert compute(Rule.ORDINARY, table, {1: F, 2: F, 3: F, 4: A}, range(1, 5)).passed


def test_exactly_half_of_the_amount_is_enough() -> None:
    table = claims((1, 250, G.ORDINARY), (2, 250, G.ORDINARY), (3, 500, G.ORDINARY))
    exactly = compute(Rule.ORDINARY, table, {1: F, 2: F, 3: A}, [1, 2, 3])
    assert exactly.passed
    assert exactly.overall.amounts_fen["for"] * 2 == exactly.overall.total_fen
    one_fen_short = [Claim(1, 250 * YUAN, G.ORDINARY), Claim(2, 250 * YUAN - 1, G.ORDINARY)]
    one_fen_short.append(Claim(3, 500 * YUAN + 1, G.ORDINARY))
    assert not compute(Rule.ORDINARY, one_fen_short, {1: F, 2: F, 3: A}, [1, 2, 3]).passed


def test_an_abstention_counts_as_present_and_never_for() -> None:
    table = claims((1, 400, G.ORDINARY), (2, 300, G.ORDINARY), (3, 300, G.ORDINARY))
    result = compute(Rule.ORDINARY, table, {1: F, 2: X, 3: X}, [1, 2, 3])
    assert not result.passed  # 1 of 3 present
    assert result.overall.heads["abstain"] == 2 and result.overall.present == 3


def test_present_without_a_ballot_counts_like_an_abstention() -> None:
    table = claims((1, 600, G.ORDINARY), (2, 200, G.ORDINARY), (3, 200, G.ORDINARY))
    result = compute(Rule.ORDINARY, table, {1: F}, present=[1, 2, 3])
    assert not result.passed
    assert result.overall.not_voted == 2 and result.overall.present == 3


def test_absent_creditors_leave_the_heads_but_not_the_amount() -> None:
    table = claims((1, 300, G.ORDINARY), (2, 100, G.ORDINARY), (3, 600, G.ORDINARY))
    # Both present vote for: 2 of 2 heads, but 400 of 1000 is less than half.
    result = compute(Rule.ORDINARY, table, {1: F, 2: F}, present=[1, 2])
    assert result.overall.absent == 1 and result.overall.present == 2
    assert not result.passed
    # The big creditor alone present and for: 1 of 1 heads, 600 of 1000.
    assert compute(Rule.ORDINARY, table, {3: F}, present=[3]).passed


def test_a_ballot_shows_presence() -> None:
    table = claims((1, 600, G.ORDINARY), (2, 400, G.ORDINARY))
    result = compute(Rule.ORDINARY, table, {1: F, 2: A}, present=[])
    assert result.overall.present == 2 and result.overall.absent == 0


def test_nobody_present_passes_nothing() -> None:
    table = claims((1, 600, G.ORDINARY))
    assert not compute(Rule.ORDINARY, table, {}, present=[]).passed
    assert not compute(Rule.REORGANISATION, table, {}, present=[]).passed


def test_secured_creditors_add_heads_not_amounts_to_an_ordinary_resolution() -> None:
    table = claims((1, 10_000, G.SECURED), (2, 100, G.ORDINARY), (3, 300, G.ORDINARY))
    result = compute(Rule.ORDINARY, table, {1: F, 2: F, 3: A}, [1, 2, 3])
    assert result.overall.heads["for"] == 2 and result.overall.present == 3
    assert result.overall.total_fen == 400 * YUAN  # unsecured only
    assert result.overall.amounts_fen["for"] == 100 * YUAN
    assert not result.passed  # 100 of 400 unsecured
    assert result.groups["secured"].amounts_fen["for"] == 10_000 * YUAN  # shown per group


def test_secured_creditors_have_no_vote_on_the_distribution_plan() -> None:
    table = claims((1, 10_000, G.SECURED), (2, 100, G.ORDINARY), (3, 300, G.ORDINARY))
    assert not votes_on(Rule.ORDINARY_UNSECURED, table[0])
    # The secured creditor's ballot is not counted: 1 for of the 2 unsecured present.
    result = compute(Rule.ORDINARY_UNSECURED, table, {1: A, 2: A, 3: F}, [1, 2, 3])
    assert result.overall.present == 2 and result.overall.creditors == 2
    assert not result.passed
    passed = compute(Rule.ORDINARY_UNSECURED, table, {1: A, 3: F}, [1, 3])
    assert passed.passed  # 1 of 1 present, 300 of 400
    assert passed.groups["secured"].without_vote == 1 and passed.groups["secured"].present == 0


def test_zero_claims_have_no_vote_and_count_nowhere() -> None:
    table = claims((1, 0, G.ORDINARY), (2, 0, G.ORDINARY), (3, 500, G.ORDINARY))
    result = compute(Rule.ORDINARY, table, {1: A, 2: A, 3: F}, [1, 2, 3])
    assert result.passed
    assert result.overall.present == 1 and result.overall.creditors == 1
    assert result.groups["ordinary"].creditors == 1
    assert result.groups["ordinary"].without_vote == 2
    assert not votes_on(Rule.ORDINARY, table[0])


def _plan_table() -> list[Claim]:
    return claims(
        (1, 3000, G.SECURED),
        (2, 1000, G.SECURED),
        (10, 50, G.EMPLOYEES),
        (11, 50, G.EMPLOYEES),
        (12, 50, G.EMPLOYEES),
        (20, 200, G.TAXES),
        (30, 400, G.ORDINARY),
        (31, 200, G.ORDINARY),
        (32, 100, G.ORDINARY),
        (33, 0, G.ORDINARY),
    )


def test_a_reorganisation_plan_passes_when_every_group_does() -> None:
    ballots = {1: F, 2: A, 10: F, 11: F, 12: A, 20: F, 30: F, 31: F, 32: A}
    result = compute(Rule.REORGANISATION, _plan_table(), ballots, present=ballots)
    secured = result.groups["secured"]
    # 1 of 2 is exactly half: not more than half, although 3000 of 4000 is over two-thirds.
    assert not secured.passed and secured.heads["for"] == 1 and secured.present == 2
    assert result.groups["employees"].passed
    assert result.groups["taxes"].passed
    ordinary = result.groups["ordinary"]
    assert ordinary.passed and ordinary.creditors == 3 and ordinary.total_fen == 700 * YUAN
    assert not result.passed
    ballots[2] = F
    assert compute(Rule.REORGANISATION, _plan_table(), ballots, present=ballots).passed


def test_exactly_two_thirds_of_a_group_is_enough() -> None:
    table = claims((1, 100, G.ORDINARY), (2, 100, G.ORDINARY), (3, 100, G.ORDINARY))
    exact = compute(Rule.REORGANISATION, table, {1: F, 2: F, 3: A}, [1, 2, 3])
    assert exact.passed
    assert 3 * exact.groups["ordinary"].amounts_fen["for"] == 2 * exact.groups["ordinary"].total_fen
    table[2] = Claim(3, 100 * YUAN + 1, G.ORDINARY)  # one fen more against: short of 2/3
    assert not compute(Rule.REORGANISATION, table, {1: F, 2: F, 3: A}, [1, 2, 3]).passed


def test_a_group_with_nobody_present_does_not_pass_the_plan() -> None:
    ballots = {1: F, 2: F, 10: F, 11: F, 12: F, 30: F, 31: F, 32: F}
    result = compute(Rule.REORGANISATION, _plan_table(), ballots, present=ballots)
    taxes = result.groups["taxes"]
    assert taxes.present == 0 and taxes.absent == 1 and not taxes.passed
    assert not result.passed


def test_absent_creditors_keep_their_amount_in_the_group() -> None:
    table = claims((1, 100, G.ORDINARY), (2, 100, G.ORDINARY), (3, 200, G.ORDINARY))
    # Two present, both for: all heads, 200 of 400 is under two-thirds.
    result = compute(Rule.REORGANISATION, table, {1: F, 2: F}, [1, 2])
    assert result.groups["ordinary"].absent == 1 and not result.passed


@pytest.mark.parametrize("amount", [-1, 10**17 + 1])
def test_a_claim_out_of_range_is_refused(amount: int) -> None:
    with pytest.raises(ValueError, match="fen"):
        validate_claim(amount)
    validate_claim(0)
    validate_claim(10**17)
