"""A deliberation's vote in the live room (signaling/live/votes.py, court/deliberation.py) with an
in-memory store: a panel's and a judicial committee's, who votes and with what opinion, the
refusals, what each member is shown once decided, and the timeline."""

from __future__ import annotations

from functools import partial

import pytest

from court.kinds import HearingKind
from court.roles import Role
from court.states import HearingState
from court.transcript import fact_line
from court.votes import Choice, Claim, ClaimGroup
from signaling.live import ActionError, LiveHearing
from signaling.store import HearingRecord, Identity, MotionRecord, ParticipantRecord
from tests.fakes import MemoryStore, RecordingLink
from tests.unit.test_votes_live import refused, vote_of

PANEL = [
    ParticipantRecord(1, Role.JUDGE, "王审判长", presiding=True),
    ParticipantRecord(2, Role.JUDGE, "李审判员"),
    ParticipantRecord(3, Role.ASSESSOR, "赵陪审员"),
    ParticipantRecord(4, Role.CLERK, "书记员"),
]
COMMITTEE = [
    ParticipantRecord(1, Role.JUDGE, "院长", presiding=True),
    ParticipantRecord(2, Role.JUDGE, "副院长"),
    ParticipantRecord(5, Role.JUDGE, "庭长"),
    ParticipantRecord(4, Role.CLERK, "书记员"),
    ParticipantRecord(6, Role.PROSECUTOR, "检察长", admitted=True),
]
QUESTIONS = {
    1: MotionRecord(1, 1, "被告是否构成违约", "panel_majority", "draft"),
    2: MotionRecord(2, 2, "财产变价方案", "ordinary", "draft"),
}


def who(people: list[ParticipantRecord], member_id: int) -> Identity:
    p = next(p for p in people if p.id == member_id)
    return Identity(1, p.id, p.role, p.name, f"participant:{p.id}:{p.name}")


async def deliberation(
    kind: HearingKind, people: list[ParticipantRecord], phase: str = "decision"
) -> tuple[LiveHearing, MemoryStore, dict[int, RecordingLink]]:
    record = HearingRecord(1, kind, False, HearingState.IN_SESSION, phase, people)
    store = MemoryStore(record)
    store.motions = {
        n: MotionRecord(m.id, m.seq, m.title, m.rule, m.state) for n, m in QUESTIONS.items()
    }
    live = LiveHearing(record, store)
    links = {p.id: RecordingLink() for p in people}
    for member_id, link in links.items():
        await live.connect(who(people, member_id), link)
    return live, store, links


def opinions_of(link: RecordingLink) -> dict[int, tuple[str | None, str, bool]]:
    return {
        o["participant_id"]: (o["choice"], o["opinion"], o["dissent"])
        for o in vote_of(link)["opinions"]
    }


async def test_a_question_is_put_only_in_the_decision_phase() -> None:
    live, _, _ = await deliberation(HearingKind.PANEL_DELIBERATION, PANEL, phase="discussion")
    try:
        await refused("not_vote_phase", live.open_vote(who(PANEL, 1), 1))
    finally:
        await live.shutdown()


async def test_a_panel_votes_with_opinions_and_the_dissent_is_kept() -> None:
    live, store, links = await deliberation(HearingKind.PANEL_DELIBERATION, PANEL)
    member = partial(who, PANEL)
    try:
        await refused("wrong_rule", live.open_vote(member(1), 2))  # a creditors' rule
        await refused("not_presiding", live.open_vote(member(2), 1))
        await live.open_vote(member(1), 1)
        shown = vote_of(links[3])
        assert (
            shown["state"] == "open"
            and shown["voters"] == [3]
            and shown["rule"] == ("panel_majority")
        )
        assert vote_of(links[4])["voters"] == []  # the clerk keeps the record

        await refused("opinion_required", live.cast_ballot(member(2), 1, Choice.FOR, None))
        await refused("opinion_required", live.cast_ballot(member(2), 1, Choice.FOR, None, ""))
        await refused("opinion_required", live.cast_ballot(member(2), 1, Choice.FOR, None, " \n"))
        await refused("not_yours", live.cast_ballot(member(2), 1, Choice.FOR, 1, "代为表决"))
        await refused("no_vote", live.cast_ballot(member(4), 1, Choice.FOR, None, "书记员意见"))
        await refused("vote_not_open", live.cast_ballot(member(2), 2, Choice.FOR, None, "同意"))

        assert await live.cast_ballot(member(1), 1, Choice.FOR, None, "  构成违约  ") == {
            "ok": True,
            "creditor_id": 1,
            "choice": "for",
        }
        await live.cast_ballot(member(2), 1, Choice.FOR, 2, "同意审判长意见")
        await refused("already_voted", live.cast_ballot(member(2), 1, Choice.AGAINST, None, "改"))
        await live.cast_ballot(member(3), 1, Choice.AGAINST, None, "合同已解除，不构成违约")
        assert vote_of(links[3])["ballots"] == [
            {"creditor_id": 3, "choice": "against", "opinion": "合同已解除，不构成违约"}
        ]
        assert vote_of(links[1])["opinions"] == []  # nothing decided yet
        assert vote_of(links[1])["tally"]["overall"]["for_count"] == 2

        assert await live.close_vote(member(1), 1) == {"ok": True, "passed": True}
        await refused("vote_closed", live.cast_ballot(member(3), 1, Choice.FOR, None, "改变意见"))
        expected = {
            1: ("for", "构成违约", False),
            2: ("for", "同意审判长意见", False),
            3: ("against", "合同已解除，不构成违约", True),
        }
        for bench in (1, 2, 3, 4):
            assert opinions_of(links[bench]) == expected, bench
            assert vote_of(links[bench])["tally"]["passed"] is True
        names = {o["participant_id"]: (o["name"], o["role"]) for o in vote_of(links[4])["opinions"]}
        assert names[3] == ("赵陪审员", "assessor")
        assert store.motions[1].state == "closed"
        assert store.motions[1].opinions[1] == "构成违约"  # kept stripped

        cast = [e for e in store.events if e.kind == "ballot_cast"]
        assert [(e.to_value, e.data and e.data["opinion"]) for e in cast] == [
            ("for", "构成违约"),
            ("for", "同意审判长意见"),
            ("against", "合同已解除，不构成违约"),
        ]
        closed = next(e for e in store.events if e.kind == "vote_closed")
        assert closed.data is not None and closed.to_value == "passed"
        kept = {o["participant_id"]: o for o in closed.data["result"]["opinions"]}
        assert kept[3]["dissent"] is True and kept[3]["opinion"] == "合同已解除，不构成违约"
        assert kept[1]["role"] == "judge" and kept[1]["choice"] == "for"
        line = fact_line(closed.kind, None, closed.to_value, closed.data, {}, {})
        assert line is not None
        assert "第1项议题" in line[0] and "少数意见：赵陪审员：合同已解除，不构成违约" in line[0]
        assert "Dissenting: 赵陪审员" in line[1]
    finally:
        await live.shutdown()


async def test_a_committee_decides_by_its_judges_and_the_prosecutor_sees_only_the_result() -> None:
    live, store, links = await deliberation(HearingKind.COMMITTEE_MEETING, COMMITTEE)
    member = partial(who, COMMITTEE)
    try:
        await live.open_vote(member(1), 1)
        assert vote_of(links[6])["voters"] == [] and vote_of(links[6])["tally"] is None
        for silent in (4, 6):
            await refused("no_vote", live.cast_ballot(member(silent), 1, Choice.FOR, None, "意见"))
        with pytest.raises(ActionError) as caught:
            await live.cast_ballot(member(6), 1, Choice.AGAINST, None, "检察意见")
        assert "prosecutor" in caught.value.message and "does not vote" in caught.value.message
        await live.cast_ballot(member(1), 1, Choice.FOR, None, "应当再审")
        await live.cast_ballot(member(2), 1, Choice.AGAINST, None, "原判正确")
        # 庭长 (5) casts nothing: one for of three is not more than half of all
        assert await live.close_vote(member(1), 1) == {"ok": True, "passed": False}

        assert opinions_of(links[2]) == {
            1: ("for", "应当再审", True),
            2: ("against", "原判正确", False),
            5: (None, "", False),
        }
        prosecutor = vote_of(links[6])
        assert prosecutor["state"] == "closed" and prosecutor["tally"]["passed"] is False
        assert prosecutor["opinions"] == [] and prosecutor["ballots"] == []
        closed = next(e for e in store.events if e.kind == "vote_closed")
        assert closed.data is not None
        overall = closed.data["result"]["overall"]
        assert (overall["creditors"], overall["not_voted"]) == (3, 1)
        assert [o["participant_id"] for o in closed.data["result"]["opinions"]] == [1, 2, 5]
    finally:
        await live.shutdown()


async def test_a_creditors_ballot_carries_no_opinion_and_no_panel_rule() -> None:
    people = [
        ParticipantRecord(1, Role.JUDGE, "审判长"),
        ParticipantRecord(10, Role.CREDITOR, "甲银行", admitted=True),
    ]
    record = HearingRecord(
        1, HearingKind.CREDITORS_MEETING, False, HearingState.IN_SESSION, "vote", people
    )
    store = MemoryStore(record)
    claims = (Claim(10, 100_00, ClaimGroup.ORDINARY),)
    store.motions = {
        1: MotionRecord(1, 1, "议题", "panel_majority", "draft", claims),
        2: MotionRecord(2, 2, "财产变价方案", "ordinary", "draft", claims),
    }
    live = LiveHearing(record, store)
    try:
        for p in people:
            await live.connect(who(people, p.id), RecordingLink())
        await refused("wrong_rule", live.open_vote(who(people, 1), 1))
        await live.open_vote(who(people, 1), 2)
        creditor = who(people, 10)
        await refused("no_opinion", live.cast_ballot(creditor, 2, Choice.FOR, None, "我的意见"))
        assert store.motions[2].ballots == {}
        await live.cast_ballot(creditor, 2, Choice.FOR, None)
    finally:
        await live.shutdown()


async def test_an_open_question_loaded_again_keeps_its_opinions() -> None:
    """After a restart (or on another process) the open vote's ballots and their opinions come
    from the store, and count in the decision with them."""
    ballots = {1: Choice.FOR, 3: Choice.FOR}
    opinions = {1: "构成违约", 3: "同意"}
    open_question = MotionRecord(
        1, 1, "被告是否构成违约", "panel_majority", "open", (), ballots, opinions
    )
    record = HearingRecord(
        1,
        HearingKind.PANEL_DELIBERATION,
        False,
        HearingState.IN_SESSION,
        "decision",
        PANEL,
        open_question,
    )
    store = MemoryStore(record)
    store.motions = {1: open_question}
    live = LiveHearing(record, store)
    try:
        for member_id in (1, 2, 3):
            await live.connect(who(PANEL, member_id), RecordingLink())
        await refused(
            "already_voted", live.cast_ballot(who(PANEL, 3), 1, Choice.AGAINST, None, "改")
        )
        await live.cast_ballot(who(PANEL, 2), 1, Choice.AGAINST, None, "不构成")
        assert await live.close_vote(who(PANEL, 1), 1) == {"ok": True, "passed": True}
        closed = next(e for e in store.events if e.kind == "vote_closed")
        assert closed.data is not None
        kept = {
            o["participant_id"]: (o["opinion"], o["dissent"])
            for o in closed.data["result"]["opinions"]
        }
        assert kept == {1: ("构成违约", False), 2: ("不构成", True), 3: ("同意", False)}
    finally:
        await live.shutdown()
