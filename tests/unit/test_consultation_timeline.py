"""A private consultation on the hearing's timeline: who was in it and from when to when,
however it ended (by its end, or by one of them leaving or being sent back), so the archive
shows both away for that time."""

from __future__ import annotations

import pytest

from court.kinds import HearingKind
from court.roles import Role
from court.states import HearingState
from signaling.live import LiveHearing
from signaling.store import HearingRecord, Identity, ParticipantRecord
from tests.fakes import MemoryStore, RecordingLink

PEOPLE = [
    ParticipantRecord(1, Role.JUDGE, "审判长"),
    ParticipantRecord(3, Role.DETAINEE, "孙六", side="defendant"),
    ParticipantRecord(4, Role.COUNSEL, "吴律师", side="defendant", represents_id=3),
]


async def consulting() -> tuple[LiveHearing, MemoryStore, dict[int, Identity]]:
    record = HearingRecord(
        1, HearingKind.CRIMINAL_TRIAL, False, HearingState.IN_SESSION, None, PEOPLE
    )
    store = MemoryStore(record)
    live = LiveHearing(record, store)
    who = {p.id: Identity(1, p.id, p.role, p.name, f"participant:{p.id}") for p in PEOPLE}
    for p in PEOPLE:
        await live.connect(who[p.id], RecordingLink())
    for p in PEOPLE[1:]:
        live.room.admit(p.id)
    await live.consult(who[3], 4)
    return live, store, who


def consultation_rows(store: MemoryStore) -> list[tuple[str, str | None, object]]:
    return [
        (e.kind, e.to_value, (e.data or {}).get("participant_ids"))
        for e in store.events
        if e.kind.startswith("consultation")
    ]


@pytest.mark.parametrize("ending", ["end_consultation", "leave", "send_back"])
async def test_a_consultation_is_on_the_timeline_with_both_people(ending: str) -> None:
    live, store, who = await consulting()
    try:
        assert consultation_rows(store) == [("consultation_started", "in_consultation", [3, 4])]
        if ending == "end_consultation":
            await live.end_consultation(who[4])
        elif ending == "leave":
            await live.leave(4)
        else:
            await live.send_back(who[1], 3)
        assert consultation_rows(store) == [
            ("consultation_started", "in_consultation", [3, 4]),
            ("consultation_ended", "in_hearing", [3, 4]),
        ]
        # the one who went elsewhere has that said after the end: where they are now
        last = {"end_consultation": "consultation_ended", "leave": "left", "send_back": "sent_back"}
        assert store.events[-1].kind == last[ending]
    finally:
        await live.shutdown()
