"""A creditors' meeting's vote in the live room (signaling/live/votes.py) with an in-memory store:
who may open, cast and close, the refusals, what each member is shown, and the timeline."""

from __future__ import annotations

from typing import Any

import pytest

from court.kinds import HearingKind
from court.permissions import Action
from court.roles import Role
from court.states import HearingState
from court.transcript import fact_line
from court.votes import Choice, Claim, ClaimGroup
from signaling.live import ActionError, LiveHearing
from signaling.store import HearingRecord, Identity, MotionRecord, ParticipantRecord
from tests.fakes import MemoryStore, RecordingLink

PEOPLE = [
    ParticipantRecord(1, Role.JUDGE, "审判长"),
    ParticipantRecord(2, Role.CLERK, "书记员"),
    ParticipantRecord(10, Role.CREDITOR, "甲银行", admitted=True),
    ParticipantRecord(11, Role.CREDITOR, "乙公司", admitted=True),
    ParticipantRecord(12, Role.CREDITOR, "丙公司"),
    ParticipantRecord(13, Role.CREDITOR, "丁公司"),
    ParticipantRecord(14, Role.CREDITOR, "戊公司"),
    ParticipantRecord(20, Role.AGENT, "丙公司代理人", represents_id=12, admitted=True),
    ParticipantRecord(30, Role.PARTY, "债务人", admitted=True),
]
CONNECTED = (1, 2, 10, 11, 14, 20, 30)
"""13 stays away; 14 connects but is not admitted (waiting)."""
CLAIMS = (
    Claim(10, 600_000_00, ClaimGroup.SECURED),
    Claim(11, 300_000_00, ClaimGroup.ORDINARY),
    Claim(12, 200_000_00, ClaimGroup.ORDINARY),
    Claim(13, 100_000_00, ClaimGroup.ORDINARY),
    Claim(14, 50_000_00, ClaimGroup.ORDINARY),
)


def who(member_id: int) -> Identity:
    p = next(p for p in PEOPLE if p.id == member_id)
    return Identity(1, p.id, p.role, p.name, f"participant:{p.id}:{p.name}")


async def meeting(phase: str = "vote") -> tuple[LiveHearing, MemoryStore, dict[int, RecordingLink]]:
    record = HearingRecord(
        1, HearingKind.CREDITORS_MEETING, False, HearingState.IN_SESSION, phase, PEOPLE
    )
    store = MemoryStore(record)
    store.motions = {
        1: MotionRecord(1, 1, "财产变价方案", "ordinary", "draft", CLAIMS),
        2: MotionRecord(2, 2, "重整计划草案", "reorganisation", "draft", CLAIMS),
    }
    live = LiveHearing(record, store)
    links = {member_id: RecordingLink() for member_id in CONNECTED}
    for member_id, link in links.items():
        await live.connect(who(member_id), link)
    return live, store, links


def vote_of(link: RecordingLink) -> Any:
    return link.last("room")["vote"]


async def refused(code: str, step: Any) -> None:
    with pytest.raises(ActionError) as caught:
        await step
    assert caught.value.code == code, caught.value.message


async def test_a_vote_from_opening_to_result() -> None:
    live, store, links = await meeting()
    try:
        await refused("vote_not_open", live.cast_ballot(who(10), 1, Choice.FOR, None))
        await refused("forbidden", live.open_vote(who(2), 1))  # the clerk does not preside
        await refused("not_found", live.open_vote(who(1), 99))
        await live.open_vote(who(1), 1)
        await refused("vote_open", live.open_vote(who(1), 2))
        shown = vote_of(links[10])
        assert shown["state"] == "open" and shown["voters"] == [10] and shown["tally"] is None
        assert vote_of(links[20])["voters"] == [12]  # the agent votes for their client
        assert vote_of(links[30])["voters"] == []
        assert vote_of(links[14]) is None  # the waiting room sees nothing of it

        assert await live.cast_ballot(who(10), 1, Choice.FOR, None) == {
            "ok": True,
            "creditor_id": 10,
            "choice": "for",
        }
        await refused("already_voted", live.cast_ballot(who(10), 1, Choice.AGAINST, None))
        await refused("not_yours", live.cast_ballot(who(11), 1, Choice.FOR, 12))
        await refused("forbidden", live.cast_ballot(who(30), 1, Choice.FOR, None))
        await refused("forbidden", live.cast_ballot(who(1), 1, Choice.FOR, 10))
        await refused("not_in_hearing", live.cast_ballot(who(14), 1, Choice.FOR, None))
        await refused("vote_not_open", live.cast_ballot(who(11), 2, Choice.FOR, None))
        await live.cast_ballot(who(20), 1, Choice.FOR, 12)
        await live.cast_ballot(who(11), 1, Choice.AGAINST, None)
        assert vote_of(links[10])["ballots"] == [
            {"creditor_id": 10, "choice": "for", "opinion": None}
        ]
        live_tally = vote_of(links[1])["tally"]
        assert live_tally["passed"] is None and live_tally["overall"]["for_count"] == 2
        assert vote_of(links[11])["tally"] is None and vote_of(links[11])["cast"] == 3

        await refused("forbidden", live.close_vote(who(10), 1))
        # present: 10, 11, 12 (through the agent); 2 of 3 heads for; unsecured for 200,000 of
        # 600,000 (11, 12, 13, 14): not half
        assert await live.close_vote(who(1), 1) == {"ok": True, "passed": False}
        await refused("vote_closed", live.cast_ballot(who(11), 1, Choice.FOR, None))
        await refused("vote_closed", live.close_vote(who(1), 1))
        for member_id in (1, 10, 20, 30):
            result = vote_of(links[member_id])
            assert result["state"] == "closed" and result["tally"]["passed"] is False
        overall = vote_of(links[30])["tally"]["overall"]
        assert (overall["present"], overall["absent"], overall["for_count"]) == (3, 2, 2)
        assert (overall["for_fen"], overall["total_fen"]) == (200_000_00, 650_000_00)
        assert store.motions[1].state == "closed"
        await refused("vote_done", live.open_vote(who(1), 1))

        kinds = [e.kind for e in store.events if e.kind.startswith(("vote", "ballot"))]
        assert kinds == ["vote_opened", "ballot_cast", "ballot_cast", "ballot_cast", "vote_closed"]
        closed = next(e for e in store.events if e.kind == "vote_closed")
        assert closed.data is not None and closed.data["present"] == [10, 11, 12]
        line = fact_line(closed.kind, None, closed.to_value, closed.data, {}, {})
        assert line is not None
        zh, en = line
        assert "第1项议案“财产变价方案”表决结束" in zh and "未通过" in zh
        assert "650,000.00" in zh and "2 for" in en and "not passed" in en
    finally:
        await live.shutdown()


async def test_a_reorganisation_plan_is_counted_by_group() -> None:
    live, _, links = await meeting()
    try:
        await live.open_vote(who(1), 2)
        await live.cast_ballot(who(10), 2, Choice.FOR, None)
        await live.cast_ballot(who(11), 2, Choice.FOR, None)
        await live.cast_ballot(who(20), 2, Choice.FOR, None)
        await live.close_vote(who(1), 2)
        tally = vote_of(links[11])["tally"]
        groups = {g["group"]: g for g in tally["groups"]}
        assert groups["secured"]["passed"] is True
        # ordinary: 2 of 2 present for, 500,000 of 650,000 is over two-thirds
        assert groups["ordinary"]["passed"] is True and groups["ordinary"]["absent"] == 2
        assert tally["passed"] is True
    finally:
        await live.shutdown()


async def test_a_vote_opens_only_in_the_vote_phase() -> None:
    live, _, _ = await meeting(phase="report")
    try:
        await refused("not_vote_phase", live.open_vote(who(1), 1))
    finally:
        await live.shutdown()


async def test_a_vote_open_when_the_hearing_is_loaded_again_goes_on() -> None:
    """After a restart (or on another process) the open vote and its ballots come from the store."""
    open_motion = MotionRecord(1, 1, "财产变价方案", "ordinary", "open", CLAIMS, {10: Choice.FOR})
    record = HearingRecord(
        1,
        HearingKind.CREDITORS_MEETING,
        False,
        HearingState.IN_SESSION,
        "vote",
        PEOPLE,
        open_motion,
    )
    store = MemoryStore(record)
    store.motions = {1: open_motion}
    live = LiveHearing(record, store)
    try:
        for member_id in (1, 10, 11):
            await live.connect(who(member_id), RecordingLink())
        await refused("already_voted", live.cast_ballot(who(10), 1, Choice.AGAINST, None))
        await refused("vote_open", live.open_vote(who(1), 1))
        await live.cast_ballot(who(11), 1, Choice.FOR, None)
        # both present for (the ballot kept before the restart counts), but only 300,000 of the
        # 650,000 unsecured: not half
        assert await live.close_vote(who(1), 1) == {"ok": True, "passed": False}
        closed = next(e for e in store.events if e.kind == "vote_closed")
        assert closed.data is not None
        assert closed.data["result"]["overall"]["for_count"] == 2
    finally:
        await live.shutdown()


async def test_closing_the_meeting_closes_an_open_vote_counted_as_it_stands() -> None:
    """The meeting's close ends the time to vote: the open vote closes first, with the result
    of the ballots cast (present creditors who cast nothing count as not for), on the
    timeline before the hearing's close and worded in the transcript."""
    live, store, links = await meeting()
    try:
        await live.open_vote(who(1), 1)
        await live.cast_ballot(who(11), 1, Choice.FOR, None)
        await live.cast_ballot(who(20), 1, Choice.FOR, 12)
        # a recess leaves the vote open (no ballot is cast in it); the close is from the recess
        await live.change_state(who(1), Action.RECESS, HearingState.RECESS)
        assert store.motions[1].state == "open" and vote_of(links[10])["state"] == "open"
        await refused("forbidden", live.cast_ballot(who(10), 1, Choice.FOR, None))
        await refused("forbidden", live.change_state(who(10), Action.CLOSE, HearingState.CLOSED))
        assert store.motions[1].state == "open"  # a refused close closes nothing
        await live.change_state(who(1), Action.CLOSE, HearingState.CLOSED)

        assert store.motions[1].state == "closed"
        kinds = [e.kind for e in store.events if e.kind in ("vote_closed", "state")]
        assert kinds[-2:] == ["vote_closed", "state"]
        closed = next(e for e in store.events if e.kind == "vote_closed")
        assert closed.data is not None and closed.data["with_hearing"] is True
        # present 10, 11, 12: 2 of 3 heads for; unsecured for 500,000 of 650,000
        assert closed.data["present"] == [10, 11, 12] and closed.data["result"]["passed"] is True
        line = fact_line(closed.kind, None, closed.to_value, closed.data, {}, {})
        assert line is not None
        assert "随闭会结束" in line[0] and "通过" in line[0]
        assert "closes with it" in line[1] and "passed" in line[1]
        await refused("forbidden", live.cast_ballot(who(10), 1, Choice.FOR, None))
    finally:
        await live.shutdown()


async def test_closing_the_meeting_with_no_vote_open_records_no_vote() -> None:
    live, store, _ = await meeting()
    try:
        await live.open_vote(who(1), 1)
        await live.close_vote(who(1), 1)
        await live.change_state(who(1), Action.CLOSE, HearingState.CLOSED)
        assert [e.kind for e in store.events].count("vote_closed") == 1
    finally:
        await live.shutdown()
