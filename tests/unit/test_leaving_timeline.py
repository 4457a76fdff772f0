"""Leaving, on the hearing's timeline: a ``leave`` of one's own is a ``left``; a connection that
ends without it and does not come back within the grace window is a ``left_without_leave``,
and the bench is alerted (the bench itself needs nobody's leave)."""

from __future__ import annotations

import asyncio
from typing import Any

from court.kinds import HearingKind
from court.presence import Presence
from court.roles import Role
from court.states import HearingState
from signaling.live import LiveHearing
from signaling.store import HearingRecord, Identity, ParticipantRecord
from tests.fakes import MemoryStore, RecordingLink

GRACE = 0.05
PEOPLE = [
    ParticipantRecord(1, Role.JUDGE, "审判长"),
    ParticipantRecord(2, Role.CLERK, "书记员"),
    ParticipantRecord(3, Role.PARTY, "张三", side="plaintiff"),
    ParticipantRecord(4, Role.PARTY, "李四", side="defendant"),
]


async def in_session() -> tuple[LiveHearing, MemoryStore, dict[int, RecordingLink]]:
    record = HearingRecord(1, HearingKind.CIVIL_TRIAL, False, HearingState.IN_SESSION, None, PEOPLE)
    store = MemoryStore(record)
    live = LiveHearing(record, store, grace_seconds=GRACE)
    links = {p.id: RecordingLink() for p in PEOPLE}
    for p in PEOPLE:
        await live.connect(Identity(1, p.id, p.role, p.name, f"participant:{p.id}"), links[p.id])
    for p in PEOPLE[2:]:
        live.room.admit(p.id)
    return live, store, links


def leaving(store: MemoryStore, member_id: int) -> list[tuple[str, Any, Any]]:
    return [
        (e.kind, e.from_value, e.to_value)
        for e in store.events
        if (e.data or {}).get("participant_id") == member_id
        and e.kind in ("left", "left_without_leave", "dropped", "reconnected")
    ]


def alerts(link: RecordingLink) -> list[dict[str, Any]]:
    return [data for event, data in link.sent if event == "alert"]


async def test_leave_and_leaving_without_leave_are_told_apart() -> None:
    live, store, links = await in_session()
    try:
        await live.leave(3)
        await live.disconnect(4, links[4])
        await asyncio.sleep(GRACE * 4)
        assert leaving(store, 3) == [("left", Presence.IN_HEARING, Presence.LEFT)]
        assert leaving(store, 4) == [
            ("dropped", Presence.IN_HEARING, Presence.RECONNECTING),
            ("left_without_leave", Presence.RECONNECTING, Presence.LEFT),
        ]
        event = next(e for e in store.events if e.kind == "left_without_leave")
        assert event.data is not None and event.data["held"] == "in_hearing"
        assert event.data["grace_seconds"] == GRACE
        assert live.room.member(4).presence is Presence.LEFT
        kinds = [a["kind"] for a in alerts(links[1])]
        assert kinds.count("left_without_leave") == 1
        assert (
            next(a for a in alerts(links[1]) if a["kind"] == "left_without_leave")["participant_id"]
            == 4
        )
        # a party is not told of another's going: alerts are the bench's
        assert alerts(links[3]) == []
    finally:
        await live.shutdown()


async def test_coming_back_within_the_grace_is_no_leaving() -> None:
    live, store, links = await in_session()
    try:
        await live.disconnect(4, links[4])
        back = RecordingLink()
        await live.connect(Identity(1, 4, Role.PARTY, "李四", "participant:4"), back)
        await asyncio.sleep(GRACE * 4)
        assert [kind for kind, _, _ in leaving(store, 4)] == ["dropped", "reconnected"]
        assert live.room.member(4).presence is Presence.IN_HEARING
    finally:
        await live.shutdown()


async def test_the_bench_running_out_of_grace_has_left() -> None:
    live, store, links = await in_session()
    try:
        await live.disconnect(2, links[2])
        await asyncio.sleep(GRACE * 4)
        assert [kind for kind, _, _ in leaving(store, 2)] == ["dropped", "left"]
        assert "left_without_leave" not in [a["kind"] for a in alerts(links[1])]
    finally:
        await live.shutdown()
