"""The permission table and the hearing transition table, read as plain data."""

from __future__ import annotations

import pytest

from court.kinds import RULES, HearingKind
from court.permissions import Action, check, refusal
from court.roles import INVITED_ROLES, STAFF_ROLES, Role
from court.states import TRANSITIONS, HearingState, TransitionError, check_transition


@pytest.mark.parametrize("role", list(Role))
def test_record_keeping_is_for_the_bench(role: Role) -> None:
    bench = role in (Role.JUDGE, Role.CLERK)
    assert check(role, Action.MANAGE_CASES) is bench
    assert check(role, Action.SCHEDULE_HEARING) is bench
    assert check(role, Action.MANAGE_ACCOUNTS) is (role is Role.ADMIN)
    assert check(role, Action.VIEW_RECORDS) is (role in STAFF_ROLES)


@pytest.mark.parametrize("state", list(HearingState))
def test_participants_are_managed_until_the_hearing_ends(state: HearingState) -> None:
    allowed = state not in (HearingState.CLOSED, HearingState.CANCELLED)
    assert check(Role.CLERK, Action.MANAGE_PARTICIPANTS, state) is allowed
    assert check(Role.PARTY, Action.MANAGE_PARTICIPANTS, state) is False


def test_refusals_say_why() -> None:
    assert (
        refusal(Role.PARTY, Action.MANAGE_CASES)
        == "manage_cases is for clerk, judge; you are party"
    )
    assert "closed" in (refusal(Role.JUDGE, Action.MANAGE_PARTICIPANTS, HearingState.CLOSED) or "")
    assert refusal(Role.JUDGE, Action.MANAGE_CASES) is None


def test_hearing_transitions() -> None:
    path = [
        HearingState.OPEN,
        HearingState.IN_SESSION,
        HearingState.RECESS,
        HearingState.IN_SESSION,
        HearingState.CLOSED,
    ]
    state = HearingState.SCHEDULED
    for target in path:
        check_transition(state, target)
        state = target
    with pytest.raises(TransitionError, match="closed to open"):
        check_transition(HearingState.CLOSED, HearingState.OPEN)
    with pytest.raises(TransitionError):
        check_transition(HearingState.OPEN, HearingState.CANCELLED)
    assert all(not TRANSITIONS[end] for end in (HearingState.CLOSED, HearingState.CANCELLED))


def test_only_a_staggered_hearing_closes_from_scheduled() -> None:
    with pytest.raises(TransitionError, match="scheduled to closed"):
        check_transition(HearingState.SCHEDULED, HearingState.CLOSED)
    check_transition(HearingState.SCHEDULED, HearingState.CLOSED, staggered=True)
    for current in (HearingState.CLOSED, HearingState.CANCELLED):
        with pytest.raises(TransitionError):
            check_transition(current, HearingState.CLOSED, staggered=True)
    with pytest.raises(TransitionError):
        check_transition(HearingState.SCHEDULED, HearingState.IN_SESSION, staggered=True)


@pytest.mark.parametrize("kind", list(HearingKind))
def test_every_kind_has_a_bench_and_phases(kind: HearingKind) -> None:
    rules = RULES[kind]
    assert {Role.JUDGE, Role.CLERK} <= rules.roles
    assert rules.phases and len(set(rules.phases)) == len(rules.phases)
    assert Role.ADMIN not in rules.roles
    assert rules.roles - {Role.JUDGE, Role.CLERK} <= INVITED_ROLES
    if Role.OBSERVER in rules.roles:
        assert rules.may_be_public


def test_deliberation_is_the_panel_only_and_internal() -> None:
    assert RULES[HearingKind.PANEL_DELIBERATION].roles == {Role.JUDGE, Role.ASSESSOR, Role.CLERK}
    assert RULES[HearingKind.COMMITTEE_MEETING].roles == {Role.JUDGE, Role.CLERK, Role.PROSECUTOR}
    internal = {kind for kind, rules in RULES.items() if rules.internal}
    assert internal == {HearingKind.PANEL_DELIBERATION, HearingKind.COMMITTEE_MEETING}
    assert not any(RULES[kind].may_be_public for kind in internal)


@pytest.mark.parametrize("role", list(Role))
def test_recordings_as_design_section_4_says(role: Role) -> None:
    """Judges and clerks retrieve (within their scope); prosecutor, parties, agents, counsel,
    detainees, creditors and interpreters only when granted; witnesses, observers and
    administrators never (nor people's assessors: the record is the court's). Only the bench
    grants."""
    never = {Role.WITNESS, Role.OBSERVER, Role.ADMIN, Role.ASSESSOR}
    assert check(role, Action.RETRIEVE_RECORDINGS) is (role not in never)
    assert check(role, Action.GRANT_RECORDING_ACCESS) is (role in (Role.JUDGE, Role.CLERK))
