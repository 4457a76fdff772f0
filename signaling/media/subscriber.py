"""An outgoing track: one published track forwarded to one subscriber's peer connection.

The subscriber's transceiver is negotiated the normal way, with a track that never yields a
frame (so aiortc's sender never encodes) and codec preferences set to the publisher's codec.
Once aiortc starts the sender, the subscription attaches to the published track and sends each
rewritten packet through the subscriber's DTLS transport itself, keeping the counters its
sender reports are made of (`sender_report`, sent with the participant's other streams' by
`sender_reports`; aiortc's own loop per sender is taken over and only sends the BYE). The
subscriber's RTCP is taken over too: NACKs are answered from the publisher's
history (as RTX when negotiated), PLI/FIR become a coalesced keyframe request upstream, and
REMB goes to the subscriber's session, which shares it among what it sends (`allocation`) and
may pause the subscription's video: nothing is sent until it resumes at a keyframe.

A simulcast video is forwarded from one of its layers, chosen by the subscriber's session
(`choose_layer`, from its bandwidth and how large it shows the video): the subscription keeps
sending the layer it is on until a keyframe of the chosen one arrives, and the downtrack turns
the change into one continuous stream.

A video can also be hidden: the subscriber does not show it now (a tile scrolled away, the app
in the background). Hidden and paused are separate: the allocation pauses and unpauses, the
subscriber hides and shows, and the video is sent only when neither holds it back.
"""

import asyncio
import logging
import time
from collections.abc import Callable

from aiortc.codecs import is_rtx
from aiortc.mediastreams import MediaStreamTrack
from aiortc.rtcrtpparameters import (
    RTCRtpCodecCapability,
    RTCRtpCodecParameters,
    RTCRtpSendParameters,
)
from aiortc.rtcrtpsender import RTCRtpSender
from aiortc.rtcrtptransceiver import RTCRtpTransceiver
from aiortc.rtp import (
    RTCP_PSFB_APP,
    RTCP_PSFB_FIR,
    RTCP_PSFB_PLI,
    RTCP_RTPFB_NACK,
    AnyRtcpPacket,
    RtcpPsfbPacket,
    RtcpRrPacket,
    RtcpRtpfbPacket,
    RtcpSdesPacket,
    RtcpSourceInfo,
    RtcpSrPacket,
    unpack_remb_fci,
)
from aiortc.utils import random16, random32
from av.frame import Frame

from . import internals
from .downtrack import DownTrack, DownTrackParams, extension_ids
from .packet import SourcePacket
from .publisher import PublishedTrack, abs_send_time_now
from .retransmissions import RetransmissionBudget
from .round_trip import RoundTrip
from .transport import MAX_BACKLOG, RtpSendPath, SenderReportCounters

logger = logging.getLogger(__name__)

RTCP_SDES_CNAME = 1
"""The SDES item type of a CNAME (RFC 3550, 6.5.1)."""
MAX_LAYER = 2**31
"""No limit on the layer (`Subscription.max_layer`)."""


class SilentTrack(MediaStreamTrack):
    """A track whose `recv()` never returns: it only gives the sending transceiver a track."""

    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind

    async def recv(self) -> Frame:
        never: asyncio.Future[Frame] = asyncio.get_running_loop().create_future()
        return await never


def codec_preferences(codec: RTCRtpCodecParameters, kind: str) -> list[RTCRtpCodecCapability]:
    """aiortc's capability matching the publisher's `codec`, plus RTX for video."""
    capabilities = RTCRtpSender.getCapabilities(kind).codecs
    same_type = [c for c in capabilities if c.mimeType.lower() == codec.mimeType.lower()]
    exact = [c for c in same_type if c.parameters == codec.parameters]
    chosen = exact or same_type
    if not chosen:
        raise ValueError(f"cannot offer {codec.mimeType} to a subscriber")
    return [chosen[0], *(c for c in capabilities if is_rtx(c))]


class Subscription:
    """Forwarding of one published track over one sending transceiver of a subscriber.

    Created by the session before negotiation (`bind` gives it its transceiver); forwards once
    aiortc has started the sender with the negotiated parameters. It can later follow another
    publisher of the same codec (`switch`) or be parked and reused (`stop` / `resume`).
    """

    def __init__(
        self,
        publisher: PublishedTrack,
        *,
        retransmissions: RetransmissionBudget,
        on_estimate: Callable[[frozenset[int], int], None] | None = None,
    ) -> None:
        """`on_estimate(ssrcs, bitrate)` is called with each REMB the subscriber sends;
        `retransmissions`, shared by the subscriber's subscriptions, caps what its NACKs get."""
        self.publisher: PublishedTrack | None = publisher
        self.kind = publisher.kind
        self.codec = publisher.codec
        self.transceiver: RTCRtpTransceiver | None = None
        self._sender: RTCRtpSender | None = None
        self._downtrack: DownTrack | None = None
        self._counters: SenderReportCounters | None = None
        self._send_path: RtpSendPath | None = None
        self._reporting = False
        """Whether aiortc runs the sender: from its start to its stop, reports are sent."""
        self._cname: str | None = None
        self._on_estimate = on_estimate
        self._retransmissions = retransmissions
        self._keyframe_requests: set[asyncio.Task[None]] = set()
        """The subscriber's PLIs and FIRs passed on to the publisher, under way."""
        self.paused = False
        """Paused for a weak connection: nothing forwarded until `unpause`."""
        self.hidden = False
        """Not shown by the subscriber now: nothing forwarded until `show`."""
        self.sent_bytes = 0
        """Bytes of RTP sent, retransmissions included."""
        self.retransmitted_bytes = 0
        """Bytes of them sent as retransmissions."""
        self.padding_bytes = 0
        """Bytes of them sent as padding (probing the link for a better layer)."""
        self.loss = 0.0
        """The fraction of this stream the subscriber last reported lost."""
        self.round_trip = RoundTrip()
        """Measured from the subscriber's reports of this stream's sender reports."""
        self.layer: int | None = None
        """The layer of the publisher being sent (None until one is)."""
        self._layer_ssrc: int | None = None
        self.target_layer = 0
        """The layer chosen: sent from its next keyframe on."""
        self.max_layer = MAX_LAYER
        """The best layer worth sending: the subscriber shows the video small."""

    @property
    def mid(self) -> str | None:
        return None if self.transceiver is None else self.transceiver.mid

    @property
    def forwarding(self) -> bool:
        """Whether packets of the current publisher are being sent."""
        return self._downtrack is not None and self.publisher is not None

    @property
    def ssrc(self) -> int | None:
        """The SSRC this subscription sends with, once started."""
        return None if self._downtrack is None else self._downtrack.params.ssrc

    @property
    def sending(self) -> bool:
        """Neither paused nor hidden: packets reaching it are sent."""
        return not (self.paused or self.hidden)

    @property
    def waiting_for_keyframe(self) -> bool:
        """Waiting for a picture it will send (a paused or hidden one asks for none): to start,
        or to move to the chosen layer."""
        downtrack = self._downtrack
        return (
            downtrack is not None
            and (downtrack.waiting or self.layer != self.target_layer)
            and self.sending
        )

    async def choose_layer(self, layer: int) -> None:
        """Send `layer` of a simulcast publisher from its next keyframe (asked for now)."""
        publisher = self.publisher
        if (
            publisher is None
            or layer == self.target_layer
            or not 0 <= layer < len(publisher.layers)
        ):
            return
        self.target_layer = layer
        self._listen()
        if self._downtrack is not None and self.sending and layer != self.layer:
            await publisher.request_keyframe(layer=layer)

    def _listen(self) -> None:
        """Listen to the layer being sent and the one chosen."""
        if self.publisher is not None and self._downtrack is not None:
            layers = {self.target_layer} if self.layer is None else {self.layer, self.target_layer}
            self.publisher.listen(self, layers)

    def bind(self, transceiver: RTCRtpTransceiver) -> None:
        """Take over a fresh sendonly transceiver; call before creating the offer."""
        transceiver.setCodecPreferences(codec_preferences(self.codec, self.kind))
        sender = transceiver.sender
        internals.hook_sender_start(sender, self._on_sender_started)
        internals.take_over_rtcp(sender, self._on_rtcp)
        internals.take_over_sender_reports(sender, self._reporting_changed, self._send_rtcp)
        self._counters = SenderReportCounters(sender)
        self._sender = sender
        self.transceiver = transceiver

    def can_carry(self, publisher: PublishedTrack) -> bool:
        return publisher.kind == self.kind and (
            publisher.codec.mimeType.lower() == self.codec.mimeType.lower()
        )

    async def switch(self, publisher: PublishedTrack) -> None:
        """Follow another publisher on the same transceiver (no renegotiation)."""
        if not self.can_carry(publisher):
            raise ValueError("a subscription can only switch to a track of the same codec")
        if self.publisher is not None:
            self.publisher.detach(self)
        self.publisher = publisher
        self._restart_layers()
        if self._downtrack is not None:
            self._downtrack.switch_source()
            self._listen()
            await publisher.request_keyframe(layer=self.target_layer)

    def stop(self) -> None:
        """Stop forwarding; the transceiver stays, to be parked by renegotiation and reused."""
        if self.publisher is not None:
            self.publisher.detach(self)
        self.publisher = None
        self.paused = False
        self.hidden = False
        self._restart_layers()
        self.flush_counters()
        if self._downtrack is not None:
            self._downtrack.switch_source()

    def flush_counters(self) -> None:
        """Bring what the sender and its transport say was sent (their stats) up to date; the
        sender's are otherwise written at each sender report, the transport's every
        `RtpSendPath.COUNTER_BATCH` packets."""
        if self._counters is not None:
            self._counters.flush()
        if self._send_path is not None:
            self._send_path.flush_counters()

    def resume(self, publisher: PublishedTrack) -> None:
        """Reuse a parked subscription; forwarding starts when aiortc restarts the sender."""
        if not self.can_carry(publisher):
            raise ValueError("a subscription can only carry a track of the same codec")
        self.publisher = publisher
        self._restart_layers()

    def _restart_layers(self) -> None:
        """Nothing sent yet of the (new) publisher: start from its lowest layer."""
        self.layer = self._layer_ssrc = None
        self.target_layer = 0

    def pause(self) -> None:
        """Stop forwarding (no renegotiation): the subscriber's link cannot carry it."""
        self.paused = True

    async def unpause(self) -> None:
        """Forward again (unless hidden) from the next keyframe, asked for at once."""
        if not self.paused:
            return
        self.paused = False
        await self._restart()

    def hide(self) -> None:
        """Stop forwarding (no renegotiation): the subscriber does not show it now."""
        self.hidden = True

    async def show(self) -> None:
        """Forward again (unless paused) from the next keyframe, asked for at once."""
        if not self.hidden:
            return
        self.hidden = False
        await self._restart()

    async def _restart(self) -> None:
        """Start sending again at a keyframe, if nothing else holds the stream back."""
        if not self.sending:
            return
        if self._downtrack is not None:
            self._downtrack.switch_source()
        # from a keyframe of the chosen layer
        self.layer = self._layer_ssrc = None
        self._listen()
        if self.publisher is not None:
            await self.publisher.request_keyframe(layer=self.target_layer)

    def forward_now(self, packet: SourcePacket, now: float, abs_send_time: int) -> None:
        """The publisher's fan-out calls this per packet (of the layers listened to)."""
        downtrack = self._downtrack
        counters = self._counters
        if downtrack is None or counters is None or self.paused or self.hidden:
            return
        if packet.ssrc != self._layer_ssrc and not self._take_layer(packet):
            return
        data = downtrack.forward(packet, now, abs_send_time)
        if data is None:
            return
        counters.sent(len(packet.payload), downtrack.last_timestamp, now)
        self.sent_bytes += len(data)
        self._send(data)

    @property
    def can_pad(self) -> bool:
        """Whether padding can be sent (the subscriber negotiated RTX for this video)."""
        downtrack = self._downtrack
        return downtrack is not None and downtrack.params.rtx_ssrc is not None

    def send_padding(self, size: int) -> int:
        """Send one packet of `size` bytes of padding; the bytes sent (0: none could be)."""
        downtrack = self._downtrack
        if downtrack is None or not self.sending:
            return 0
        data = downtrack.padding(size, abs_send_time_now())
        if data is None or not self._path().send(data, MAX_BACKLOG):
            return 0
        self.sent_bytes += len(data)
        self.padding_bytes += len(data)
        return len(data)

    def _take_layer(self, packet: SourcePacket) -> bool:
        """Whether to send `packet`, of an SSRC other than the layer's being sent: yes if it
        is that layer's new stream, or the chosen layer's keyframe (which ends the other)."""
        publisher = self.publisher
        layer = None if publisher is None else publisher.layer_of(packet.ssrc)
        if layer is None:
            return False
        if layer.index == self.layer:
            self._layer_ssrc = packet.ssrc
            return True
        if layer.index != self.target_layer:
            return False  # the layer left, still arriving until the fan-out is rebuilt
        downtrack = self._downtrack
        if downtrack is not None and downtrack.params.wait_for_keyframe and not packet.keyframe:
            return False
        self.layer, self._layer_ssrc = layer.index, packet.ssrc
        self._listen()
        return True

    def _send(self, data: bytes) -> None:
        """Send at once, or drop: like on a congested link, a gap the subscriber NACKs later
        (when its socket's buffer is full), or nothing to do (its transport is closing and its
        session will clean up)."""
        self._path().send(data, MAX_BACKLOG)

    def sender_report(self) -> bytes | None:
        """This stream's RTCP sender report and SDES, as aiortc's sender would send them,
        while the sender runs (`sender_reports.SenderReports` sends them)."""
        counters, sender = self._counters, self._sender
        if not self._reporting or counters is None or sender is None:
            return None
        info = counters.report()
        self.round_trip.sent(info.ntp_timestamp, time.monotonic())
        ssrc, _ = internals.sender_ssrcs(sender)
        report = bytes(RtcpSrPacket(ssrc=ssrc, sender_info=info))
        if self._cname is None:
            return report
        item = (RTCP_SDES_CNAME, self._cname.encode())
        return report + bytes(RtcpSdesPacket(chunks=[RtcpSourceInfo(ssrc=ssrc, items=[item])]))

    def _reporting_changed(self, running: bool) -> None:
        self._reporting = running

    def _send_rtcp(self, data: bytes) -> None:
        """The sender's own RTCP (its BYE), sent or dropped as `_send` does."""
        self._path().send_rtcp(data, MAX_BACKLOG)

    @property
    def send_path(self) -> RtpSendPath:
        """Where this subscription's packets go (its sender must have started)."""
        return self._path()

    def _path(self) -> RtpSendPath:
        """The send path of the sender's transport, found at each start of the sender (the
        transport is set by then, and negotiation is what could change it)."""
        path = self._send_path
        if path is None:
            assert self._sender is not None
            path = self._send_path = RtpSendPath.of(self._sender.transport)
        return path

    async def _on_sender_started(self, parameters: RTCRtpSendParameters) -> None:
        """aiortc (re)starts the sender after every negotiation of the connection; only a
        subscription without a picture yet (new, or resumed) asks for a keyframe, or each
        renegotiation would ask every publisher it carries for one."""
        new = self._downtrack is None
        self._cname = parameters.rtcp.cname
        assert self._sender is not None
        self._send_path = RtpSendPath.of(self._sender.transport)
        if self._downtrack is None:
            self._downtrack = self._make_downtrack(parameters)
        publisher = self.publisher
        if publisher is not None:
            self._listen()
            if (new or self._downtrack.waiting) and self.sending:
                await publisher.request_keyframe(starting=True, layer=self.target_layer)

    def _make_downtrack(self, parameters: RTCRtpSendParameters) -> DownTrack:
        assert self.transceiver is not None
        primary = parameters.codecs[0]
        if primary.payloadType is None:
            raise ValueError("negotiated codec has no payload type")
        rtx = next(
            (
                c
                for c in parameters.codecs
                if is_rtx(c) and c.parameters.get("apt") == primary.payloadType
            ),
            None,
        )
        ssrc, rtx_ssrc = internals.sender_ssrcs(self.transceiver.sender)
        params = DownTrackParams(
            ssrc=ssrc,
            payload_type=primary.payloadType,
            clock_rate=primary.clockRate,
            # keyframes are only recognised in VP8; other video starts at once and relies on
            # the keyframe request made when the subscriber starts
            wait_for_keyframe=self.codec.name.lower() == "vp8",
            mid=parameters.muxId or None,
            extension_ids=extension_ids((x.uri, x.id) for x in parameters.headerExtensions),
            rtx_ssrc=rtx_ssrc if rtx is not None else None,
            rtx_payload_type=rtx.payloadType if rtx is not None else None,
        )
        return DownTrack(
            params,
            initial_sequence=random16() % 0x8000,
            initial_timestamp=random32(),
            initial_rtx_sequence=random16() % 0x8000,
        )

    def _on_rtcp(self, packet: AnyRtcpPacket) -> None:
        try:
            self._handle_rtcp(packet)
        except Exception:  # an exception here would reach the transport's receive path
            logger.exception("failed to handle subscriber RTCP %r", packet)

    def _handle_rtcp(self, packet: AnyRtcpPacket) -> None:
        assert self.transceiver is not None
        sender = self.transceiver.sender
        downtrack = self._downtrack
        if isinstance(packet, RtcpRrPacket | RtcpSrPacket):
            for report in packet.reports:
                if downtrack is not None and report.ssrc == downtrack.params.ssrc:
                    self.loss = report.fraction_lost / 256
                    self.round_trip.report(report.lsr, report.dlsr, time.monotonic())
            internals.aiortc_handles_report(sender, packet)
            return
        publisher = self.publisher
        if publisher is None or downtrack is None:
            return
        if isinstance(packet, RtcpRtpfbPacket) and packet.fmt == RTCP_RTPFB_NACK:
            if not self.sending:
                return
            abs_send_time = abs_send_time_now()
            if self.layer is None:
                return
            history = publisher.layers[self.layer].history
            budget = self._retransmissions
            for sequence in packet.lost:
                if not budget.allows():
                    break
                data = downtrack.retransmit(sequence, history.get, abs_send_time)
                if data is not None:
                    self.sent_bytes += len(data)
                    self.retransmitted_bytes += len(data)
                    budget.spend(len(data))
                    self._send(data)
        elif isinstance(packet, RtcpPsfbPacket) and packet.fmt in (RTCP_PSFB_PLI, RTCP_PSFB_FIR):
            if self.sending:  # a held-back stream gets its keyframe when it is sent again
                task = asyncio.create_task(publisher.request_keyframe(layer=self.target_layer))
                self._keyframe_requests.add(task)
                task.add_done_callback(self._keyframe_requests.discard)
        elif isinstance(packet, RtcpPsfbPacket) and packet.fmt == RTCP_PSFB_APP:
            try:
                bitrate, ssrcs = unpack_remb_fci(packet.fci)
            except ValueError:
                return
            if downtrack.params.ssrc in ssrcs and self._on_estimate is not None:
                self._on_estimate(frozenset(ssrcs), bitrate)
