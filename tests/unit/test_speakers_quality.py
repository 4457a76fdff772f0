"""Active speaker selection and connection-quality alerts, on made-up levels and counts."""

from __future__ import annotations

from signaling.quality import ConnectionQuality
from signaling.speakers import HOLD_SECONDS, ActiveSpeakers

LOUD, QUIET = 30, 100


def test_first_speaker_takes_the_floor_at_once() -> None:
    speakers = ActiveSpeakers()
    assert speakers.update({1: (LOUD, True, 0.0), 2: (QUIET, True, 0.0)}, now=0.0)
    assert speakers.current == 1 and speakers.last(3) == [1]


def test_a_cough_does_not_steal_the_floor() -> None:
    speakers = ActiveSpeakers()
    speakers.update({1: (LOUD, True, 0.0)}, now=0.0)
    assert not speakers.update({1: (LOUD, True, 0.5), 2: (LOUD, True, 0.5)}, now=0.5)
    assert not speakers.update({1: (QUIET, True, 0.8), 2: (LOUD, True, 0.8)}, now=0.8)
    assert speakers.current == 1
    later = 0.5 + HOLD_SECONDS
    assert speakers.update({1: (QUIET, True, later), 2: (LOUD, True, later)}, now=later)
    assert speakers.current == 2 and speakers.last(2) == [2, 1]


def test_stale_levels_and_non_voice_do_not_count() -> None:
    speakers = ActiveSpeakers()
    assert not speakers.update({1: (LOUD, True, 0.0)}, now=5.0)  # no packet for 5 s: muted or gone
    assert not speakers.update({1: (LOUD, False, 5.0)}, now=5.0)
    assert speakers.current is None


def test_forgetting_a_speaker() -> None:
    speakers = ActiveSpeakers()
    speakers.update({1: (LOUD, True, 0.0)}, now=0.0)
    speakers.forget(1)
    assert speakers.current is None and speakers.last(5) == []


def test_poor_connection_alerts_once_per_quiet_period() -> None:
    quality = ConnectionQuality()
    assert quality.sample(7, 0, 0, now=0) is None
    assert quality.sample(7, 100, 99, now=5) is None  # 1 % loss is fine
    loss = quality.sample(7, 200, 179, now=10)  # 20 of 100 lost
    assert loss is not None and abs(loss - 0.20) < 1e-9
    assert quality.sample(7, 300, 250, now=15) is None  # already alerted recently
    assert quality.sample(7, 400, 300, now=50) is not None
    assert quality.sample(7, 420, 400, now=60) is None  # too few packets to judge
