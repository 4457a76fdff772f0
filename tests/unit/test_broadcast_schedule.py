"""court/broadcast.py: which hearings are broadcast, the slate for each state, and what a cut
withholds (everything the public has not seen yet: from the delay before the cut on)."""

import pytest

from court.broadcast import (
    SLATE_WORDS,
    BroadcastError,
    Schedule,
    Slate,
    broadcastable,
    slate_for,
)
from court.kinds import RULES, HearingKind
from court.states import HearingState


def test_only_a_kind_that_may_be_public_and_is_marked_public_is_broadcast() -> None:
    for kind in HearingKind:
        assert broadcastable(kind, True) is RULES[kind].may_be_public
        assert not broadcastable(kind, False)
    assert broadcastable(HearingKind.CIVIL_TRIAL, True)
    assert not broadcastable(HearingKind.MEDIATION, True)
    assert not broadcastable(HearingKind.PANEL_DELIBERATION, True)


def test_every_state_has_its_slate_and_every_slate_its_words() -> None:
    assert slate_for(HearingState.IN_SESSION, cut=False) is None
    assert slate_for(HearingState.IN_SESSION, cut=True) is Slate.CUT
    assert slate_for(HearingState.OPEN, cut=False) is Slate.NOT_STARTED  # the waiting room
    assert slate_for(HearingState.RECESS, cut=False) is Slate.RECESS
    assert slate_for(HearingState.CLOSED, cut=True) is Slate.CLOSED
    for state in HearingState:
        slate_for(state, cut=False)
    assert set(SLATE_WORDS) == set(Slate)
    assert all(zh and en for zh, en in SLATE_WORDS.values())


def test_a_cut_withholds_what_the_public_has_not_seen_and_resume_shows_what_follows() -> None:
    schedule = Schedule(delay=30)
    schedule.change_state(100, HearingState.OPEN)
    schedule.change_state(200, HearingState.IN_SESSION)
    assert schedule.slate_at(150) is Slate.NOT_STARTED
    assert schedule.slate_at(250) is None
    schedule.cut_at(300)  # the public is seeing 270 now: 270 on is withheld
    assert schedule.cut
    assert schedule.slate_at(269.9) is None
    assert schedule.slate_at(270) is Slate.CUT
    assert schedule.slate_at(1000) is Slate.CUT  # until resumed
    schedule.resume_at(360)
    assert not schedule.cut
    assert schedule.slate_at(359.9) is Slate.CUT
    assert schedule.slate_at(360) is None


def test_a_cut_soon_after_a_resume_withholds_what_the_resume_let_through() -> None:
    schedule = Schedule(delay=30)
    schedule.change_state(0, HearingState.IN_SESSION)
    schedule.cut_at(100)
    schedule.resume_at(110)  # captured from 110 on is shown again...
    assert schedule.slate_at(112) is None
    schedule.cut_at(120)  # ...until the court cuts again before the public saw it
    assert [schedule.slate_at(t) for t in (69, 75, 105, 112, 200)] == [
        None,
        Slate.CUT,
        Slate.CUT,
        Slate.CUT,
        Slate.CUT,
    ]


def test_recess_and_close_show_their_slates_whatever_the_cut() -> None:
    schedule = Schedule(delay=10)
    schedule.change_state(0, HearingState.IN_SESSION)
    schedule.change_state(50, HearingState.RECESS)
    schedule.change_state(80, HearingState.IN_SESSION)
    schedule.cut_at(90)
    schedule.change_state(120, HearingState.CLOSED)
    assert [schedule.slate_at(t) for t in (10, 60, 79.5, 85, 100, 130)] == [
        None,
        Slate.RECESS,
        Slate.RECESS,
        Slate.CUT,
        Slate.CUT,
        Slate.CLOSED,
    ]


def test_cutting_twice_or_resuming_what_is_not_cut_is_refused() -> None:
    schedule = Schedule(delay=5)
    schedule.change_state(0, HearingState.IN_SESSION)
    with pytest.raises(BroadcastError):
        schedule.resume_at(10)
    schedule.cut_at(10)
    with pytest.raises(BroadcastError):
        schedule.cut_at(11)
