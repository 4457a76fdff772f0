"""The round trip to a subscriber from the receiver reports of our sender reports, and the
queue it shows, without I/O."""

from signaling.media.round_trip import BASE_WINDOW, KEEP, STALE, RoundTrip, link_queueing


def ntp(seconds: float) -> int:
    """A 64-bit NTP time."""
    return int(seconds * (1 << 32))


def middle(ntp_timestamp: int) -> int:
    """What a receiver report's `lsr` says of it."""
    return (ntp_timestamp >> 16) & 0xFFFFFFFF


def test_the_round_trip_is_the_time_since_the_report_less_the_receiver_s_hold() -> None:
    trip = RoundTrip()
    assert trip.latest is None and trip.queueing == 0.0
    trip.sent(ntp(1000.0), now=10.0)
    trip.report(middle(ntp(1000.0)), dlsr=65536 // 4, now=10.35)  # held 0.25 s
    assert trip.latest is not None and abs(trip.latest - 0.1) < 0.001
    assert trip.queueing == 0.0  # the lowest yet


def test_reports_naming_no_report_of_ours_are_passed_over() -> None:
    trip = RoundTrip()
    trip.report(0, 0, now=5.0)  # the subscriber has received none yet
    trip.report(middle(ntp(7.0)), 0, now=5.0)  # never sent
    assert trip.latest is None
    trip.sent(ntp(1000.0), now=10.0)
    trip.report(middle(ntp(1000.0)), dlsr=65536 * 10, now=10.1)  # held longer than it took
    assert trip.latest == 0.0


def test_a_queue_shows_as_the_round_trip_above_its_lowest() -> None:
    """A report answered after several more were sent (a queue longer than their interval)
    still counts; the queue drains and the figure falls back."""
    trip = RoundTrip()
    for second in range(10):
        trip.sent(ntp(1000.0 + second), now=float(second))
    trip.report(middle(ntp(1000.0)), 0, now=0.05)  # the link's own 50 ms
    trip.report(middle(ntp(1003.0)), 0, now=4.55)  # queued: 1.5 s
    assert abs(trip.queueing - 1.5) < 0.001
    trip.report(middle(ntp(1009.0)), 0, now=9.06)
    assert abs(trip.queueing - 0.01) < 0.001


def test_the_lowest_is_the_lowest_of_the_last_window() -> None:
    """A route whose own delay grew is a queue only for BASE_WINDOW seconds."""
    trip = RoundTrip()
    at = 0.0
    for rtt in (0.05, 0.3):
        for _ in range(round(BASE_WINDOW)):
            trip.sent(ntp(1000.0 + at), now=at)
            trip.report(middle(ntp(1000.0 + at)), 0, now=at + rtt)
            at += 1.0
    assert trip.latest is not None and abs(trip.latest - 0.3) < 0.001
    assert trip.queueing < 0.001  # the 50 ms samples have left the window


def test_only_the_last_reports_are_remembered() -> None:
    trip = RoundTrip()
    for second in range(KEEP + 1):
        trip.sent(ntp(1000.0 + second), now=float(second))
    trip.report(middle(ntp(1000.0)), 0, now=KEEP + 1.0)
    assert trip.latest is None
    trip.report(middle(ntp(1001.0)), 0, now=KEEP + 1.0)
    assert trip.latest == KEEP


def test_a_report_sent_again_with_the_same_time_is_ambiguous() -> None:
    """A paused stream's reports bear its newest packet's time: which one a receiver report
    answers cannot be told, and guessing the first made a queue grow for ever."""
    trip = RoundTrip()
    trip.sent(ntp(1000.0), now=10.0)
    trip.sent(ntp(1000.0), now=11.0)
    trip.report(middle(ntp(1000.0)), 0, now=11.05)
    assert trip.latest is None
    trip.sent(ntp(1012.0), now=12.0)  # sending again
    trip.report(middle(ntp(1012.0)), 0, now=12.05)
    assert trip.latest is not None and abs(trip.latest - 0.05) < 0.001
    assert trip.latest_at == 12.05


def test_a_link_s_queue_is_what_its_freshest_measurement_says() -> None:
    """The paused video's last measurement (queued) is older than the audio's (drained); and
    a link measured by nothing lately is taken to queue nothing."""
    video, audio = RoundTrip(), RoundTrip()
    for trip in (video, audio):
        trip.sent(ntp(1000.0), now=0.0)
        trip.report(middle(ntp(1000.0)), 0, now=0.05)
        trip.sent(ntp(1001.0), now=1.0)
    video.report(middle(ntp(1001.0)), 0, now=3.0)  # 2 s of queue
    assert abs(link_queueing([video, audio], now=3.0) - 1.95) < 0.001
    audio.report(middle(ntp(1001.0)), 0, now=3.5)  # reordered: the audio went through later
    assert abs(link_queueing([video, audio], now=3.5) - 2.45) < 0.001
    audio.sent(ntp(1004.0), now=4.0)
    audio.report(middle(ntp(1004.0)), 0, now=4.06)
    assert abs(link_queueing([video, audio], now=4.1) - 0.01) < 0.001
    assert link_queueing([video, audio], now=4.06 + STALE + 0.1) == 0.0
    assert link_queueing([], now=0.0) == 0.0
