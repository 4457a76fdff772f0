"""Puts packets back in sequence order, waiting a little for late ones.

Retransmissions answering the forwarder's NACKs arrive a round trip after the packets around
them. The buffer releases packets strictly in sequence order; when a sequence number is
missing it holds what follows for at most `max_delay` seconds (or `max_packets` packets) and
then gives up on the missing one, so a lost packet costs latency, never a stall.
"""

from .packets import Arrived, RtpPacket

MAX_DELAY = 0.35
MAX_PACKETS = 512


class ReorderBuffer:
    def __init__(self, max_delay: float = MAX_DELAY, max_packets: int = MAX_PACKETS) -> None:
        self._max_delay = max_delay
        self._max_packets = max_packets
        self._highest: int | None = None
        """Extended sequence number of the highest packet seen."""
        self._next = 0
        """Extended sequence number of the next packet to release."""
        self._pending: dict[int, Arrived] = {}
        self._stuck_since: float | None = None
        """Monotonic time since which the next packet has been missing while later ones wait."""

    def push(self, packet: RtpPacket, arrival: float, now: float) -> list[Arrived]:
        """Add `packet` (received at wall-clock `arrival`, monotonic `now`); return the
        packets that can be released, in order. Duplicates and packets too late are dropped."""
        index = self._extend(packet.sequence_number)
        if index >= self._next and index not in self._pending:
            self._pending[index] = Arrived(packet, index, arrival)
        return self._release(now)

    def drain(self) -> list[Arrived]:
        """Release everything held, skipping the gaps (on pause or close)."""
        released = [self._pending[i] for i in sorted(self._pending)]
        if released:
            self._next = released[-1].index + 1
        self._pending.clear()
        self._stuck_since = None
        return released

    def _extend(self, sequence_number: int) -> int:
        if self._highest is None:
            self._highest = self._next = sequence_number
            return sequence_number
        delta = (sequence_number - self._highest) & 0xFFFF
        if delta >= 0x8000:
            delta -= 0x10000
        index = self._highest + delta
        self._highest = max(self._highest, index)
        return index

    def _release(self, now: float) -> list[Arrived]:
        released: list[Arrived] = []
        while self._pending:
            if self._next in self._pending:
                released.append(self._pending.pop(self._next))
                self._next += 1
                self._stuck_since = None
                continue
            if self._stuck_since is None:
                self._stuck_since = now
            overdue = now - self._stuck_since >= self._max_delay
            if not overdue and len(self._pending) <= self._max_packets:
                break
            self._next = min(self._pending)  # give up on the missing packets
            self._stuck_since = None
        return released
