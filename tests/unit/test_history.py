import pytest

from signaling.media.history import PacketHistory
from signaling.media.packet import SourcePacket


def packet(seq: int, ssrc: int = 1) -> SourcePacket:
    return SourcePacket(
        ssrc=ssrc, sequence_number=seq, timestamp=0, marker=False, payload=bytes([seq & 0xFF])
    )


def test_get_returns_stored_packet() -> None:
    history = PacketHistory(size=8)
    p = packet(5)
    assert history.add(p)
    assert history.get(5) is p
    assert history.get(6) is None


def test_overwritten_slot_is_not_returned_for_old_sequence() -> None:
    history = PacketHistory(size=8)
    history.add(packet(5))
    history.add(packet(13))
    assert history.get(5) is None
    assert history.get(13) is not None


def test_wraparound() -> None:
    history = PacketHistory(size=8)
    for seq in (65534, 65535, 0, 1):
        history.add(packet(seq))
    assert all(history.get(seq) is not None for seq in (65534, 65535, 0, 1))


def test_duplicate_detected_but_new_ssrc_is_not_duplicate() -> None:
    history = PacketHistory(size=8)
    assert history.add(packet(3))
    assert not history.add(packet(3))
    assert history.add(packet(3, ssrc=2))


def test_bounded() -> None:
    history = PacketHistory(size=16)
    for seq in range(1000):
        history.add(packet(seq))
    assert sum(history.get(seq) is not None for seq in range(1000)) == 16


@pytest.mark.parametrize("size", [0, -1, 0x10000])
def test_invalid_size(size: int) -> None:
    with pytest.raises(ValueError):
        PacketHistory(size=size)
