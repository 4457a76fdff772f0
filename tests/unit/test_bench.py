"""The bench of a hearing (docs/architecture.md#bench): one judge presides and conducts, the
others sit; the presiding judge hands over; the bench's private channel reaches the bench only."""

from __future__ import annotations

import pytest

from court.bench import PRESIDING_ACTIONS, conduct_refusal, presiding_judge
from court.kinds import HearingKind
from court.permissions import Action, check
from court.roles import Role
from court.states import HearingState
from signaling.live import ActionError, LiveHearing
from signaling.store import HearingRecord, Identity, ParticipantRecord
from tests.fakes import MemoryStore, RecordingLink


def test_the_marked_judge_presides_else_the_first() -> None:
    assert presiding_judge([]) is None
    assert presiding_judge([(7, False)]) == 7
    assert presiding_judge([(9, False), (7, False)]) == 7
    assert presiding_judge([(7, False), (9, True)]) == 9
    assert presiding_judge([(9, True), (8, True)]) == 8


@pytest.mark.parametrize("action", sorted(PRESIDING_ACTIONS))
def test_only_the_presiding_judge_conducts(action: Action) -> None:
    assert conduct_refusal(Role.JUDGE, action, presides=True) is None
    assert conduct_refusal(Role.JUDGE, action, presides=False) is not None
    # the clerk assists as the table says; nothing of presiding concerns them
    assert conduct_refusal(Role.CLERK, action, presides=False) is None


def test_assessors_sit_but_do_not_conduct_or_write_the_record() -> None:
    assert check(Role.ASSESSOR, Action.PUBLISH, HearingState.IN_SESSION)
    assert check(Role.ASSESSOR, Action.BENCH_CHAT, HearingState.IN_SESSION)
    for action in (*PRESIDING_ACTIONS, Action.WRITE_TRANSCRIPT, Action.RAISE_HAND):
        assert not check(Role.ASSESSOR, action, HearingState.IN_SESSION)


PEOPLE = [
    ParticipantRecord(1, Role.JUDGE, "审判长"),
    ParticipantRecord(2, Role.JUDGE, "审判员"),
    ParticipantRecord(3, Role.ASSESSOR, "陪审员"),
    ParticipantRecord(4, Role.CLERK, "书记员"),
    ParticipantRecord(5, Role.PARTY, "原告", side="plaintiff"),
    ParticipantRecord(6, Role.DETAINEE, "被告人", side="defendant"),
]


async def _bench(
    people: list[ParticipantRecord] = PEOPLE,
) -> tuple[LiveHearing, MemoryStore, dict[int, Identity], dict[int, RecordingLink]]:
    record = HearingRecord(1, HearingKind.CRIMINAL_TRIAL, False, HearingState.OPEN, None, people)
    store = MemoryStore(record)
    live = LiveHearing(record, store)
    who = {p.id: Identity(1, p.id, p.role, p.name, f"participant:{p.id}") for p in people}
    links = {p.id: RecordingLink() for p in people}
    for p in people:
        await live.connect(who[p.id], links[p.id])
    return live, store, who, links


async def test_the_second_judge_conducts_only_once_handed_over() -> None:
    live, store, who, links = await _bench()
    try:
        assert live.room.presiding_id == 1
        # the second judge sits on the bench (in the hearing, no waiting room)...
        assert live.room.members[2].presence == "in_hearing"
        # ...but does not conduct
        for attempt in (
            live.change_state(who[2], Action.START_SESSION, HearingState.IN_SESSION),
            live.admit(who[2], 5),
            live.hand_over(who[2], 2),
        ):
            with pytest.raises(ActionError) as refused:
                await attempt
            assert refused.value.code == "not_presiding"
        # a hand-over goes to a judge only
        for target in (3, 4, 5, 1):
            with pytest.raises(ActionError):
                await live.hand_over(who[1], target)
        await live.hand_over(who[1], 2)
        assert live.room.presiding_id == 2 and store.presiding == [2]
        event = store.events[-1]
        assert (event.kind, event.from_value, event.to_value) == ("handed_over", "1", "2")
        # everyone is shown who presides now
        view = links[5].last("room")
        assert [m["id"] for m in view["members"] if m["presiding"]] == [2]
        await live.change_state(who[2], Action.START_SESSION, HearingState.IN_SESSION)
        with pytest.raises(ActionError) as refused:
            await live.set_phase(who[1], "investigation")
        assert refused.value.code == "not_presiding"
    finally:
        await live.shutdown()


async def test_a_judge_marked_presiding_presides_after_a_reload() -> None:
    people = [
        ParticipantRecord(1, Role.JUDGE, "审判员"),
        ParticipantRecord(2, Role.JUDGE, "审判长", presiding=True),
    ]
    live, *_ = await _bench(people)
    try:
        assert live.room.presiding_id == 2
    finally:
        await live.shutdown()


async def test_the_bench_channel_reaches_the_bench_only() -> None:
    live, store, who, links = await _bench()
    try:
        live.room.admit(5)
        live.room.admit(6)
        events_before = len(store.events)
        await live.bench_chat(who[3], "被告人的供述前后矛盾")
        for member_id in (1, 2, 3, 4):
            assert links[member_id].last("bench_message")["text"] == "被告人的供述前后矛盾"
        for member_id in (5, 6):
            assert all(name != "bench_message" for name, _ in links[member_id].sent)
            assert "被告人的供述" not in str(links[member_id].sent)
        # nothing of it is written to the timeline (the parties' archive is made from it)
        assert len(store.events) == events_before
        for outsider in (5, 6):
            with pytest.raises(ActionError) as refused:
                await live.bench_chat(who[outsider], "我也想说")
            assert refused.value.code == "forbidden"
    finally:
        await live.shutdown()
