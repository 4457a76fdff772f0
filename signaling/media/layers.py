"""One spatial layer of a published video: what the forwarder keeps per RTP stream.

A camera sent as simulcast arrives as up to three streams (layers) on one media section, each
with its SSRC, its RTX SSRC, its own sequence numbers and keyframes; a track sent without
simulcast (audio, a shared screen, aiortc, an older browser) is one layer. Per layer the
publisher keeps the packet history that answers NACKs, the gaps it NACKs upstream, its keyframe
requests (a PLI names the layer's SSRC) and how much arrived, and hands each packet to those
listening to that layer only (`fan_out`).
"""

from collections.abc import Callable

from .history import PacketHistory
from .keyframes import KeyframePolicy
from .nack import NackTracker
from .packet import SourcePacket

STALE = 1.0
"""Seconds without a packet after which a layer counts as not sent (a browser drops its top
layers when its uplink or its encoder cannot keep up)."""

ForwardNow = Callable[[SourcePacket, float, int], None]


class Layer:
    def __init__(
        self, index: int, rid: str | None, *, video: bool, clock: Callable[[], float]
    ) -> None:
        self.index = index
        """0 is the lowest (the only one without simulcast)."""
        self.rid = rid
        """The rid the publisher marks its packets with (None without simulcast)."""
        self.ssrc: int | None = None
        """The media SSRC, learnt from the first packet."""
        self.rtx_ssrc: int | None = None
        self.history = PacketHistory()
        self.keyframes = KeyframePolicy(clock)
        self.nacks: NackTracker | None = NackTracker(clock) if video else None
        self.received_bytes = 0
        """Media payload bytes received."""
        self.last_packet_at: float | None = None
        self.fan_out: tuple[ForwardNow, ...] = ()
        self._clock = clock
        self._video = video

    def new_stream(self, ssrc: int) -> None:
        """The layer's packets now come with `ssrc`: gaps of the old stream mean nothing."""
        self.ssrc = ssrc
        if self._video:
            self.nacks = NackTracker(self._clock)

    def live(self, now: float) -> bool:
        """Whether the publisher sends this layer now."""
        return self.last_packet_at is not None and now - self.last_packet_at < STALE

    def lookup(self, ssrc: int, sequence: int) -> SourcePacket | None:
        """The packet of stream `ssrc` with `sequence` if still held."""
        packet = self.history.get(sequence)
        return packet if packet is not None and packet.ssrc == ssrc else None
