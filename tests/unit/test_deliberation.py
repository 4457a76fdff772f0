"""A deliberation's decisions (court/deliberation.py) on hand-made panels, who votes in which
kind of deliberation, and the written record's lines of a question's vote (court/vote_record.py)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import pytest

from court.deliberation import Opinion, Voter, decide, no_vote_reason, votes_in
from court.kinds import HearingKind
from court.roles import Role
from court.vote_record import result_data, vote_line
from court.votes import Choice, Rule

F, A, X = Choice.FOR, Choice.AGAINST, Choice.ABSTAIN
PANEL, COMMITTEE = HearingKind.PANEL_DELIBERATION, HearingKind.COMMITTEE_MEETING


def panel(size: int) -> list[Voter]:
    """Judges 1..size (a panel of three: two judges and a people's assessor)."""
    return [
        Voter(n, f"成员{n}", Role.ASSESSOR if n == 3 and size == 3 else Role.JUDGE)
        for n in range(1, size + 1)
    ]


def by_id(opinions: list[Opinion]) -> dict[int, Opinion]:
    return {o.participant_id: o for o in opinions}


def test_two_of_three_for_pass_and_the_one_against_dissents() -> None:
    result, opinions = decide(
        panel(3), {1: (F, "应予支持"), 2: (F, "同意"), 3: (A, "证据不足")}, present=[1, 2, 3]
    )
    assert result.passed and result.overall.passed and result.rule is Rule.PANEL_MAJORITY
    assert result.groups == {}
    assert result.overall.heads == {"for": 2, "against": 1, "abstain": 0}
    assert (result.overall.creditors, result.overall.present) == (3, 3)
    assert {pid: o.dissent for pid, o in by_id(opinions).items()} == {1: False, 2: False, 3: True}
    three = by_id(opinions)[3]
    assert (three.name, three.role, three.choice, three.opinion) == (
        "成员3",
        Role.ASSESSOR,
        A,
        "证据不足",
    )


def test_a_panel_of_two_split_does_not_decide_and_the_one_for_dissents() -> None:
    result, opinions = decide(panel(2), {1: (F, "支持"), 2: (A, "驳回")}, present=[1, 2])
    assert not result.passed
    assert {pid: o.dissent for pid, o in by_id(opinions).items()} == {1: True, 2: False}


def test_exactly_half_of_all_is_not_a_majority() -> None:
    ballots = {1: (F, "甲"), 2: (F, "乙"), 3: (A, "丙"), 4: (A, "丁")}
    result, opinions = decide(panel(4), ballots, present=[1, 2, 3, 4])
    assert not result.passed
    assert [o.participant_id for o in opinions if o.dissent] == [1, 2]
    ballots[3] = (F, "丙改变意见")
    assert decide(panel(4), ballots, present=[1, 2, 3, 4])[0].passed


def test_an_abstention_is_not_for_and_never_a_dissent() -> None:
    result, opinions = decide(panel(3), {1: (F, "同意"), 2: (X, "回避意见")}, present=[1, 2, 3])
    assert not result.passed  # one for of three
    assert result.overall.heads["abstain"] == 1
    assert by_id(opinions)[2].dissent is False
    assert by_id(opinions)[1].dissent is True  # for what did not pass
    passed, with_abstention = decide(
        panel(3), {1: (F, "同意"), 2: (F, "同意"), 3: (X, "弃权")}, present=[1, 2, 3]
    )
    assert passed.passed and not any(o.dissent for o in with_abstention)


def test_casting_nothing_or_being_away_weighs_as_not_for() -> None:
    """Of five: two for, one present who cast nothing, two away; majority of all is three."""
    result, opinions = decide(panel(5), {1: (F, "同意"), 2: (F, "同意")}, present=[1, 2, 3])
    overall = result.overall
    assert not result.passed
    assert (overall.creditors, overall.present, overall.not_voted, overall.absent) == (5, 3, 1, 2)
    silent = by_id(opinions)
    for pid in (3, 4, 5):
        assert (silent[pid].choice, silent[pid].opinion, silent[pid].dissent) == (None, "", False)
    assert silent[1].dissent and silent[2].dissent


def test_a_ballot_shows_presence() -> None:
    result, _ = decide(panel(3), {1: (F, "同意"), 2: (F, "同意")}, present=[])
    assert result.passed
    assert (result.overall.present, result.overall.absent) == (2, 1)


def test_a_ballot_of_someone_without_a_vote_is_not_counted() -> None:
    result, opinions = decide(
        panel(3),
        {1: (F, "同意"), 99: (F, "书记员不表决"), 98: (F, "检察员")},
        present=[1, 2, 3, 98],
    )
    assert not result.passed and result.overall.heads["for"] == 1
    assert result.overall.creditors == 3
    assert [o.participant_id for o in opinions] == [1, 2, 3]


def test_nobody_voting_passes_nothing() -> None:
    result, opinions = decide([], {}, present=[])
    assert not result.passed and opinions == []


@pytest.mark.parametrize(
    ("kind", "role", "votes"),
    [
        (PANEL, Role.JUDGE, True),
        (PANEL, Role.ASSESSOR, True),
        (PANEL, Role.CLERK, False),
        (PANEL, Role.PROSECUTOR, False),
        (COMMITTEE, Role.JUDGE, True),
        (COMMITTEE, Role.ASSESSOR, False),
        (COMMITTEE, Role.CLERK, False),
        (COMMITTEE, Role.PROSECUTOR, False),
        (HearingKind.CREDITORS_MEETING, Role.JUDGE, False),
        (HearingKind.CIVIL_TRIAL, Role.JUDGE, False),
    ],
)
def test_who_votes_in_which_deliberation(kind: HearingKind, role: Role, votes: bool) -> None:
    assert votes_in(kind, role) is votes


def test_the_reason_for_no_vote_names_the_role() -> None:
    assert "prosecutor" in no_vote_reason(COMMITTEE, Role.PROSECUTOR)
    assert "does not vote" in no_vote_reason(COMMITTEE, Role.PROSECUTOR)
    assert "clerk" in no_vote_reason(PANEL, Role.CLERK)
    assert "assessor" in no_vote_reason(COMMITTEE, Role.ASSESSOR)


def closed_facts(result_and_opinions: tuple[Any, list[Opinion]]) -> dict[str, Any]:
    """A ``vote_closed`` event's data as signaling/live/votes.py records it."""
    result, opinions = result_and_opinions
    data = {
        **result_data(result),
        "opinions": [
            {**asdict(o), "role": o.role.value, "choice": o.choice and o.choice.value}
            for o in opinions
        ],
    }
    return {"seq": 2, "title": "是否构成违约", "rule": "panel_majority", "result": data}


def test_the_record_of_a_decision_gives_the_heads_and_each_dissent() -> None:
    voters = [Voter(1, "王法官", Role.JUDGE), Voter(2, "李法官", Role.JUDGE)]
    voters.append(Voter(3, "赵陪审员", Role.ASSESSOR))
    voters.append(Voter(4, "钱法官", Role.JUDGE))
    ballots = {1: (F, "构成违约"), 2: (F, "同意审判长意见"), 3: (A, "合同已解除，不构成违约")}
    ballots[4] = (F, "构成")
    line = vote_line("vote_closed", closed_facts(decide(voters, ballots, [1, 2, 3, 4])))
    assert line is not None
    zh, en = line
    assert "第2项议题“是否构成违约”表决结束" in zh
    assert "有表决权的成员4人" in zh and "同意3人、反对1人、弃权0人" in zh
    assert "表决结果：通过" in zh and "未通过" not in zh
    assert "少数意见：赵陪审员：合同已解除，不构成违约" in zh
    assert "王法官" not in zh  # the majority's opinions stay in the sealed result
    assert "question 2" in en and "4 voting members" in en and "3 for, 1 against" in en
    assert "Result: passed" in en
    assert "Dissenting: 赵陪审员: 合同已解除，不构成违约" in en


def test_the_record_of_a_question_not_decided_names_every_dissent() -> None:
    voters = [Voter(1, "王法官", Role.JUDGE), Voter(2, "李法官", Role.JUDGE)]
    voters.append(Voter(3, "赵陪审员", Role.ASSESSOR))
    ballots = {1: (F, "应当支持"), 2: (A, "不应支持"), 3: (X, "弃权")}
    line = vote_line("vote_closed", closed_facts(decide(voters, ballots, [1, 2, 3])))
    assert line is not None
    zh, en = line
    assert "表决结果：未通过" in zh and "弃权1人" in zh
    assert "少数意见：王法官：应当支持" in zh and "赵陪审员" not in zh
    assert "not passed" in en and "Dissenting: 王法官: 应当支持" in en


def test_the_record_of_a_unanimous_decision_has_no_dissent() -> None:
    ballots = {1: (F, "同意"), 2: (F, "同意"), 3: (F, "同意")}
    line = vote_line("vote_closed", closed_facts(decide(panel(3), ballots, [1, 2, 3])))
    assert line is not None
    assert "少数意见" not in line[0] and "Dissenting" not in line[1]


def test_the_record_of_a_question_opening_calls_it_a_question() -> None:
    facts = {"seq": 1, "title": "本案事实认定", "rule": "panel_majority"}
    line = vote_line("vote_opened", facts)
    assert line is not None
    zh, en = line
    assert "第1项议题“本案事实认定”开始表决" in zh and "议案" not in zh
    assert "少数服从多数" in zh
    assert "Vote on question 1" in en and "motion" not in en
    creditors = vote_line("vote_opened", {**facts, "rule": "ordinary"})
    assert creditors is not None and "议案" in creditors[0] and "motion" in creditors[1]
