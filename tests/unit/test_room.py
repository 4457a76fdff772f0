"""Presence and who-receives-whom, on the pure room model."""

from __future__ import annotations

import pytest

from court.kinds import HearingKind
from court.presence import Presence
from court.roles import Role
from court.states import HearingState
from signaling.room import Member, Room, RoomError, ScreenTaken

JUDGE, CLERK, PLAINTIFF, LAWYER, DEFENDANT, WITNESS, OBSERVER = 1, 2, 3, 4, 5, 6, 7


@pytest.fixture
def room() -> Room:
    members = [
        Member(JUDGE, Role.JUDGE, "审判长"),
        Member(CLERK, Role.CLERK, "书记员"),
        Member(PLAINTIFF, Role.PARTY, "张三", side="plaintiff"),
        Member(LAWYER, Role.AGENT, "赵律师", side="plaintiff", represents_id=PLAINTIFF),
        Member(DEFENDANT, Role.PARTY, "李四", side="defendant"),
        Member(WITNESS, Role.WITNESS, "钱五"),
        Member(OBSERVER, Role.OBSERVER, "旁听"),
    ]
    room = Room(
        1, HearingKind.CIVIL_TRIAL, True, HearingState.OPEN, members={m.id: m for m in members}
    )
    for member in members:
        room.arrive(member.id)
    return room


def test_bench_enters_others_wait(room: Room) -> None:
    assert room.members[JUDGE].presence is Presence.IN_HEARING
    assert all(
        room.members[m].presence is Presence.WAITING
        for m in (PLAINTIFF, LAWYER, DEFENDANT, WITNESS, OBSERVER)
    )


def test_waiting_room_receives_nothing_and_sends_nothing(room: Room) -> None:
    assert not room.receives(PLAINTIFF, JUDGE)
    assert not room.receives(JUDGE, PLAINTIFF)
    room.admit(PLAINTIFF)
    assert room.receives(PLAINTIFF, JUDGE) and room.receives(JUDGE, PLAINTIFF)
    assert not room.receives(DEFENDANT, PLAINTIFF)


def test_admit_all_leaves_witnesses_waiting_until_called(room: Room) -> None:
    admitted = room.admit_all()
    assert sorted(admitted) == [PLAINTIFF, LAWYER, DEFENDANT, OBSERVER]
    assert not room.receives(WITNESS, JUDGE) and not room.receives(JUDGE, WITNESS)
    room.admit(WITNESS)
    assert room.receives(WITNESS, DEFENDANT) and room.receives(DEFENDANT, WITNESS)


def test_observers_receive_only(room: Room) -> None:
    room.admit_all()
    assert room.receives(OBSERVER, JUDGE)
    assert not room.may_publish(OBSERVER) and not room.receives(JUDGE, OBSERVER)


def test_muted_audio_reaches_nobody_but_video_still_does(room: Room) -> None:
    room.admit_all()
    room.members[DEFENDANT].bench_muted = True
    assert not room.hears(JUDGE, DEFENDANT) and room.receives(JUDGE, DEFENDANT)
    room.members[DEFENDANT].bench_muted = False
    room.members[DEFENDANT].self_muted = True
    assert not room.hears(PLAINTIFF, DEFENDANT)


def test_consultation_is_private_from_everyone_including_the_judge(room: Room) -> None:
    room.admit_all()
    room.consult(LAWYER, PLAINTIFF)
    assert room.members[PLAINTIFF].presence is Presence.IN_CONSULTATION
    assert room.receives(PLAINTIFF, LAWYER) and room.receives(LAWYER, PLAINTIFF)
    for outsider in (JUDGE, CLERK, DEFENDANT, OBSERVER):
        assert not room.receives(outsider, PLAINTIFF) and not room.receives(outsider, LAWYER)
        assert not room.receives(PLAINTIFF, outsider)
    room.end_consultation(PLAINTIFF)
    assert room.members[LAWYER].presence is Presence.IN_HEARING
    assert room.receives(JUDGE, LAWYER)


def test_consultation_only_with_ones_own_lawyer(room: Room) -> None:
    room.admit_all()
    with pytest.raises(RoomError, match="their own lawyer"):
        room.consult(DEFENDANT, LAWYER)
    with pytest.raises(RoomError):
        room.consult(PLAINTIFF, DEFENDANT)


def test_reconnecting_keeps_admission_and_place(room: Room) -> None:
    room.admit_all()
    room.consult(PLAINTIFF, LAWYER)
    room.drop(PLAINTIFF)
    assert room.members[PLAINTIFF].presence is Presence.RECONNECTING
    assert not room.receives(LAWYER, PLAINTIFF)
    assert room.arrive(PLAINTIFF) is Presence.IN_CONSULTATION
    room.drop(DEFENDANT)
    assert room.expire(DEFENDANT)
    assert room.members[DEFENDANT].presence is Presence.LEFT
    assert room.arrive(DEFENDANT) is Presence.WAITING  # after the grace window: admitted again


def test_removed_cannot_come_back(room: Room) -> None:
    room.admit_all()
    room.remove(DEFENDANT)
    with pytest.raises(RoomError, match="removed"):
        room.arrive(DEFENDANT)
    with pytest.raises(RoomError, match="bench"):
        room.remove(JUDGE)


def test_send_back_ends_consultation_and_admission(room: Room) -> None:
    room.admit_all()
    room.consult(PLAINTIFF, LAWYER)
    room.send_back(LAWYER)
    assert room.members[LAWYER].presence is Presence.WAITING and not room.members[LAWYER].admitted
    assert room.members[PLAINTIFF].presence is Presence.IN_HEARING
    with pytest.raises(RoomError, match="not in the waiting room"):
        room.admit(PLAINTIFF)


def test_no_media_once_closed(room: Room) -> None:
    room.admit_all()
    room.close()
    assert not room.receives(PLAINTIFF, JUDGE)
    assert all(m.presence is Presence.LEFT for m in room.members.values())


def test_a_stalled_device_is_forgotten_once_its_connection_ends(room: Room) -> None:
    room.admit_all()
    for member_id in (PLAINTIFF, DEFENDANT, WITNESS):
        room.members[member_id].media_stalled = True
    room.drop(PLAINTIFF)  # the socket went too: reconnecting says it all
    room.leave(DEFENDANT)
    room.remove(WITNESS)
    assert not any(room.members[m].media_stalled for m in (PLAINTIFF, DEFENDANT, WITNESS))


def test_one_sharer_at_a_time_in_the_hearing_in_session(room: Room) -> None:
    with pytest.raises(RoomError):
        room.start_share(JUDGE, "screen")  # not in session yet
    room.state = HearingState.IN_SESSION
    for member_id in (PLAINTIFF, OBSERVER):
        with pytest.raises(RoomError):
            room.start_share(member_id, "screen")  # waiting; an observer never
    room.admit(PLAINTIFF)
    room.admit(DEFENDANT)
    room.start_share(PLAINTIFF, "screen")
    assert room.sharer == PLAINTIFF and room.members[PLAINTIFF].screen_track == "screen"
    with pytest.raises(ScreenTaken, match="张三"):
        room.start_share(DEFENDANT, "other")
    room.end_share()
    room.start_share(DEFENDANT, "other")
    assert room.sharer == DEFENDANT


@pytest.mark.parametrize("change", ["send_back", "drop", "leave", "remove", "consult", "close"])
def test_leaving_the_hearing_proper_ends_the_share(room: Room, change: str) -> None:
    room.state = HearingState.IN_SESSION
    room.admit(PLAINTIFF)
    room.admit(LAWYER)
    room.start_share(PLAINTIFF, "screen")
    if change == "consult":
        room.consult(LAWYER, PLAINTIFF)
    elif change == "close":
        room.close()
    else:
        getattr(room, change)(PLAINTIFF)
    assert room.sharer is None
    # the track stays known as the screen, never taken for a camera
    assert room.members[PLAINTIFF].screen_track == "screen"
