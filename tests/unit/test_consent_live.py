"""A participant's answer on taking part online in the live room: the bench sees everyone's,
a person sees their own, nobody sees another party's; a later answer replaces an earlier one
(never the reverse), a refusal alerts the bench, and a malformed command changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from court.kinds import HearingKind
from court.protocol import ConsentView
from court.roles import Role
from court.states import HearingState
from signaling.cluster.live_hearings import LiveHearings, consent_answered
from signaling.store import HearingRecord, Identity, ParticipantRecord
from tests.fakes import MemoryStore, RecordingLink

EARLIER = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
LATER = EARLIER + timedelta(minutes=5)
PENDING = ConsentView(answer="pending")
PEOPLE = [
    ParticipantRecord(1, Role.JUDGE, "审判长"),
    ParticipantRecord(3, Role.PARTY, "张三", side="plaintiff", admitted=True, consent=PENDING),
    ParticipantRecord(4, Role.PARTY, "李四", side="defendant", admitted=True, consent=PENDING),
    ParticipantRecord(5, Role.WITNESS, "王五"),
]


async def hearing() -> tuple[LiveHearings, MemoryStore, dict[int, RecordingLink]]:
    record = HearingRecord(1, HearingKind.CIVIL_TRIAL, False, HearingState.IN_SESSION, None, PEOPLE)
    store = MemoryStore(record)
    hearings = LiveHearings(store)
    live = await hearings.get(1)
    links = {p.id: RecordingLink() for p in PEOPLE}
    for p in PEOPLE:
        await live.connect(Identity(1, p.id, p.role, p.name, f"participant:{p.id}"), links[p.id])
    return hearings, store, links


def consent_of(link: RecordingLink, member_id: int) -> Any:
    room = link.last("room")
    if room["you"]["id"] == member_id:
        return room["you"]["consent"]
    return next(m for m in room["members"] if m["id"] == member_id)["consent"]


async def test_the_bench_sees_answers_as_they_come_and_a_refusal_is_alerted() -> None:
    hearings, _, links = await hearing()
    try:
        assert consent_of(links[1], 3) == {"answer": "pending", "at": None}
        assert consent_of(links[1], 5) is None  # a witness is not asked
        refused = ConsentView(answer="refused", at=LATER)
        await hearings.command(consent_answered(1, 3, refused))
        assert consent_of(links[1], 3)["answer"] == "refused"
        assert consent_of(links[3], 3)["answer"] == "refused"  # their own
        assert consent_of(links[4], 3) is None  # another party's is not theirs to see
        bench_alerts = [d for e, d in links[1].sent if e == "alert"]
        assert [(a["kind"], a["participant_id"]) for a in bench_alerts] == [("consent_refused", 3)]
        # an older answer arriving late does not undo a newer one
        await hearings.command(consent_answered(1, 3, ConsentView(answer="agreed", at=EARLIER)))
        assert consent_of(links[1], 3)["answer"] == "refused"
    finally:
        await hearings.shutdown()


async def test_a_missed_update_is_taken_from_the_store_and_bad_commands_are_ignored() -> None:
    hearings, store, _ = await hearing()
    try:
        agreed = ConsentView(answer="agreed", at=LATER)
        people = [
            p if p.id != 4 else ParticipantRecord(4, Role.PARTY, "李四", consent=agreed)
            for p in PEOPLE
        ]
        store.record_ = HearingRecord(
            1, HearingKind.CIVIL_TRIAL, False, HearingState.IN_SESSION, None, people
        )
        live = await hearings.get(1)  # as on the next connection
        assert live.room.member(4).consent == agreed
        for bad in (
            {
                "kind": "consent",
                "hearing_id": 1,
                "participant_id": 3,
                "consent": {"answer": "maybe"},
            },
            {"kind": "consent", "hearing_id": 1, "participant_id": 3},
            {
                "kind": "consent",
                "hearing_id": 1,
                "participant_id": "3",
                "consent": agreed.model_dump(mode="json"),
            },
            {
                "kind": "consent",
                "hearing_id": 99,
                "participant_id": 3,
                "consent": agreed.model_dump(mode="json"),
            },
            {
                "kind": "consent",
                "hearing_id": 1,
                "participant_id": 77,
                "consent": agreed.model_dump(mode="json"),
            },
        ):
            await hearings.command(bad)
        assert live.room.member(3).consent == PENDING
    finally:
        await hearings.shutdown()
