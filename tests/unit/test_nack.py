from signaling.media.nack import MAX_AGE, NackTracker, seq_delta


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_seq_delta() -> None:
    assert seq_delta(5, 3) == 2
    assert seq_delta(3, 5) == -2
    assert seq_delta(1, 65535) == 2
    assert seq_delta(65535, 1) == -2


def test_gap_is_reported_once_and_filled_by_late_packet() -> None:
    tracker = NackTracker(FakeClock())
    assert tracker.add(10) == []
    assert tracker.add(11) == []
    assert tracker.add(14) == [12, 13]
    assert tracker.add(12) == []
    assert tracker.add(15) == []


def test_gap_across_wraparound() -> None:
    tracker = NackTracker(FakeClock())
    tracker.add(65534)
    assert tracker.add(1) == [65535, 0]


def test_retries_until_limit() -> None:
    clock = FakeClock()
    tracker = NackTracker(clock, retry_interval=0.1, max_retries=3)
    tracker.add(1)
    tracker.add(3)
    assert tracker.due() == []
    asked = []
    for _ in range(10):
        clock.now += 0.1
        asked += tracker.due()
    assert asked == [2, 2]  # first ask in add(), then two retries


def test_received_packet_stops_retries() -> None:
    clock = FakeClock()
    tracker = NackTracker(clock, retry_interval=0.1)
    tracker.add(1)
    tracker.add(3)
    tracker.add(2)
    clock.now += 1
    assert tracker.due() == []


def test_old_missing_packets_are_forgotten() -> None:
    clock = FakeClock()
    tracker = NackTracker(clock, retry_interval=0.1)
    tracker.add(0)
    tracker.add(2)
    seq = 2
    while seq < MAX_AGE + 10:
        seq += 1
        tracker.add(seq)
    clock.now += 1
    assert tracker.due() == []


def test_big_jump_is_a_restart_not_loss() -> None:
    tracker = NackTracker(FakeClock())
    tracker.add(0)
    assert tracker.add(30000) == []
    assert tracker.add(30002) == [30001]
