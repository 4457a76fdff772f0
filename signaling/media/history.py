"""Bounded history of recent packets of one published stream, for answering NACKs."""

from .packet import SourcePacket

DEFAULT_SIZE = 1024


class PacketHistory:
    """Ring of the last `size` sequence numbers; memory is bounded whatever the loss pattern."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        if size <= 0 or size > 0x8000:
            raise ValueError("history size must be in 1..32768")
        self._size = size
        self._slots: list[SourcePacket | None] = [None] * size

    def add(self, packet: SourcePacket) -> bool:
        """Store `packet`; return False if that very packet is already stored (a duplicate)."""
        index = packet.sequence_number % self._size
        stored = self._slots[index]
        if (
            stored is not None
            and stored.sequence_number == packet.sequence_number
            and stored.ssrc == packet.ssrc
        ):
            return False
        self._slots[index] = packet
        return True

    def get(self, sequence_number: int) -> SourcePacket | None:
        stored = self._slots[sequence_number % self._size]
        if stored is not None and stored.sequence_number == sequence_number:
            return stored
        return None
