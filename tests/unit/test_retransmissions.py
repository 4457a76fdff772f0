"""The retransmission budget: a subscriber's NACKs get at most a share of its estimate."""

from signaling.media.retransmissions import (
    BURST_SECONDS,
    SHARE,
    STARTING_ESTIMATE,
    RetransmissionBudget,
)

PACKET = 1200


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def send_while_allowed(budget: RetransmissionBudget, limit: int = 100_000) -> int:
    """Bytes sent in packets of PACKET bytes until the budget refuses one."""
    sent = 0
    while budget.allows():
        budget.spend(PACKET)
        sent += PACKET
        assert sent < limit * PACKET, "the budget never refused"
    return sent


def test_before_any_estimate_a_burst_of_the_starting_rate_is_allowed() -> None:
    budget = RetransmissionBudget(Clock())
    burst = STARTING_ESTIMATE * SHARE / 8 * BURST_SECONDS
    sent = send_while_allowed(budget)
    assert burst <= sent < burst + PACKET
    assert budget.refused == 1
    assert not budget.allows() and budget.refused == 2


def test_over_time_what_is_sent_follows_the_share_of_the_estimate() -> None:
    clock = Clock()
    budget = RetransmissionBudget(clock)
    estimate = 1_000_000
    budget.set_estimate(estimate)
    sent = send_while_allowed(budget)  # the (starting) burst
    for _ in range(100):  # ten seconds of NACK storms, ten a second
        clock.now += 0.1
        sent += send_while_allowed(budget)
    rate = estimate * SHARE / 8
    assert 10 * rate <= sent <= 10 * rate + STARTING_ESTIMATE * SHARE / 8 + 101 * PACKET
    assert budget.refused == 101


def test_a_falling_estimate_shrinks_the_bucket_at_once() -> None:
    clock = Clock()
    budget = RetransmissionBudget(clock)
    budget.set_estimate(4_000_000)
    clock.now += 5  # a full bucket of the high rate
    budget.set_estimate(200_000)
    assert send_while_allowed(budget) < 200_000 * SHARE / 8 * BURST_SECONDS + PACKET


def test_an_idle_budget_holds_no_more_than_one_burst() -> None:
    clock = Clock()
    budget = RetransmissionBudget(clock)
    budget.set_estimate(800_000)
    clock.now += 3600
    sent = send_while_allowed(budget)
    assert sent < 800_000 * SHARE / 8 * BURST_SECONDS + PACKET
