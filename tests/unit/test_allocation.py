"""A subscriber's estimate shared among what is sent to it, without I/O."""

from signaling.media.allocation import (
    AFTER_TRIAL,
    CLIMB_BACK,
    FIRST_RETRY,
    HEAVY_LOSS,
    PAUSE_AFTER,
    PAUSE_LOSSLESS,
    PROBATION,
    QUEUEING,
    Allocator,
    Demand,
    Estimates,
    RateMeter,
)

AUDIO = Demand("audio", "audio", 50_000)


OVERFLOWING = HEAVY_LOSS + 0.01
"""What a video that does not fit loses on a link it overflows (the tests' usual case)."""
RANDOM = 2 / 30
"""What a link's own random loss of 2 % reads as in one receiver report of 30 packets."""


def video(key: str, rate: int, priority: int = 0, loss: float = OVERFLOWING) -> Demand:
    return Demand(key, "video", rate, priority, loss)


def run(
    allocator: Allocator,
    start: float,
    seconds: float,
    estimate: int | None,
    demands: list[Demand],
    step: float = 0.5,
) -> frozenset[object]:
    paused: frozenset[object] = frozenset()
    for i in range(round(seconds / step) + 1):
        paused = allocator.update(start + i * step, estimate, demands)
    return paused


def test_everything_that_fits_is_sent() -> None:
    allocator = Allocator()
    demands = [AUDIO, video("judge", 1_200_000, 2), video("party", 800_000)]
    assert run(allocator, 0, 10, 1_600_000, demands) == frozenset()


def test_without_an_estimate_nothing_is_paused() -> None:
    allocator = Allocator()
    assert run(allocator, 0, 10, None, [AUDIO, video("judge", 1_200_000)]) == frozenset()


def test_a_video_that_does_not_fit_is_paused_after_a_while() -> None:
    allocator = Allocator()
    demands = [AUDIO, video("judge", 1_200_000)]
    assert run(allocator, 0, PAUSE_AFTER - 0.5, 250_000, demands) == frozenset()
    assert run(allocator, PAUSE_AFTER, 1, 250_000, demands) == {"judge"}


def test_the_lower_priority_video_goes_first() -> None:
    allocator = Allocator()
    demands = [AUDIO, video("party", 800_000, 0), video("judge", 800_000, 2)]
    assert run(allocator, 0, 5, 900_000, demands) == {"party"}


def test_retransmissions_count_against_the_budget() -> None:
    allocator = Allocator()
    # 600 kbit/s of media fits 500 kbit/s with the headroom; with 400 kbit/s of RTX it does not
    assert run(allocator, 0, 5, 500_000, [AUDIO, video("judge", 600_000)]) == frozenset()
    assert run(allocator, 6, 5, 500_000, [AUDIO, video("judge", 1_000_000)]) == {"judge"}


def test_a_climbing_estimate_is_waited_for() -> None:
    allocator = Allocator()
    demands = [AUDIO, video("judge", 1_200_000, loss=RANDOM)]
    estimate = 300_000.0
    # +8 % a second, as an estimator finding a fresh link's rate
    for i in range(round(2 * PAUSE_LOSSLESS / 0.5)):
        assert allocator.update(i * 0.5, int(estimate), demands) == frozenset()
        estimate *= 1.04


def test_a_paused_video_is_tried_again_and_kept_when_the_estimate_grows() -> None:
    allocator = Allocator()
    retry = PAUSE_AFTER + FIRST_RETRY  # paused at PAUSE_AFTER
    assert run(allocator, 0, retry - 0.5, 250_000, [AUDIO, video("judge", 1_200_000)]) == {"judge"}
    demands = [AUDIO, video("judge", 1_200_000, loss=RANDOM)]  # what the freed link loses
    now = retry
    assert allocator.update(now, 250_000, demands) == frozenset()  # on probation
    estimate = 250_000.0
    for i in range(1, 30):  # the link is free again: the estimate climbs
        estimate *= 1.04
        assert allocator.update(now + i * 0.5, int(estimate), demands) == frozenset()
    assert allocator.held_back == frozenset()


def test_a_try_on_a_still_weak_link_pauses_again_for_longer() -> None:
    """A link that queues rather than drops: the estimate falls during the try."""
    allocator = Allocator()
    now = PAUSE_AFTER + FIRST_RETRY
    assert run(allocator, 0, now - 0.5, 250_000, [AUDIO, video("judge", 1_200_000)]) == {"judge"}
    demands = [AUDIO, video("judge", 1_200_000, loss=RANDOM)]
    assert allocator.update(now, 250_000, demands) == frozenset()
    assert allocator.held_back == {"judge"}  # sent on trial: not yet news for the subscriber
    assert run(allocator, now + 0.5, PROBATION - 1, 230_000, demands) == frozenset()
    now += PROBATION
    assert allocator.update(now, 220_000, demands) == {"judge"}
    # the next try waits twice as long
    assert run(allocator, now + 0.5, 2 * FIRST_RETRY - 1, 220_000, demands) == {"judge"}
    assert allocator.update(now + 2 * FIRST_RETRY, 220_000, demands) == frozenset()


def test_a_kept_try_whose_estimate_does_not_climb_back_is_paused_for_longer() -> None:
    allocator = Allocator()
    demands = [AUDIO, video("judge", 1_200_000)]
    now = PAUSE_AFTER + FIRST_RETRY
    run(allocator, 0, now - 0.5, 250_000, demands)
    random = [AUDIO, video("judge", 1_200_000, loss=RANDOM)]  # the try loses little at first
    assert run(allocator, now, CLIMB_BACK + PROBATION, 250_000, random) == set()
    now += PROBATION + CLIMB_BACK + PAUSE_AFTER
    assert allocator.update(now, 250_000, demands) == {"judge"}
    assert run(allocator, now + 0.5, 2 * FIRST_RETRY - 1, 250_000, demands) == {"judge"}


def test_an_estimate_fallen_after_a_try_of_a_better_layer_pauses_nothing() -> None:
    """The try overflowed the link: the estimator falls far below it, then climbs back."""
    demands = [AUDIO, video("judge", 150_000, loss=RANDOM)]  # the lowest layer
    allocator = Allocator()
    tried = 10.0
    for i in range(round(AFTER_TRIAL / 0.5)):  # fallen: 100 kbit/s do not carry 200
        now = tried + i * 0.5
        assert allocator.update(now, 100_000, demands, tried_at=tried) == frozenset(), now
    # without a try, or long after it, the same estimate pauses the video
    assert run(Allocator(), 0, PAUSE_LOSSLESS + 1, 100_000, demands) == {"judge"}
    later = tried + AFTER_TRIAL
    paused: frozenset[object] = frozenset()
    for i in range(round(PAUSE_LOSSLESS / 0.5) + 1):
        paused = allocator.update(later + i * 0.5, 100_000, demands, tried_at=tried)
    assert paused == {"judge"}
    # nor does a try excuse heavy loss
    lossy = [AUDIO, video("judge", 150_000, loss=0.5)]
    assert run_tried(Allocator(), PAUSE_AFTER + 1, 100_000, lossy) == {"judge"}


def run_tried(
    allocator: Allocator, seconds: float, estimate: int, demands: list[Demand]
) -> frozenset[object]:
    paused: frozenset[object] = frozenset()
    for i in range(round(seconds / 0.5) + 1):
        paused = allocator.update(i * 0.5, estimate, demands, tried_at=i * 0.5)
    return paused


def test_an_estimate_fallen_without_loss_is_waited_for_longer() -> None:
    """A delay step read as congestion: the estimate falls, nothing is lost."""
    lossless = [AUDIO, video("judge", 150_000, loss=0.0)]
    allocator = Allocator()
    assert run(allocator, 0, PAUSE_LOSSLESS - 0.5, 100_000, lossless) == frozenset()
    assert allocator.update(PAUSE_LOSSLESS + 0.5, 100_000, lossless) == {"judge"}
    # nor does a link's own random loss shorten the wait
    random = [AUDIO, video("judge", 150_000, loss=RANDOM)]
    assert run(Allocator(), 0, PAUSE_LOSSLESS - 0.5, 100_000, random) == frozenset()
    # heavy loss (the video overflows the link), and the usual wait
    assert run(Allocator(), 0, PAUSE_AFTER + 0.5, 100_000, [AUDIO, video("judge", 150_000)]) == {
        "judge"
    }


def test_a_queue_is_overflow_as_heavy_loss_is() -> None:
    """A link with long buffers loses nothing while its queue grows: the video is paused after
    PAUSE_AFTER, and an estimate climbing meanwhile does not hold it off."""
    queued = [AUDIO, Demand("judge", "video", 150_000, loss=0.0, queueing=QUEUEING + 0.1)]
    allocator = Allocator()
    assert run_climbing(allocator, 100_000, queued, round(PAUSE_AFTER / 0.5) + 1) == {"judge"}
    # a route's own delay changing is not a queue: the lossless wait
    stepped = [AUDIO, Demand("judge", "video", 150_000, loss=0.0, queueing=QUEUEING - 0.1)]
    assert run(Allocator(), 0, PAUSE_LOSSLESS - 0.5, 100_000, stepped) == frozenset()
    # not tried again while the queue lasts, however long
    assert run(allocator, PAUSE_AFTER + 0.5, 4 * FIRST_RETRY, 100_000, queued) == {"judge"}
    assert run(allocator, 30, 5, 1_000_000, queued) == {"judge"}  # even if it would fit
    # tried once it has drained; a try whose link queues again is given up as a lossy one is
    drained = [AUDIO, Demand("judge", "video", 150_000, loss=0.0, queueing=0.0)]
    assert allocator.update(40, 100_000, drained) == frozenset()  # on probation
    assert allocator.update(40 + PROBATION / 2, 120_000, queued) == {"judge"}


def test_heavy_loss_is_not_mistaken_for_a_climbing_estimate() -> None:
    """A link that drops rather than queues shows no delay: its estimate climbs on."""
    demands = [AUDIO, video("judge", 1_200_000, loss=0.9)]
    assert run_climbing(Allocator(), 200_000, demands, round(PAUSE_AFTER / 0.5) + 2) == {"judge"}


def run_climbing(
    allocator: Allocator, estimate: float, demands: list[Demand], ticks: int
) -> frozenset[object]:
    """`ticks` updates 0.5 s apart, the estimate climbing 4 % each (an estimator finding what
    it takes for a fresh link's rate)."""
    paused: frozenset[object] = frozenset()
    for i in range(ticks):
        paused = allocator.update(i * 0.5, int(estimate), demands)
        estimate *= 1.04
    return paused


def test_heavy_loss_ends_a_try_early() -> None:
    allocator = Allocator()
    now = PAUSE_AFTER + FIRST_RETRY
    run(allocator, 0, now - 0.5, 250_000, [AUDIO, video("judge", 1_200_000)])
    assert allocator.update(now, 250_000, [AUDIO, video("judge", 1_200_000)]) == frozenset()
    lossy = [AUDIO, video("judge", 1_200_000, loss=0.5)]
    assert allocator.update(now + 0.5, 400_000, lossy) == frozenset()  # maybe an old report
    assert allocator.update(now + PROBATION / 2, 400_000, lossy) == {"judge"}


def test_a_paused_video_comes_back_at_once_when_it_fits() -> None:
    allocator = Allocator()
    demands = [AUDIO, video("judge", 1_200_000)]
    assert run(allocator, 0, 4, 250_000, demands) == {"judge"}
    assert allocator.update(5, 1_500_000, demands) == frozenset()


def test_a_video_no_longer_sent_is_forgotten() -> None:
    allocator = Allocator()
    assert run(allocator, 0, 4, 250_000, [AUDIO, video("judge", 1_200_000)]) == {"judge"}
    assert allocator.update(5, 250_000, [AUDIO]) == frozenset()


def test_estimates_per_stream_add_up_and_a_wider_report_replaces_them() -> None:
    estimates = Estimates()
    assert estimates.total() is None
    estimates.report(frozenset({1}), 400_000)
    estimates.report(frozenset({2}), 300_000)
    assert estimates.total() == 700_000
    estimates.report(frozenset({1}), 200_000)
    assert estimates.total() == 500_000
    estimates.report(frozenset({1, 2, 3}), 900_000)
    assert estimates.total() == 900_000
    estimates.report(frozenset({4}), 100_000)
    estimates.keep({1, 5})  # stream 4 is no longer sent
    assert estimates.total() == 900_000
    estimates.keep({5})
    assert estimates.total() is None


def test_rate_meter_measures_over_its_window() -> None:
    meter = RateMeter()
    assert meter.sample(0.0, 0) == 0
    assert meter.sample(1.0, 125_000) == 1_000_000
    assert meter.sample(2.0, 250_000) == 1_000_000
    meter.sample(3.0, 250_000)
    assert meter.sample(4.0, 250_000) == 0  # nothing sent for the whole window
