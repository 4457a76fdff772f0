"""court/staggered.py: a stage's state from its times, who acts, who sees which turn."""

from datetime import UTC, datetime, timedelta

from court.roles import Role
from court.staggered import (
    STAGE_LABELS,
    VISIBILITY_LABELS,
    StageKind,
    StageTimes,
    Visibility,
    may_act,
    remind_threshold,
    reminder_due,
    sees_turn,
    stage_state,
    valid_window,
)

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
STAGE = StageTimes(opens_at=T0, deadline=T0 + 24 * HOUR, closed_at=None)


def test_every_kind_and_visibility_has_words_in_both_languages() -> None:
    assert set(STAGE_LABELS) == set(StageKind)
    assert set(VISIBILITY_LABELS) == set(Visibility)
    assert all(zh and en for zh, en in [*STAGE_LABELS.values(), *VISIBILITY_LABELS.values()])
    assert STAGE_LABELS[StageKind.DEFENCE] == ("答辩", "Defence")


def test_pending_before_it_opens_open_from_its_opening() -> None:
    assert stage_state(STAGE, T0 - timedelta(seconds=1)) == "pending"
    assert stage_state(STAGE, T0) == "open"
    assert stage_state(STAGE, T0 + 23 * HOUR) == "open"


def test_exactly_at_the_deadline_it_has_passed() -> None:
    assert stage_state(STAGE, STAGE.deadline - timedelta(microseconds=1)) == "open"
    assert stage_state(STAGE, STAGE.deadline) == "closed"


def test_closed_early_by_the_court() -> None:
    closed = StageTimes(STAGE.opens_at, STAGE.deadline, closed_at=T0 + HOUR)
    assert stage_state(closed, T0 + HOUR / 2) == "open"
    assert stage_state(closed, T0 + HOUR) == "closed"
    assert stage_state(closed, T0 + 2 * HOUR) == "closed"
    # closed before it even opened
    early = StageTimes(T0, T0 + HOUR, closed_at=T0 - HOUR)
    assert stage_state(early, T0 - HOUR / 2) == "closed"


def test_window() -> None:
    assert valid_window(T0, T0 + HOUR) is None
    assert valid_window(T0, T0) is not None
    assert valid_window(T0, T0 - HOUR) is not None
    assert valid_window(T0, T0 + timedelta(days=90)) is None
    assert valid_window(T0, T0 + timedelta(days=90, seconds=1)) is not None


def test_only_listed_participants_act() -> None:
    assert may_act(3, frozenset({3, 4}))
    assert not may_act(5, frozenset({3, 4}))


def test_on_close_turns_of_others_only_once_closed() -> None:
    for state in ("pending", "open"):
        assert not sees_turn(2, Role.PARTY, 1, Visibility.ON_CLOSE, state)
        assert not sees_turn(9, Role.AGENT, 1, Visibility.ON_CLOSE, state)
        assert sees_turn(1, Role.PARTY, 1, Visibility.ON_CLOSE, state)  # one's own
    assert sees_turn(2, Role.PARTY, 1, Visibility.ON_CLOSE, "closed")


def test_on_submit_turns_seen_at_once() -> None:
    assert sees_turn(2, Role.PARTY, 1, Visibility.ON_SUBMIT, "open")
    assert sees_turn(7, Role.WITNESS, 1, Visibility.ON_SUBMIT, "open")


def test_bench_sees_all() -> None:
    for role in (Role.JUDGE, Role.CLERK):
        assert sees_turn(None, role, 1, Visibility.ON_CLOSE, "open")
        assert sees_turn(None, role, 1, Visibility.ON_CLOSE, "pending")


def test_reminded_24_hours_before_a_long_stages_deadline() -> None:
    week = StageTimes(T0, T0 + 7 * 24 * HOUR, closed_at=None)
    assert remind_threshold(week.opens_at, week.deadline) == 24 * HOUR
    assert not reminder_due(week, week.deadline - 24 * HOUR)  # exactly 24 h left: not below
    assert reminder_due(week, week.deadline - 24 * HOUR + timedelta(seconds=1))
    assert reminder_due(week, week.deadline - timedelta(seconds=1))
    assert not reminder_due(week, T0 + HOUR)
    # exactly 48 h: half the window and 24 h agree
    two_days = StageTimes(T0, T0 + 48 * HOUR, closed_at=None)
    assert remind_threshold(two_days.opens_at, two_days.deadline) == 24 * HOUR


def test_a_short_stage_reminds_at_half_its_window() -> None:
    six_hours = StageTimes(T0, T0 + 6 * HOUR, closed_at=None)
    assert remind_threshold(six_hours.opens_at, six_hours.deadline) == 3 * HOUR
    assert not reminder_due(six_hours, T0 + 3 * HOUR)
    assert reminder_due(six_hours, T0 + 3 * HOUR + timedelta(seconds=1))
    day = StageTimes(T0, T0 + 30 * HOUR, closed_at=None)
    assert remind_threshold(day.opens_at, day.deadline) == 15 * HOUR


def test_no_reminder_for_a_stage_not_open() -> None:
    short = StageTimes(T0, T0 + 2 * HOUR, closed_at=None)
    assert not reminder_due(short, T0 - timedelta(seconds=1))  # pending
    assert not reminder_due(short, short.deadline)  # the deadline passed
    closed = StageTimes(T0, T0 + 2 * HOUR, closed_at=T0 + HOUR / 2)
    assert not reminder_due(closed, T0 + 90 * timedelta(minutes=1))
