"""The exhibit rules (court/exhibits.py) read as plain data: sides, labels, the exchange and who
sees which exhibit, who examines which."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from court.exhibits import (
    ASPECT_LABELS,
    OPINION_LABELS,
    PARTY_SIDES,
    SIDE_LABELS,
    Aspect,
    ExhibitSide,
    Opinion,
    examination_refusal,
    exchange_time,
    exhibit_label,
    is_exchanged,
    opinion_holder,
    opinion_refusal,
    sees_exhibit,
    side_of,
)
from court.permissions import Action, check
from court.roles import Role
from court.states import HearingState

S = ExhibitSide
NOW = datetime(2026, 12, 5, 10, tzinfo=UTC)


def test_labels_name_the_side_and_number_in_both_languages() -> None:
    assert exhibit_label(S.PLAINTIFF, 1) == ("原告证据1", "Plaintiff's exhibit 1")
    assert exhibit_label(S.DEFENDANT, 2) == ("被告证据2", "Defendant's exhibit 2")
    assert exhibit_label(S.COURT, 3) == ("法院调取证据3", "Court's exhibit 3")
    assert set(SIDE_LABELS) == set(ExhibitSide)
    assert set(ASPECT_LABELS) == set(Aspect) and ASPECT_LABELS[Aspect.LEGALITY][0] == "合法性"
    assert set(OPINION_LABELS) == set(Opinion)


def test_sides_come_from_the_participants_side_field() -> None:
    assert side_of(Role.JUDGE, None) is S.COURT
    assert side_of(Role.CLERK, "plaintiff") is S.COURT
    assert side_of(Role.PARTY, "plaintiff") is S.PLAINTIFF
    assert side_of(Role.COUNSEL, "defence") is S.DEFENCE
    assert side_of(Role.PROSECUTOR, None) is S.PROSECUTION
    assert side_of(Role.PARTY, None) is None
    assert side_of(Role.PARTY, "court") is None  # only the bench is the court
    assert side_of(Role.PARTY, "somebody") is None
    assert S.COURT not in PARTY_SIDES


def test_a_lawyers_opinion_is_their_clients() -> None:
    assert opinion_holder(Role.PARTY, 7, None) == 7
    assert opinion_holder(Role.PROSECUTOR, 7, None) == 7
    assert opinion_holder(Role.AGENT, 8, 7) == 7
    assert opinion_holder(Role.COUNSEL, 8, None) is None


def test_the_exchange_is_the_earlier_of_deadline_and_opening() -> None:
    later, earlier = NOW + timedelta(days=2), NOW - timedelta(hours=1)
    assert exchange_time(None, None) is None
    assert exchange_time(later, None) == later
    assert exchange_time(later, earlier) == earlier
    assert not is_exchanged(None, None, NOW)
    assert not is_exchanged(later, None, NOW)
    assert is_exchanged(earlier, None, NOW)
    assert is_exchanged(later, earlier, NOW)
    assert is_exchanged(NOW, None, NOW)


def _sees(role: Role, side: S | None, exhibit: S, **kw: bool) -> bool:
    args = {"exchanged": False, "withdrawn_before_exchange": False, **kw}
    return sees_exhibit(role, side, exhibit, **args)


@pytest.mark.parametrize("exhibit", list(ExhibitSide))
def test_the_bench_sees_every_exhibit(exhibit: S) -> None:
    for role in (Role.JUDGE, Role.CLERK):
        assert _sees(role, S.COURT, exhibit)
        assert _sees(role, S.COURT, exhibit, withdrawn_before_exchange=True)


def test_before_the_exchange_a_side_sees_its_own_and_the_courts() -> None:
    assert _sees(Role.PARTY, S.PLAINTIFF, S.PLAINTIFF)
    assert _sees(Role.AGENT, S.PLAINTIFF, S.COURT)
    assert not _sees(Role.PARTY, S.PLAINTIFF, S.DEFENDANT)
    assert not _sees(Role.INTERPRETER, None, S.DEFENDANT)
    assert _sees(Role.INTERPRETER, None, S.COURT)


def test_after_the_exchange_everyone_taking_part_sees_all_but_what_was_withdrawn_before() -> None:
    assert _sees(Role.PARTY, S.PLAINTIFF, S.DEFENDANT, exchanged=True)
    assert _sees(Role.INTERPRETER, None, S.DEFENDANT, exchanged=True)
    assert not _sees(
        Role.PARTY, S.PLAINTIFF, S.DEFENDANT, exchanged=True, withdrawn_before_exchange=True
    )
    assert _sees(Role.PARTY, S.DEFENDANT, S.DEFENDANT, withdrawn_before_exchange=True)


def test_an_exhibit_shown_in_court_is_seen_by_everyone_taking_part_exchange_or_not() -> None:
    assert _sees(Role.PARTY, S.DEFENDANT, S.PLAINTIFF, shown=True)
    assert _sees(Role.INTERPRETER, None, S.DEFENDANT, shown=True)
    assert _sees(Role.COUNSEL, S.DEFENCE, S.PROSECUTION, shown=True, withdrawn_before_exchange=True)
    assert _sees(Role.WITNESS, None, S.PLAINTIFF, shown=True, called=True)
    assert not _sees(Role.WITNESS, None, S.PLAINTIFF, shown=True)
    assert not _sees(Role.OBSERVER, None, S.PLAINTIFF, shown=True)


@pytest.mark.parametrize("exchanged", [False, True])
def test_observers_admins_and_uncalled_witnesses_see_none(exchanged: bool) -> None:
    for exhibit in ExhibitSide:
        assert not _sees(Role.OBSERVER, None, exhibit, exchanged=exchanged)
        assert not _sees(Role.ADMIN, None, exhibit, exchanged=exchanged)
        assert not _sees(Role.WITNESS, None, exhibit, exchanged=exchanged)
    assert _sees(Role.WITNESS, None, S.COURT, exchanged=exchanged, called=True)
    assert _sees(Role.WITNESS, None, S.PLAINTIFF, exchanged=exchanged, called=True) is exchanged


def test_parties_examine_the_other_sides_exhibits_only() -> None:
    assert examination_refusal(S.PLAINTIFF, S.DEFENDANT) is None
    assert examination_refusal(S.DEFENCE, S.PROSECUTION) is None
    assert examination_refusal(S.PLAINTIFF, S.COURT) is None
    assert "own exhibits" in (examination_refusal(S.PLAINTIFF, S.PLAINTIFF) or "")
    assert "no side" in (examination_refusal(None, S.DEFENDANT) or "")


@pytest.mark.parametrize("role", list(Role))
def test_the_exhibit_permissions(role: Role) -> None:
    bench = role in (Role.JUDGE, Role.CLERK)
    lawyers_and_parties = role in (Role.PROSECUTOR, Role.PARTY, Role.AGENT, Role.COUNSEL)
    assert check(role, Action.SUBMIT_EXHIBIT) is (bench or lawyers_and_parties)
    assert check(role, Action.WITHDRAW_EXHIBIT) is (bench or lawyers_and_parties)
    assert check(role, Action.EXAMINE_EXHIBIT) is lawyers_and_parties
    assert check(role, Action.SET_EXCHANGE) is (role is Role.JUDGE)
    assert check(role, Action.VIEW_EXAMINATION) is (bench or lawyers_and_parties)
    assert check(role, Action.VIEW_EXHIBITS) is (role not in (Role.ADMIN, Role.OBSERVER))


@pytest.mark.parametrize("state", list(HearingState))
def test_exhibits_change_until_the_hearing_is_over(state: HearingState) -> None:
    open_ = state not in (HearingState.CLOSED, HearingState.CANCELLED)
    for action in (Action.SUBMIT_EXHIBIT, Action.WITHDRAW_EXHIBIT, Action.EXAMINE_EXHIBIT):
        assert check(Role.PARTY, action, state) is open_
    assert check(Role.PARTY, Action.VIEW_EXHIBITS, state)


def test_a_dispute_gives_its_reason_an_admission_need_not() -> None:
    assert opinion_refusal(Opinion.ADMITTED, None) is None
    assert opinion_refusal(Opinion.ADMITTED, "原件核对无误") is None
    assert opinion_refusal(Opinion.DISPUTED, "签名不是被告所签") is None
    for missing in (None, "", " \n\t "):
        refused = opinion_refusal(Opinion.DISPUTED, missing)
        assert refused is not None and "reason" in refused
