"""The uplink estimator's cheaper parts give aiortc's own figures, call for call."""

import random

from aiortc.rate import OveruseEstimator, RateCounter, RemoteBitrateEstimator

from signaling.media.uplink import MinFramePeriod, WindowRate, uplink_estimator


def test_window_rate_is_aiortcs_rate_counter() -> None:
    rng = random.Random(7)
    ours, theirs = WindowRate(1000, 8000), RateCounter(1000, 8000)
    now = 5_000
    for _ in range(20_000):
        now += rng.choice((0, 0, 1, 5, 33, 33, 34, 200, 999, 1000, 1001, 2500))
        action = rng.random()
        if action < 0.5:
            value = rng.randrange(0, 1500)
            ours.add(value, now)
            theirs.add(value, now)
        elif action < 0.99:
            assert ours.rate(now) == theirs.rate(now)
        else:
            ours.reset()
            theirs.reset()
        assert ours.rate(now) == theirs.rate(now)


def test_min_frame_period_is_aiortcs() -> None:
    rng = random.Random(8)
    ours, theirs = MinFramePeriod(), OveruseEstimator()
    for _ in range(5_000):
        delta = rng.uniform(-5.0, 100.0)
        assert ours(delta) == theirs.update_min_frame_period(delta)


def test_the_uplink_estimator_estimates_as_aiortcs() -> None:
    """Frames of a publisher whose link narrows and widens again, with jitter: every call
    returns what aiortc's own estimator returns."""
    rng = random.Random(9)
    ours, theirs = uplink_estimator(), RemoteBitrateEstimator()
    sent, arrival, estimates = 100.0, 100.0, []
    for frame in range(3_000):
        size = rng.randrange(2_000, 6_000)
        rate = 300_000 if 1_000 <= frame < 2_000 else 2_000_000  # bits per second
        sent += 1 / 30
        arrival = max(sent + 0.02 + rng.uniform(0, 0.004), arrival + size * 8 / rate)
        args = (int(arrival * 1000), int(sent * 262_144) & 0xFFFFFF, size, 1234)
        result = ours.add(*args)
        assert result == theirs.add(*args)
        if result is not None:
            estimates.append(result[0])
    # the comparison covered many estimates, the narrow link's and the wide one's
    assert len(estimates) > 100
    assert min(estimates) < 350_000 and max(estimates) > 1_000_000
