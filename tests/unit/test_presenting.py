"""Presenting an exhibit in a live hearing: who may, who sees it, the moves, the timeline
(docs/architecture.md#presenting-an-exhibit). The database behind it is tests/fakes.py's."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from court.kinds import HearingKind
from court.permissions import Action
from court.protocol import Pointer, PresentedView
from court.roles import Role
from court.states import HearingState
from signaling.live import ActionError, LiveHearing
from signaling.store import HearingRecord, Identity, ParticipantRecord, ShownFile
from tests.fakes import MemoryStore, RecordingLink

JUDGE, PLAINTIFF, DEFENDANT, LAWYER, WAITING = 1, 2, 3, 4, 5
CLIP = ShownFile(2, "被告证据1", "Defendant's exhibit 1", "录音", 7, "audio/mpeg", "录音.mp3", None)


class Hearing:
    def __init__(self) -> None:
        people = [
            ParticipantRecord(JUDGE, Role.JUDGE, "审判长"),
            ParticipantRecord(PLAINTIFF, Role.PARTY, "原告", side="plaintiff"),
            ParticipantRecord(DEFENDANT, Role.PARTY, "被告", side="defendant"),
            ParticipantRecord(LAWYER, Role.AGENT, "律师", side="defendant", represents_id=3),
            ParticipantRecord(WAITING, Role.WITNESS, "证人"),
        ]
        record = HearingRecord(
            1, HearingKind.CIVIL_TRIAL, False, HearingState.SCHEDULED, None, people
        )
        self.store = MemoryStore(record)
        self.store.exhibits[(2, 7)] = CLIP
        self.live = LiveHearing(record, self.store)
        self.who = {p.id: Identity(1, p.id, p.role, p.name, f"participant:{p.id}") for p in people}
        self.links = {p.id: RecordingLink() for p in people}

    async def start(self) -> None:
        for member_id, link in self.links.items():
            await self.live.connect(self.who[member_id], link)
        await self.live.change_state(self.who[JUDGE], Action.OPEN, HearingState.OPEN)
        for member_id in (PLAINTIFF, DEFENDANT, LAWYER):
            await self.live.admit(self.who[JUDGE], member_id)
        await self.live.change_state(self.who[JUDGE], Action.START_SESSION, HearingState.IN_SESSION)

    def shown(self, member_id: int) -> dict[str, Any] | None:
        """The presentation in the member's last room view."""
        presentation: dict[str, Any] | None = self.links[member_id].last("room")["presentation"]
        return presentation

    def moves(self, member_id: int) -> list[dict[str, Any]]:
        return [data for name, data in self.links[member_id].sent if name == "present_view"]

    def events(self, kind: str) -> list[dict[str, Any]]:
        return [e.data or {} for e in self.store.events if e.kind == kind]


@pytest.fixture
async def hearing() -> Any:
    h = Hearing()
    await h.start()
    yield h
    await h.live.shutdown()


async def refused(code: str, call: Any) -> None:
    with pytest.raises(ActionError) as caught:
        await call
    assert caught.value.code == code, caught.value


async def test_the_judge_presents_and_those_in_the_hearing_see_it_with_their_own_links(
    hearing: Hearing,
) -> None:
    await hearing.live.present(hearing.who[JUDGE], 1, 1, 2)
    for member_id in (JUDGE, PLAINTIFF, DEFENDANT, LAWYER):
        shown = hearing.shown(member_id)
        assert shown is not None
        assert (shown["exhibit_id"], shown["file_id"], shown["label"]) == (1, 1, "原告证据1")
        assert shown["view"]["page"] == 2 and shown["pages"] == 3
        assert shown["presenter_id"] == JUDGE and shown["presenter_name"] == "审判长"
        assert shown["page_url"].endswith(f"link=1-{member_id}")  # signed for them alone
    # the witness waits: nothing of it reaches the waiting room
    assert hearing.shown(WAITING) is None
    assert all(
        data["presentation"] is None for name, data in hearing.links[WAITING].sent if name == "room"
    )
    [event] = hearing.events("exhibit_presented")
    assert event == {
        "exhibit_id": 1,
        "file_id": 1,
        "label": "原告证据1",
        "title": "借款合同",
        "media_type": "application/pdf",
        "page": 2,
        "participant_id": JUDGE,
    }


async def test_moves_reach_the_hearing_in_order_folded_and_pages_go_on_the_timeline(
    hearing: Hearing,
) -> None:
    await hearing.live.present(hearing.who[JUDGE], 1, 1, 1)
    for step in range(40):  # a pointer dragged fast
        view = PresentedView(page=1, zoom=2.0, x=0.3, y=0.1, pointer=Pointer(x=step / 40, y=0.5))
        await hearing.live.present_view(hearing.who[JUDGE], view)
    await hearing.live.present_view(hearing.who[JUDGE], PresentedView(page=3, zoom=1.5))
    await asyncio.sleep(0.2)
    for member_id in (JUDGE, PLAINTIFF, LAWYER):
        moves = hearing.moves(member_id)
        assert 1 <= len(moves) <= 5, len(moves)  # folded, not one per move
        assert [m["seq"] for m in moves] == sorted(m["seq"] for m in moves)
        assert moves[-1]["seq"] == 41 and moves[-1]["view"]["page"] == 3  # the last one arrives
        assert moves[-1]["view"]["zoom"] == 1.5
    assert hearing.moves(WAITING) == []
    assert [e["page"] for e in hearing.events("presentation_page")] == [3]  # not the pointer


async def test_a_consultation_sees_nothing_and_gets_it_back_after(hearing: Hearing) -> None:
    await hearing.live.consult(hearing.who[DEFENDANT], LAWYER)
    await hearing.live.present(hearing.who[JUDGE], 1, 1, 1)
    await hearing.live.present_view(hearing.who[JUDGE], PresentedView(page=2))
    await asyncio.sleep(0.1)
    assert hearing.shown(DEFENDANT) is None and hearing.moves(DEFENDANT) == []
    assert hearing.moves(PLAINTIFF)
    await hearing.live.end_consultation(hearing.who[DEFENDANT])
    shown = hearing.shown(DEFENDANT)
    assert shown is not None and shown["view"]["page"] == 2


async def test_a_party_presents_only_with_the_floor_and_loses_it_when_taken_back(
    hearing: Hearing,
) -> None:
    await refused("no_floor", hearing.live.present(hearing.who[PLAINTIFF], 1, 1, 1))
    await refused("forbidden", hearing.live.give_floor(hearing.who[PLAINTIFF], DEFENDANT, True))
    await hearing.live.present(hearing.who[JUDGE], 1, 1, 1)
    await hearing.live.give_floor(hearing.who[JUDGE], PLAINTIFF, True)
    assert hearing.links[PLAINTIFF].last("room")["you"]["may_present"] is True
    await hearing.live.present(hearing.who[PLAINTIFF], 1, 1, 3)  # the judge's gives way
    shown = hearing.shown(DEFENDANT)
    assert shown is not None and shown["presenter_id"] == PLAINTIFF
    # only the presenter moves it; the other side cannot
    await refused(
        "not_presenting", hearing.live.present_view(hearing.who[DEFENDANT], PresentedView())
    )
    await refused("not_presenting", hearing.live.present_view(hearing.who[JUDGE], PresentedView()))
    await hearing.live.give_floor(hearing.who[JUDGE], PLAINTIFF, False)
    assert hearing.shown(DEFENDANT) is None
    assert [e["participant_id"] for e in hearing.events("exhibit_presented")] == [JUDGE, PLAINTIFF]
    assert len(hearing.events("presentation_stopped")) == 2
    await refused("refused", hearing.live.give_floor(hearing.who[JUDGE], JUDGE, True))


async def test_wrong_exhibits_pages_and_playback_are_refused(hearing: Hearing) -> None:
    judge = hearing.who[JUDGE]
    await refused("no_such_exhibit", hearing.live.present(judge, 1, 7, 1))  # the clip's file
    await refused("no_such_exhibit", hearing.live.present(judge, 99, 1, 1))
    await refused("no_such_page", hearing.live.present(judge, 1, 1, 4))
    assert hearing.store.shown == []  # nothing refused discloses the exhibit
    await refused("not_presenting", hearing.live.present_view(judge, PresentedView()))
    await hearing.live.present(judge, 1, 1, 1)
    assert hearing.store.shown == [1]
    await refused("no_such_page", hearing.live.present_view(judge, PresentedView(page=4)))
    await refused("not_playable", hearing.live.present_view(judge, PresentedView(playing=True)))
    shown = hearing.shown(PLAINTIFF)
    assert shown is not None and shown["seq"] == 0  # nothing refused was applied


async def test_a_clip_plays_for_everyone_and_playback_is_on_the_timeline(hearing: Hearing) -> None:
    judge = hearing.who[JUDGE]
    await hearing.live.present(judge, 2, 7, 1)
    await hearing.live.present_view(judge, PresentedView(playing=True, position=0.0))
    await hearing.live.present_view(judge, PresentedView(playing=False, position=12.5))
    await asyncio.sleep(0.1)
    last = hearing.moves(DEFENDANT)[-1]["view"]
    assert (last["playing"], last["position"]) == (False, 12.5)
    assert [(e["playing"], e["position"]) for e in hearing.events("presentation_playback")] == [
        (True, 0.0),
        (False, 12.5),
    ]
    # someone coming back while it plays starts where the others are, not where it was started
    await hearing.live.present_view(judge, PresentedView(playing=True, position=30.0))
    await hearing.live.consult(hearing.who[DEFENDANT], LAWYER)
    await asyncio.sleep(0.3)
    await hearing.live.end_consultation(hearing.who[DEFENDANT])
    shown = hearing.shown(DEFENDANT)
    assert shown is not None and shown["view"]["playing"]
    assert 30.25 <= shown["view"]["position"] < 31.5, shown["view"]


async def test_leaving_the_hearing_proper_or_a_recess_ends_it_a_dropped_connection_does_not(
    hearing: Hearing,
) -> None:
    judge = hearing.who[JUDGE]
    await hearing.live.give_floor(judge, PLAINTIFF, True)
    await hearing.live.present(hearing.who[PLAINTIFF], 1, 1, 1)
    await hearing.live.disconnect(PLAINTIFF, hearing.links[PLAINTIFF])
    assert hearing.live.room.presenter == PLAINTIFF  # still on screen, still
    await hearing.live.connect(hearing.who[PLAINTIFF], hearing.links[PLAINTIFF])
    await hearing.live.send_back(judge, PLAINTIFF)
    assert hearing.shown(DEFENDANT) is None
    await hearing.live.present(judge, 1, 1, 1)
    await hearing.live.change_state(judge, Action.RECESS, HearingState.RECESS)
    assert hearing.live.room.presentation is None and hearing.shown(DEFENDANT) is None
    assert len(hearing.events("presentation_stopped")) == 2
    await refused("forbidden", hearing.live.present(judge, 1, 1, 1))
    await hearing.live.stop_presenting(judge)  # nothing on screen: no error


async def test_the_bench_takes_it_down_the_other_side_cannot(hearing: Hearing) -> None:
    await hearing.live.give_floor(hearing.who[JUDGE], PLAINTIFF, True)
    await hearing.live.present(hearing.who[PLAINTIFF], 1, 1, 1)
    await refused("forbidden", hearing.live.stop_presenting(hearing.who[DEFENDANT]))
    assert hearing.live.room.presenter == PLAINTIFF
    await hearing.live.stop_presenting(hearing.who[JUDGE])
    assert hearing.shown(PLAINTIFF) is None
