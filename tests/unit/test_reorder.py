"""Sequence reordering for the recorder: late packets wait, lost ones are given up on."""

from recording.reorder import ReorderBuffer
from tests.integration.synthetic_rtp import Packet


def packet(sequence: int) -> Packet:
    return Packet(1, sequence & 0xFFFF, 0, False, b"x")


def released(buffer: ReorderBuffer, sequence: int, now: float = 0.0) -> list[int]:
    return [item.index for item in buffer.push(packet(sequence), 0.0, now)]


def test_in_order_packets_pass_at_once() -> None:
    buffer = ReorderBuffer()
    assert [released(buffer, s) for s in (10, 11, 12)] == [[10], [11], [12]]


def test_a_late_packet_is_put_back_in_place() -> None:
    buffer = ReorderBuffer(max_delay=0.3)
    assert released(buffer, 1) == [1]
    assert released(buffer, 3, 0.0) == []
    assert released(buffer, 4, 0.1) == []
    assert released(buffer, 2, 0.2) == [2, 3, 4]


def test_a_lost_packet_is_given_up_after_the_delay() -> None:
    buffer = ReorderBuffer(max_delay=0.3)
    released(buffer, 1)
    assert released(buffer, 3, 0.0) == []
    assert released(buffer, 4, 0.35) == [3, 4]
    assert released(buffer, 2, 0.4) == [], "too late once skipped"


def test_the_buffer_is_bounded() -> None:
    buffer = ReorderBuffer(max_delay=10, max_packets=4)
    released(buffer, 0)
    out = [i for s in range(2, 8) for i in released(buffer, s)]
    assert out == [2, 3, 4, 5, 6, 7]


def test_duplicates_are_dropped_and_wraparound_is_continuous() -> None:
    buffer = ReorderBuffer()
    assert released(buffer, 0xFFFE) == [0xFFFE]
    assert released(buffer, 0xFFFE) == []
    assert released(buffer, 0xFFFF) == [0xFFFF]
    assert released(buffer, 0) == [0x10000]


def test_drain_releases_everything_held() -> None:
    buffer = ReorderBuffer()
    released(buffer, 1)
    released(buffer, 3)
    released(buffer, 5)
    assert [item.index for item in buffer.drain()] == [3, 5]
    assert released(buffer, 6) == [6]
