"""One spatial layer of a published video: what the forwarder keeps per RTP stream.

A camera sent as simulcast arrives as up to three streams (layers) on one media section, each
with its SSRC, its RTX SSRC, its own sequence numbers and keyframes; a track sent without
simulcast (audio, a shared screen, aiortc, an older browser) is one layer. Per layer the
publisher keeps the packet history that answers NACKs, the gaps it NACKs upstream, its keyframe
requests (a PLI names the layer's SSRC) and how much arrived, and hands each packet to those
listening to that layer only (`fan_out`).
"""

from collections.abc import Callable, Sequence

from aiortc.rtp import RtpPacket

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

    def watched(self) -> None:
        """Someone takes this layer again after nobody did: the packets not kept meanwhile
        are no gap to NACK."""
        if self._video:
            self.nacks = NackTracker(self._clock)

    def live(self, now: float) -> bool:
        """Whether the publisher sends this layer now."""
        return self.last_packet_at is not None and now - self.last_packet_at < STALE

    def lookup(self, ssrc: int, sequence: int) -> SourcePacket | None:
        """The packet of stream `ssrc` with `sequence` if still held."""
        packet = self.history.get(sequence)
        return packet if packet is not None and packet.ssrc == ssrc else None


class LayerStreams:
    """Which layer each SSRC belongs to. A simulcast layer is named by the rid its stream's
    first packets carry (its RTX by the repaired rid); without simulcast every stream is the
    one layer's. A layer's new SSRC replaces its old one."""

    def __init__(self, layers: Sequence[Layer], forget: Callable[[int], None]) -> None:
        """`forget(ssrc)` is called for an SSRC replaced by a layer's new one."""
        self._layers = layers
        self._forget = forget
        self._by_rid = {layer.rid: layer for layer in layers if layer.rid is not None}
        self.media: dict[int, Layer] = {}
        self.rtx: dict[int, Layer] = {}

    def new_media(self, packet: RtpPacket) -> Layer | None:
        """The layer of a media SSRC not seen before (None: no layer of ours)."""
        if self._by_rid:
            layer = self._by_rid.get(packet.extensions.rtp_stream_id)
            if layer is None:
                return None
        else:
            layer = self._layers[0]
        if layer.ssrc is not None:
            self.media.pop(layer.ssrc, None)
            self._forget(layer.ssrc)
        layer.new_stream(packet.ssrc)
        self.media[packet.ssrc] = layer
        return layer

    def new_rtx(self, packet: RtpPacket, rtx_ssrcs: dict[int, int]) -> Layer | None:
        """The layer an RTX SSRC not seen before repairs; without simulcast, by `rtx_ssrcs`
        (RTX SSRC -> media SSRC, from the offer's ssrc-group) or the one stream there is."""
        if self._by_rid:
            layer = self._by_rid.get(packet.extensions.repaired_rtp_stream_id)
        else:
            only = self._layers[0]
            media_ssrc = rtx_ssrcs.get(packet.ssrc, only.ssrc)
            layer = only if media_ssrc is not None and media_ssrc == only.ssrc else None
        if layer is None:
            return None
        if layer.rtx_ssrc is not None:
            self.rtx.pop(layer.rtx_ssrc, None)
            self._forget(layer.rtx_ssrc)
        layer.rtx_ssrc = packet.ssrc
        self.rtx[packet.ssrc] = layer
        return layer
