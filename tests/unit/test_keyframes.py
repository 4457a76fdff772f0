from signaling.media.keyframes import KeyframePolicy


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_first_request_goes_out_at_once() -> None:
    assert KeyframePolicy(FakeClock()).request()


def test_requests_within_min_interval_are_coalesced_then_deferred() -> None:
    clock = FakeClock()
    policy = KeyframePolicy(clock)
    assert policy.request()
    clock.now += 0.1
    assert [policy.request() for _ in range(40)] == [False] * 40
    clock.now += 0.2
    assert not policy.poll(waiting=False)
    clock.now += 0.2  # 0.5 s after the first request
    assert policy.poll(waiting=False)
    assert not policy.poll(waiting=False)


def test_keyframe_answers_deferred_requests() -> None:
    clock = FakeClock()
    policy = KeyframePolicy(clock)
    policy.request()
    clock.now += 0.1
    policy.request()
    policy.keyframe_received()
    clock.now += 5
    assert not policy.poll(waiting=False)


def test_reasks_every_second_while_someone_waits() -> None:
    clock = FakeClock()
    policy = KeyframePolicy(clock)
    policy.request()
    sent = 0
    for _ in range(24):  # 3 s in 125 ms steps (exact in binary floating point)
        clock.now += 0.125
        sent += policy.poll(waiting=True)
    assert sent == 3


def test_waiting_without_any_request_yet_asks() -> None:
    assert KeyframePolicy(FakeClock()).poll(waiting=True)


def test_storm_of_requests_is_at_most_two_per_second() -> None:
    clock = FakeClock()
    policy = KeyframePolicy(clock)
    sent = 0
    for _ in range(1000):  # 10 s; 40 subscribers asking every 10 ms between them
        clock.now += 0.01
        sent += policy.request()
        sent += policy.poll(waiting=True)
    assert 18 <= sent <= 21


def test_a_starting_subscriber_waits_only_the_start_interval() -> None:
    clock = FakeClock()
    policy = KeyframePolicy(clock)
    assert policy.request(starting=True)
    clock.now += 0.0625
    assert not policy.request(starting=True)  # the keyframe asked 62 ms ago may answer it
    clock.now += 0.0625
    assert policy.poll(waiting=True)  # it did not come: past 0.1 s after the last request
    clock.now += 0.125
    assert policy.request(starting=True)


def test_a_starting_subscriber_shortens_a_deferred_loss_request() -> None:
    clock = FakeClock()
    policy = KeyframePolicy(clock)
    assert policy.request()
    clock.now += 0.0625
    assert not policy.request()
    assert not policy.request(starting=True)
    clock.now += 0.0625
    assert policy.poll(waiting=False)


def test_starting_requests_do_not_shorten_loss_coalescing() -> None:
    clock = FakeClock()
    policy = KeyframePolicy(clock)
    assert policy.request(starting=True)
    clock.now += 0.25
    assert not policy.request()  # picture loss: still at most one request per 0.5 s
    clock.now += 0.125
    assert not policy.poll(waiting=False)
    clock.now += 0.125
    assert policy.poll(waiting=False)
