"""Every signaling event × every role × every live hearing state, refused or allowed as
docs/architecture.md#roles-and-permissions says.

The expectations below are written out from docs/architecture.md#roles-and-permissions, not
derived from the permission table, so a wrong entry in the table fails here.
"""

from __future__ import annotations

from typing import Any

import pytest

from court.kinds import HearingKind
from court.presence import Presence
from court.roles import Role
from court.states import HearingState
from signaling.live import LiveHearing
from signaling.namespace import EVENTS
from signaling.store import HearingRecord, Identity, ParticipantRecord
from tests.fakes import MemoryStore, RecordingLink

S = HearingState
LIVE = {S.OPEN, S.IN_SESSION, S.RECESS}
TAKING_PART = {
    Role.PROSECUTOR,
    Role.PARTY,
    Role.AGENT,
    Role.COUNSEL,
    Role.DETAINEE,
    Role.CREDITOR,
    Role.INTERPRETER,
    Role.NOTARY,
    Role.WITNESS,
}
# event: (roles allowed, states allowed, payload)
EXPECTED: dict[str, tuple[set[Role], set[HearingState], dict[str, Any]]] = {
    "open": ({Role.JUDGE, Role.CLERK}, {S.SCHEDULED}, {}),
    "start_session": ({Role.JUDGE}, {S.OPEN}, {}),
    "set_phase": ({Role.JUDGE}, {S.IN_SESSION}, {"phase": "debate"}),
    "recess": ({Role.JUDGE, Role.CLERK}, {S.IN_SESSION}, {}),
    "resume": ({Role.JUDGE}, {S.RECESS}, {}),
    "close": ({Role.JUDGE}, LIVE, {}),
    "admit": ({Role.JUDGE, Role.CLERK}, LIVE, {"participant_id": 99}),
    "admit_all": ({Role.JUDGE, Role.CLERK}, LIVE, {}),
    "send_back": ({Role.JUDGE, Role.CLERK}, LIVE, {"participant_id": 98}),
    "mute": ({Role.JUDGE, Role.CLERK}, LIVE, {"participant_id": 98, "muted": True}),
    "mute_all": ({Role.JUDGE, Role.CLERK}, LIVE, {}),
    "remove": ({Role.JUDGE}, LIVE, {"participant_id": 98}),
    "verify_identity": (
        {Role.JUDGE, Role.CLERK},
        {S.OPEN, S.IN_SESSION},
        {"participant_id": 98, "document_type": "resident_id", "digits": "1234"},
    ),
    "raise_hand": (TAKING_PART, LIVE, {"raised": True}),
    "listen": (set(Role) - {Role.ADMIN}, LIVE, {"interpreter_id": None}),
    "consult": (TAKING_PART - {Role.WITNESS}, LIVE, {"participant_id": 97}),
    "share": (
        {Role.JUDGE, Role.CLERK} | TAKING_PART,
        {S.IN_SESSION},
        {"on": True, "track_id": "screen"},
    ),
    # Nobody shares here: allowed, the bench is told "not_sharing" (not a refusal).
    "stop_share": ({Role.JUDGE, Role.CLERK}, LIVE, {"participant_id": 98}),
    "give_floor": ({Role.JUDGE}, LIVE, {"participant_id": 98, "allowed": True}),
    # Those taking part are told "no_floor" here (the judge did not give it): not a refusal
    # of the role.
    "present": (
        {Role.JUDGE, Role.CLERK} | TAKING_PART,
        {S.IN_SESSION},
        {"exhibit_id": 1, "file_id": 1},
    ),
    # The presiding judge hands over to another judge (participant 4).
    "hand_over": ({Role.JUDGE}, LIVE, {"participant_id": 4}),
    # The bench's private channel: judges, assessors, the clerk.
    "bench_chat": ({Role.JUDGE, Role.CLERK, Role.ASSESSOR}, LIVE, {"text": "合议一下"}),
    # A creditors' meeting's votes: out of its vote phase the judge is told "not_vote_phase", a
    # creditor "vote_not_open", an agent of nobody "no_vote" (not refusals of the role).
    "open_vote": ({Role.JUDGE}, {S.IN_SESSION}, {"motion_id": 1}),
    "close_vote": ({Role.JUDGE}, {S.IN_SESSION}, {"motion_id": 1}),
    "cast_ballot": (
        {Role.CREDITOR, Role.AGENT},
        {S.IN_SESSION},
        {"motion_id": 1, "choice": "for"},
    ),
    # Everyone connected reports their own self-test, in the waiting room too.
    "self_test": (
        set(Role) - {Role.ADMIN},
        {S.SCHEDULED, S.OPEN, S.IN_SESSION, S.RECESS},
        {"camera": False, "microphone": True, "network": "good"},
    ),
    # Whose cameras one's own screen does not show: anyone connected, in any state.
    "hidden_videos": (
        set(Role) - {Role.ADMIN},
        {S.SCHEDULED, S.OPEN, S.IN_SESSION, S.RECESS},
        {"participant_ids": [1, 98]},
    ),
}
MESSAGES = {
    "bench": (TAKING_PART, LIVE),
    98: ({Role.JUDGE, Role.CLERK}, LIVE),
}
ROLES = [r for r in Role if r is not Role.ADMIN]
STATES = [S.SCHEDULED, S.OPEN, S.IN_SESSION, S.RECESS]
REFUSALS = {"forbidden", "wrong_state"}


async def reply_to(
    role: Role, state: HearingState, event: str, payload: dict[str, Any]
) -> dict[str, Any]:
    """Connect judge, clerk, the actor and others, put the hearing in ``state``, send one event."""
    people = [
        ParticipantRecord(1, Role.JUDGE, "审判长"),
        ParticipantRecord(2, Role.CLERK, "书记员"),
        ParticipantRecord(99, Role.PARTY, "候审", side="defendant"),
        ParticipantRecord(98, Role.PARTY, "当事人", side="plaintiff"),
        ParticipantRecord(97, Role.AGENT, "律师", side="plaintiff", represents_id=3),
        ParticipantRecord(4, Role.JUDGE, "审判员"),
    ]
    actor_id = {Role.JUDGE: 1, Role.CLERK: 2}.get(role, 3)
    if actor_id == 3:
        people.append(ParticipantRecord(3, role, "actor", side="plaintiff"))
    record = HearingRecord(1, HearingKind.CRIMINAL_TRIAL, True, S.SCHEDULED, None, people)
    live = LiveHearing(record, MemoryStore(record))
    identities = {p.id: Identity(1, p.id, p.role, p.name, f"participant:{p.id}") for p in people}
    for p in people:
        await live.connect(identities[p.id], RecordingLink())
    for p in people:
        if p.id not in (1, 2, 99) and live.room.members[p.id].presence is Presence.WAITING:
            live.room.admit(p.id)
    live.room.state = state
    if state is S.IN_SESSION:
        live.room.phase = "investigation"
    model, handler = EVENTS[event]
    try:
        result = await handler(live, identities[actor_id], model.model_validate(payload))
    except Exception as exc:  # the namespace turns ActionError into an error reply
        code = getattr(exc, "code", None)
        if code is None:
            raise
        return {"error": {"code": code}}
    finally:
        await live.shutdown()
    return result or {"ok": True}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("event", sorted(EXPECTED))
async def test_event_permission(event: str, role: Role) -> None:
    roles, states, payload = EXPECTED[event]
    for state in STATES:
        reply = await reply_to(role, state, event, payload)
        refused = reply.get("error", {}).get("code") in REFUSALS
        assert refused is not (role in roles and state in states), (event, role, state, reply)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("to", sorted(MESSAGES, key=str))
async def test_message_permission(to: int | str, role: Role) -> None:
    roles, states = MESSAGES[to]
    for state in STATES:
        reply = await reply_to(role, state, "message", {"to": to, "text": "您好"})
        refused = reply.get("error", {}).get("code") in REFUSALS
        assert refused is not (role in roles and state in states), (to, role, state, reply)


def test_every_event_is_covered() -> None:
    negotiation = {"offer", "answer", "candidate", "set_media", "leave", "end_consultation"}
    # the presenter's own (tests/unit/test_presenting.py)
    presenting = {"present_view", "stop_presenting"}
    assert set(EVENTS) == set(EXPECTED) | {"message"} | negotiation | presenting
