"""What the recorder consumes: an RTP packet, and the encoded frames built from packets."""

from dataclasses import dataclass
from typing import Protocol


class RtpPacket(Protocol):
    """One received media packet, RTX already unwrapped (the forwarder's packets fit)."""

    @property
    def ssrc(self) -> int: ...

    @property
    def sequence_number(self) -> int: ...

    @property
    def timestamp(self) -> int: ...

    @property
    def marker(self) -> bool: ...

    @property
    def payload(self) -> bytes: ...


@dataclass(frozen=True, slots=True)
class Arrived:
    """A packet released in sequence order by the reorder buffer."""

    packet: RtpPacket
    index: int
    """Extended (unwrapped) sequence number: consecutive packets have consecutive indices."""
    arrival: float
    """Wall-clock (UNIX seconds) when the packet reached the recorder."""


@dataclass(frozen=True, slots=True)
class EncodedFrame:
    """A whole encoded frame (VP8 picture or Opus packet), ready to be muxed as is."""

    data: bytes
    timestamp: int
    """The frame's 32-bit RTP timestamp."""
    keyframe: bool
    arrival: float
    """Wall-clock arrival of the frame's first packet."""
    width: int = 0
    height: int = 0
    """Picture size, read from a VP8 keyframe header; 0 otherwise."""
