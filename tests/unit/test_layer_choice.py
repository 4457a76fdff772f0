"""LayerChoice driven tick by tick (0.5 s, as the sharing does) with a fake clock: hysteresis,
moving down and up after their delays, layers that stop, the cap, and trying a better layer on
probation when the estimate is held back by what is sent, and returning to a layer the
publisher sends again."""

from dataclasses import dataclass, field

import pytest

from signaling.media.allocation import HEAVY_LOSS
from signaling.media.layer_choice import (
    ABOVE_FAILED,
    CLIMB,
    CLIMB_BACK,
    DOWN_AFTER,
    FALL,
    FIRST_TRY,
    FORGET_FAILED,
    FORGET_PROBED,
    LIGHT_LOSS,
    MAX_PROBE_TRY,
    MAX_TRY,
    PROBATION,
    QUIET,
    SATURATED,
    SURE_AFTER,
    SURE_CLIMB,
    UP_AFTER,
    UP_MARGIN,
    LayerChoice,
)

TICK = 0.5
RATES: list[int | None] = [150_000, 500_000, 1_500_000]


@dataclass
class Driver:
    choice: LayerChoice
    now: float = 100.0
    rates: list[int | None] = field(default_factory=lambda: list(RATES))
    layers: list[int] = field(default_factory=list)
    """The layer after each tick."""

    def tick(
        self,
        budget: float,
        *,
        estimate: int | None = None,
        sent: int | None = None,
        loss: float = 0.0,
        cap: int = 2,
    ) -> int:
        """One update `TICK` after the last; by default the estimate is the budget and as much
        is sent (a full link, not held back by what is sent)."""
        self.now += TICK
        layer = self.choice.update(
            self.now,
            self.rates,
            cap=cap,
            budget=budget,
            estimate=int(budget) if estimate is None else estimate,
            sent=int(budget if estimate is None else estimate) if sent is None else sent,
            loss=loss,
        )
        assert layer == self.choice.layer
        self.layers.append(layer)
        return layer

    def ticks_until_change(self, limit: float, budget: float, **kwargs: float) -> float:
        """Tick until the layer changes (at most `limit` seconds); the seconds it took."""
        start, layer = self.now, self.choice.layer
        while self.now - start < limit:
            if self.tick(budget, **kwargs) != layer:  # type: ignore[arg-type]
                return self.now - start
        return float("inf")


def between_fit_and_margin(rate: int) -> float:
    """A budget the layer of `rate` fits, but not with UP_MARGIN to spare."""
    return rate * (1 + UP_MARGIN) / 2


def test_a_steady_estimate_between_the_thresholds_never_changes_the_layer() -> None:
    for layer in (1, 2):
        rate = RATES[layer]
        assert rate is not None
        budget = between_fit_and_margin(rate)
        driver = Driver(LayerChoice(layer))
        for _ in range(int(60 / TICK)):
            driver.tick(budget, cap=layer)  # the best worth sending: nothing to try
            assert not driver.choice.on_trial
        assert set(driver.layers) == {layer}, layer


def test_a_full_link_is_never_tried() -> None:
    """The estimate is what is sent: the link is full; layer 1 fits, layer 2 is never tried."""
    mid = RATES[1]
    assert mid is not None
    budget = between_fit_and_margin(mid)
    driver = Driver(LayerChoice(1))
    for _ in range(int(60 / TICK)):
        driver.tick(budget)
        assert not driver.choice.on_trial
    assert set(driver.layers) == {1}


def test_under_a_steady_saturated_estimate_a_failed_try_is_not_repeated_soon() -> None:
    """Layer 1 fits, layer 2 does not, and the estimate is well above what is sent: layer 2 is
    tried once, dropped after PROBATION since the estimate did not climb, and not tried again
    at that estimate until FORGET_FAILED seconds later."""
    mid = RATES[1]
    assert mid is not None
    budget = between_fit_and_margin(mid)
    sent = int(budget / SATURATED / 1.1)
    driver = Driver(LayerChoice(1))
    for _ in range(int(60 / TICK)):
        driver.tick(budget, sent=sent)
    layers = [1, *driver.layers]  # as it started
    ups = [i * TICK for i in range(1, len(layers)) if layers[i] == 2 and layers[i - 1] == 1]
    assert len(ups) == 2, ups
    assert FORGET_FAILED <= ups[1] - ups[0] <= FORGET_FAILED + PROBATION + TICK
    assert layers.count(2) <= 2 * (PROBATION / TICK + 1)


def test_moves_down_after_not_fitting_for_down_after_to_the_best_fitting_lower() -> None:
    driver = Driver(LayerChoice(2))
    mid = RATES[1]
    assert mid is not None
    budget = between_fit_and_margin(mid)
    took = driver.ticks_until_change(10, budget)
    assert driver.choice.layer == 1
    # the first tick that does not fit starts the count
    assert DOWN_AFTER <= took <= DOWN_AFTER + TICK

    driver = Driver(LayerChoice(2))
    assert driver.ticks_until_change(10, 10_000) <= DOWN_AFTER + TICK
    assert driver.choice.layer == 0  # nothing fits: the lowest


def test_a_dip_shorter_than_down_after_changes_nothing() -> None:
    driver = Driver(LayerChoice(2))
    for _ in range(20):
        for _ in range(int(DOWN_AFTER / TICK)):
            driver.tick(100_000)
        driver.tick(2_000_000)
    assert set(driver.layers) == {2}


def test_moves_up_after_fitting_with_margin_for_up_after() -> None:
    top = RATES[2]
    assert top is not None
    driver = Driver(LayerChoice(0))
    budget = top * UP_MARGIN * 1.01
    took = driver.ticks_until_change(10, budget)
    assert driver.choice.layer == 2  # straight to the best that fits
    assert UP_AFTER <= took <= UP_AFTER + TICK

    mid = RATES[1]
    assert mid is not None
    driver = Driver(LayerChoice(0))
    assert driver.ticks_until_change(10, mid * UP_MARGIN * 1.01) <= UP_AFTER + TICK
    assert driver.choice.layer == 1


def test_a_layer_no_longer_sent_moves_at_once() -> None:
    driver = Driver(LayerChoice(2))
    driver.rates = [150_000, 500_000, None]
    assert driver.tick(2_000_000) == 1  # the best sent that fits
    driver = Driver(LayerChoice(2))
    driver.rates = [150_000, 500_000, None]
    assert driver.tick(200_000) == 0
    driver = Driver(LayerChoice(1))
    driver.rates = [None, None, 1_500_000]
    assert driver.tick(200_000) == 2  # the only layer sent, though it does not fit
    # without an estimate, to the lowest sent
    choice = LayerChoice(2)
    rates: list[int | None] = [150_000, None, None]
    assert choice.update(0, rates, cap=2, budget=0, estimate=None, sent=0, loss=0) == 0


def test_the_cap_is_respected() -> None:
    driver = Driver(LayerChoice(0))
    for _ in range(int(30 / TICK)):
        driver.tick(100_000_000, cap=1)
    assert max(driver.layers) == 1
    driver = Driver(LayerChoice(2))
    assert driver.tick(100_000_000, cap=0) == 0  # at once


@dataclass
class Idle:
    """Layer 0 is sent and fits; layer 1 does not, even without a margin; the estimate has not
    fallen and is SATURATED times what is sent: the link may take more."""

    estimate: int = 300_000

    @property
    def budget(self) -> float:
        return float(self.estimate)

    @property
    def sent(self) -> int:
        return int(self.estimate / SATURATED / 1.05)


def tried(link: Idle, cap: int = 2) -> Driver:
    """Layer 0 sent under `link`'s steady estimate until the next layer is tried: once the
    estimate has been quiet for QUIET seconds (its first value counts as a change)."""
    driver = Driver(LayerChoice(0))
    start = driver.now
    while not driver.choice.on_trial:
        driver.tick(link.budget, sent=link.sent, cap=cap)
        assert driver.now - start <= QUIET + TICK
    assert driver.choice.layer == 1 and driver.now - start >= QUIET
    return driver


def test_a_quiet_estimate_tries_the_next_layer_and_keeps_it_when_the_estimate_climbs() -> None:
    link = Idle()
    mid = RATES[1]
    assert mid is not None and mid > link.budget  # it could not move up otherwise
    driver = tried(link, cap=1)
    tried_at = driver.now
    climbed = int(link.estimate * CLIMB * 1.01)
    while driver.now - tried_at < PROBATION:
        driver.tick(climbed, cap=1)  # still short of layer 1's rate
        assert driver.choice.layer == 1
    assert not driver.choice.on_trial  # kept
    # given time to climb (the budget is not there yet), then moved down like any layer
    took = driver.ticks_until_change(CLIMB_BACK * 2, climbed, cap=1)
    assert driver.choice.layer == 0
    assert CLIMB_BACK + DOWN_AFTER <= took <= CLIMB_BACK + DOWN_AFTER + TICK


def test_heavy_loss_ends_the_climb() -> None:
    link = Idle()
    climbed = int(link.estimate * CLIMB * 1.01)
    driver = tried(link, cap=1)
    while driver.choice.on_trial:
        driver.tick(climbed, cap=1)
    assert driver.choice.layer == 1
    took = driver.ticks_until_change(CLIMB_BACK, climbed, loss=HEAVY_LOSS * 2, cap=1)
    assert driver.choice.layer == 0
    assert took <= DOWN_AFTER + TICK


def test_a_try_is_dropped_at_once_when_the_estimate_falls() -> None:
    link = Idle()
    driver = tried(link)
    fallen = int(link.estimate * FALL * 0.99)
    took = driver.ticks_until_change(10, fallen)
    assert driver.choice.layer == 0 and not driver.choice.on_trial
    assert took == TICK


def test_a_try_is_dropped_on_heavy_loss() -> None:
    link = Idle()
    driver = tried(link)
    took = driver.ticks_until_change(10, link.budget, loss=HEAVY_LOSS * 2)
    assert driver.choice.layer == 0
    assert 1.0 <= took <= 1.0 + TICK  # a loss report from before the try says nothing


def test_a_falling_estimate_or_loss_is_never_tried() -> None:
    link = Idle()
    driver = Driver(LayerChoice(0))
    estimate = link.estimate
    for tick in range(int(30 / TICK)):  # falls more often than every QUIET seconds
        if tick % int((QUIET - TICK) / TICK) == 0:
            estimate = int(estimate * FALL * 0.99)
        driver.tick(estimate)
    assert set(driver.layers) == {0}
    driver = Driver(LayerChoice(0))
    for _ in range(int(30 / TICK)):
        driver.tick(link.budget, loss=LIGHT_LOSS * 2)
    assert set(driver.layers) == {0}


@pytest.mark.parametrize(("probe", "longest"), [(False, MAX_TRY), (True, MAX_PROBE_TRY)])
def test_the_wait_before_the_next_try_doubles_up_to_max_try(probe: bool, longest: float) -> None:
    """Each try fails (the estimate falls while on trial, and is back, higher than at the last
    try, once dropped): the waits between a failure and the next try are FIRST_TRY doubled,
    then doubled again, up to MAX_TRY, or the shorter MAX_PROBE_TRY for probes with padding
    (the estimate's fall itself must be QUIET seconds old, which is shorter)."""
    assert QUIET <= FIRST_TRY * 2
    link = Idle()
    driver = Driver(LayerChoice(0, probe=probe))
    tries: list[float] = []
    failures: list[float] = []
    while len(tries) < 5:
        trial = driver.choice.on_trial
        estimate = int(link.estimate * FALL * 0.99) if trial else link.estimate
        driver.tick(estimate, estimate=estimate, sent=link.sent)
        if driver.choice.on_trial and not trial:
            tries.append(driver.now)
        elif trial and not driver.choice.on_trial:
            failures.append(driver.now)
            link = Idle(int(link.estimate * ABOVE_FAILED * 1.01))
        assert driver.now < 200
    waits = [tried - failed for failed, tried in zip(failures, tries[1:], strict=False)]
    expected, delay = [], FIRST_TRY
    for _ in waits:
        delay = min(delay * 2, longest)
        expected.append(delay)
    assert waits == expected
    assert waits[-1] == longest and len(waits) == 4


def test_a_try_that_succeeds_lets_the_next_layer_be_tried_at_once() -> None:
    """The link just carried more: the layer after it is tried without waiting for the
    estimate to be SATURATED again (a freed link is climbed back within seconds)."""
    link = Idle()
    climbed = int(link.estimate * CLIMB * 1.01)
    driver = tried(link)
    while driver.choice.on_trial:
        driver.tick(climbed)  # as much sent as estimated: not saturated
    assert driver.choice.layer == 1
    assert driver.tick(climbed) == 2 and driver.choice.on_trial


def test_a_layer_the_publisher_sends_again_is_returned_to_at_once() -> None:
    driver = Driver(LayerChoice(2))
    driver.rates = [150_000, 500_000, None]  # the publisher stopped its top layer
    assert driver.tick(2_000_000) == 1
    driver.tick(2_000_000)
    driver.rates = list(RATES)
    assert driver.tick(2_000_000) == 2  # at once, not after UP_AFTER: nothing failed

    # unless the link showed a limit meanwhile: then the choice is made afresh
    driver = Driver(LayerChoice(2))
    driver.rates = [150_000, 500_000, None]
    driver.tick(600_000)
    driver.tick(600_000, loss=LIGHT_LOSS * 2)
    driver.rates = list(RATES)
    assert driver.tick(600_000) == 1


def test_a_failed_layer_waits_for_the_estimate_to_pass_where_it_failed() -> None:
    """On a full link the estimate creeps back to where the try failed: no new try; on a freed
    one it climbs past it: tried again."""
    link = Idle()
    driver = tried(link)
    fallen = int(link.estimate * FALL * 0.99)
    driver.tick(fallen, sent=link.sent)
    assert driver.choice.layer == 0
    below = int(link.estimate * ABOVE_FAILED * 0.99)
    for _ in range(int(20 / TICK)):
        driver.tick(below, sent=link.sent)
    assert set(driver.layers[-int(20 / TICK) :]) == {0}
    above = int(link.estimate * ABOVE_FAILED * 1.01)
    while not driver.choice.on_trial:
        driver.tick(above, sent=link.sent)
        assert driver.now < 200
    assert driver.choice.layer == 1


def probed(link: Idle, cap: int = 2) -> Driver:
    """As `tried`, for a subscriber with an RTX stream: the try is made with padding."""
    driver = Driver(LayerChoice(0, probe=True))
    while not driver.choice.on_trial:
        driver.tick(link.budget, sent=link.sent, cap=cap)
        assert driver.now < 200
    return driver


def test_with_padding_a_try_keeps_the_layer_sent_and_moves_only_when_it_succeeds() -> None:
    link = Idle()
    driver = probed(link)
    assert driver.choice.layer == 0 and driver.choice.probing == 1
    tried_at = driver.now
    climbed = int(link.estimate * CLIMB * 1.01)
    while driver.choice.on_trial:
        driver.tick(climbed)
        assert driver.choice.layer == 0 or not driver.choice.on_trial
    assert driver.choice.layer == 1 and driver.now - tried_at == PROBATION
    assert driver.choice.probing is None
    # the link just carried more: the next layer is probed at once, from the new layer
    assert driver.tick(climbed) == 1 and driver.choice.probing == 2


def test_a_probe_whose_estimate_climbs_fast_succeeds_before_probation() -> None:
    """Two of the estimator's rises with the padding flowing: the link carries more, and the
    layer is moved to then (a freed link is climbed back sooner), not after PROBATION; the same
    rise within SURE_AFTER (before an overflowing link could show) ends nothing yet."""
    link = Idle()
    driver = probed(link)
    tried_at = driver.now
    sure = int(link.estimate * SURE_CLIMB * 1.01)
    while driver.now + TICK - tried_at < SURE_AFTER:
        assert driver.tick(sure) == 0 and driver.choice.probing == 1
    assert driver.tick(sure) == 1 and not driver.choice.on_trial
    assert driver.now - tried_at < PROBATION

    driver = probed(link)  # a rise short of SURE_CLIMB waits for the whole probation
    tried_at = driver.now
    while driver.choice.on_trial:
        driver.tick(int(link.estimate * SURE_CLIMB * 0.99))
    assert driver.choice.layer == 1 and driver.now - tried_at == PROBATION


def test_with_padding_a_failed_try_never_moves_the_layer() -> None:
    link = Idle()
    driver = probed(link)
    fallen = int(link.estimate * FALL * 0.99)
    driver.tick(fallen, sent=link.sent)
    assert not driver.choice.on_trial and driver.choice.probing is None
    failed_at = driver.now
    below = int(link.estimate * ABOVE_FAILED * 0.99)
    while not driver.choice.on_trial:  # the estimate stays short of where the probe failed
        driver.tick(below, sent=link.sent)
        assert driver.now - failed_at <= FORGET_PROBED + TICK
    assert driver.now - failed_at >= FORGET_PROBED and driver.choice.probing == 1
    assert set(driver.layers) == {0}

    driver = probed(link)  # heavy loss on the layer sent (the padding crowds the link)
    took = driver.ticks_until_change(10, link.budget, loss=HEAVY_LOSS * 2)
    assert took == float("inf") and set(driver.layers) == {0}
    assert driver.choice.probing is None


def test_with_padding_a_probe_ends_when_the_publisher_stops_the_layer_probed() -> None:
    driver = probed(Idle())
    driver.rates = [150_000, None, 1_500_000]
    driver.tick(Idle().budget, sent=Idle().sent)
    assert driver.choice.probing != 1 and driver.choice.layer == 0
