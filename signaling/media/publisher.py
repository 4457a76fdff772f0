"""An incoming track, taken over at the RTP level and fanned out to subscribers.

The receiver's RTP is taken over (`internals.take_over_rtp`): nothing reaches aiortc's jitter
buffer or decoder, and once the transport is connected each packet comes straight from the
socket's read callback (`transport.ReceivePath`). Per packet, synchronously, the track keeps
the receiver-report statistics aiortc sends upstream, unwraps the publisher's RTX, NACKs gaps,
stores the packet in a bounded history, notes the RFC 6464 audio level and hands the packet to
every subscriber (`forward_now`): a subscriber's downtrack sends at once (a send never waits:
SRTP protect and a datagram `sendto`), a recorder keeps it in memory and leaves the file I/O
to a thread of its own, so there is no queue here to grow.

A periodic task re-asks for keyframes while a subscriber waits, re-sends NACKs and sends a
REMB upstream: the publisher's encoder otherwise gets no bandwidth estimate, since bypassing
the receiver also bypasses aiortc's estimator. The REMB is the publisher's own uplink estimate
(aiortc's receive-side estimator, fed with each frame's arrival and abs-send-time) capped
by its role, never a subscriber's: a weak subscriber must not lower what everyone else gets
and what is recorded (each subscriber's own estimate is shared out in `allocation`).

A camera sent as simulcast arrives as up to three layers (`layers`), told apart by the rid its
streams announce in their first packets (`simulcast`); each has its own history, NACKs and
keyframe requests. A subscription listens to the layers it chooses (`listen`); whoever
attaches without choosing (the recorder, a still) follows the best layer the publisher sends,
moving to another only at a keyframe of it.
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Protocol

from aiortc.codecs import is_rtx
from aiortc.rtcrtpparameters import RTCRtpCodecParameters
from aiortc.rtcrtpreceiver import StreamStatistics
from aiortc.rtcrtptransceiver import RTCRtpTransceiver
from aiortc.rtp import (
    RTCP_PSFB_APP,
    RTCP_PSFB_PLI,
    RTCP_RTPFB_NACK,
    AnyRtcpPacket,
    RtcpPsfbPacket,
    RtcpRtpfbPacket,
    RtcpSrPacket,
    RtpPacket,
    pack_remb_fci,
    unwrap_rtx,
)

from . import internals
from .layers import Layer, LayerStreams
from .packet import SourcePacket
from .transport import MAX_BACKLOG, RtpSendPath
from .uplink import UplinkEstimate
from .vp8 import parse_descriptor

logger = logging.getLogger(__name__)

TICK = 0.1
REMB_INTERVAL = 1.0
DEFAULT_MAX_BITRATE = 1_500_000


def abs_send_time_now() -> int:
    """The current time as the 24-bit abs-send-time header extension value (6.18 seconds of
    NTP time; the NTP epoch is a whole number of 64-second periods before Unix time's)."""
    return int(time.time() * 262_144.0) & 0xFFFFFF


class Subscriber(Protocol):
    """What a published track needs from each of its subscribers."""

    @property
    def waiting_for_keyframe(self) -> bool: ...

    def forward_now(self, packet: SourcePacket, now: float, abs_send_time: int) -> None:
        """Take one packet, on the receive path: it must not block, nor wait for anything (a
        coroutine or a task per packet would be most of the cost of the hand-over)."""


class LayerSubscriber(Subscriber, Protocol):
    """A subscriber that chooses its layers (`PublishedTrack.listen`)."""

    @property
    def target_layer(self) -> int:
        """The layer whose keyframe it waits for when `waiting_for_keyframe`."""


@dataclass(slots=True)  # not frozen: made per audio packet, and a frozen one costs 8 times as much
class AudioLevel:
    level: int
    """RFC 6464 level in -dBov: 0 is the loudest, 127 silence."""
    voice: bool
    at: float
    """Monotonic time of the packet that carried it."""


class PublishedTrack:
    """One remote track of a participant, forwarded to any number of subscribers."""

    def __init__(
        self,
        transceiver: RTCRtpTransceiver,
        track_id: str,
        *,
        max_bitrate: int = DEFAULT_MAX_BITRATE,
        rids: Sequence[str] = (),
        clock_fn: Callable[[], float] = time.monotonic,
    ) -> None:
        """`rids`: the simulcast layers the publisher offered, lowest first (none: one layer)."""
        codecs = [c for c in internals.transceiver_codecs(transceiver) if not is_rtx(c)]
        if not codecs:
            raise ValueError("transceiver has no negotiated media codec")
        self.id = track_id
        self.kind = transceiver.kind
        self.transceiver = transceiver
        self.codec: RTCRtpCodecParameters = codecs[0]
        """The codec the publisher sends with; subscribers are offered exactly this one."""
        if self.codec.payloadType is None:
            raise ValueError("negotiated codec has no payload type")
        self._payload_type: int = self.codec.payloadType
        self.ended = False
        self._receiver = transceiver.receiver
        # aiortc fills these in place for the receiver's whole life: found once, not per packet
        self._codecs = internals.receiver_codecs(self._receiver)
        self._statistics = internals.receiver_statistics(self._receiver)
        self._max_bitrate = max_bitrate
        self._clock = clock_fn
        self._is_vp8 = self.codec.name.lower() == "vp8"
        video = self.kind == "video"
        self.simulcast = video and len(rids) > 1
        self.layers: tuple[Layer, ...] = (
            tuple(Layer(i, rid, video=True, clock=clock_fn) for i, rid in enumerate(rids))
            if self.simulcast
            else (Layer(0, None, video=video, clock=clock_fn),)
        )
        self._streams = LayerStreams(self.layers, self._forget_stream)
        self._best: Layer | None = None if self.simulcast else self.layers[0]
        """The layer followers get (`attach`); for simulcast, once one is sent."""
        self._best_next: Layer | None = None
        """A better layer followers move to at its next keyframe."""
        self._followers: list[Subscriber] = []
        self._listeners: dict[LayerSubscriber, frozenset[int]] = {}
        self._nack_tasks: set[asyncio.Task[None]] = set()
        self._uplink = UplinkEstimate() if video else None
        self.received_bytes = 0
        """Media payload bytes received, all layers (for the rate a paused subscriber needs)."""
        self._audio_level: AudioLevel | None = None
        self._ended_callbacks: list[Callable[[], None]] = []
        self._task: asyncio.Task[None] | None = None
        self._sender_report_callbacks: list[Callable[[int, int, int], None]] = []
        internals.take_over_rtp(self._receiver, self._on_rtp)
        internals.take_over_rtcp(self._receiver, self._on_rtcp)
        internals.take_over_receiver_rtcp_send(self._receiver, self._send_rtcp_now)

    @property
    def audio_level(self) -> AudioLevel | None:
        """The latest RFC 6464 audio level the publisher sent, for active-speaker detection."""
        return self._audio_level

    @property
    def uplink_estimate(self) -> int | None:
        """The publisher's uplink as estimated from its packets (None until known)."""
        return None if self._uplink is None else self._uplink.bitrate

    @property
    def max_bitrate(self) -> int:
        """The role's cap on what this track may send."""
        return self._max_bitrate

    @property
    def subscriber_count(self) -> int:
        return len(self._followers) + len(self._listeners)

    @property
    def followed_layer(self) -> Layer | None:
        """The layer those who attached (the recorder, a still) get now."""
        return self._best

    def live_layers(self) -> list[Layer]:
        """The layers the publisher sends now, lowest first."""
        now = self._clock()
        return [layer for layer in self.layers if layer.live(now)]

    def layer_of(self, ssrc: int) -> Layer | None:
        """The layer whose media SSRC is `ssrc`."""
        return self._streams.media.get(ssrc)

    def reception(self) -> tuple[int, int]:
        """Media packets expected and received so far (retransmissions not counted), for
        judging the publisher's connection."""
        streams = self._statistics
        expected = received = 0
        for layer in self.layers:
            stream = streams.get(layer.ssrc) if layer.ssrc is not None else None
            if stream is not None:
                expected += stream.packets_expected
                received += stream.packets_received
        return expected, received

    def on_ended(self, callback: Callable[[], None]) -> None:
        self._ended_callbacks.append(callback)

    def on_sender_report(self, callback: Callable[[int, int, int], None]) -> None:
        """`callback(ssrc, ntp_timestamp, rtp_timestamp)` for each RTCP sender report of the
        publisher (its RTP-to-NTP clock mapping, which lines up its tracks in a recording)."""

        self._sender_report_callbacks.append(callback)

    def _on_rtcp(self, packet: AnyRtcpPacket) -> None:
        """The publisher's RTCP: its sender reports shown to `on_sender_report`'s callbacks,
        and everything handled by aiortc as before (what the receiver reports answer)."""
        if isinstance(packet, RtcpSrPacket) and not self.ended:
            info = packet.sender_info
            for callback in self._sender_report_callbacks:
                try:
                    callback(packet.ssrc, info.ntp_timestamp, info.rtp_timestamp)
                except Exception:
                    logger.exception("sender report callback failed")
        try:
            internals.aiortc_handles_receiver_rtcp(self._receiver, packet)
        except Exception:  # an exception here would reach the transport's receive path
            logger.exception("failed to handle publisher RTCP %r", packet)

    def _send_rtcp_now(self, data: bytes) -> None:
        """Send (or drop, as media is) the receiver's RTCP: its reports and our feedback."""
        RtpSendPath.of(self._receiver.transport).send_rtcp(data, MAX_BACKLOG)

    def start(self) -> None:
        if self._task is None and not self.ended:
            self._task = asyncio.create_task(self._run_periodic())

    async def stop(self) -> None:
        """The publisher is gone: stop forwarding and tell whoever registered with on_ended."""
        if self.ended:
            return
        self.ended = True
        self._followers.clear()
        self._listeners.clear()
        self._fan_out_changed()
        for task in (self._task, *self._nack_tasks):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        for callback in self._ended_callbacks:
            callback()
        self._ended_callbacks.clear()

    def attach(self, subscriber: Subscriber) -> None:
        """Forward the best layer sent to `subscriber` (the only one without simulcast)."""
        if not self.ended and subscriber not in self._followers:
            self._followers.append(subscriber)
            self._fan_out_changed()

    def listen(self, subscriber: LayerSubscriber, layers: Collection[int]) -> None:
        """Forward the packets of `layers` (indexes into `layers`) to `subscriber`."""
        chosen = frozenset(i for i in layers if 0 <= i < len(self.layers))
        if not self.ended and self._listeners.get(subscriber) != chosen:
            self._listeners[subscriber] = chosen
            self._fan_out_changed()

    def detach(self, subscriber: Subscriber) -> None:
        if subscriber in self._followers:
            self._followers.remove(subscriber)
            self._fan_out_changed()
        if self._listeners.pop(subscriber, None) is not None:  # type: ignore[call-overload]
            self._fan_out_changed()

    def _fan_out_changed(self) -> None:
        """Rebuilt on every change rather than copied per packet."""
        for layer in self.layers:
            fan_out = [
                s.forward_now for s, chosen in self._listeners.items() if layer.index in chosen
            ]
            if layer is self._best:
                fan_out.extend(s.forward_now for s in self._followers)
            if fan_out and not layer.fan_out:
                layer.watched()
            layer.fan_out = tuple(fan_out)

    async def request_keyframe(self, starting: bool = False, layer: int | None = None) -> None:
        """A subscriber needs a keyframe of `layer` (None: the one followers get; `starting`:
        it has no picture yet); coalesced with everyone else's requests."""
        if self.kind != "video":
            return
        wanted = self._followed() if layer is None else self.layers[layer]
        if wanted is not None and wanted.keyframes.request(starting):
            await self._send_pli(wanted)

    def _followed(self) -> Layer | None:
        return self._best_next or self._best

    def target_bitrate(self) -> int:
        """What the publisher is told it may send: its uplink's estimate, capped by its role
        (the cap alone until the estimator has one)."""
        estimate = self.uplink_estimate
        return self._max_bitrate if estimate is None else min(self._max_bitrate, estimate)

    def _on_rtp(self, packet: RtpPacket) -> None:
        try:
            self._handle_rtp(packet)
        except Exception:  # an exception here would reach the transport's receive loop
            logger.exception("failed to forward %r", packet)

    def _handle_rtp(self, packet: RtpPacket) -> None:
        now = self._clock()
        uplink = self._uplink
        if uplink is not None:
            size = len(packet.payload) + packet.padding_size
            uplink.received(size, packet.extensions.abs_send_time, now, packet.ssrc)
        found = self._demultiplex(packet)
        if found is None:
            return
        layer, media = found
        if self.simulcast and not layer.fan_out and layer is not self._best_next:
            # nobody takes this layer now: only its rate and liveness matter (a browser sends
            # every layer, and keeping each packet cost more than forwarding one)
            size = len(media.payload)
            self.received_bytes += size
            layer.received_bytes += size
            layer.last_packet_at = now
            return
        nacks = layer.nacks
        if nacks is not None:
            lost = nacks.add(media.sequence_number)
            if lost:
                task = asyncio.create_task(self._send_nack(layer, lost))
                self._nack_tasks.add(task)
                task.add_done_callback(self._nack_tasks.discard)

        source = self._source_packet(media)
        if source is None or not layer.history.add(source):
            return
        size = len(source.payload)
        self.received_bytes += size
        layer.received_bytes += size
        layer.last_packet_at = now
        if source.audio_level is not None:
            voice, level = source.audio_level
            self._audio_level = AudioLevel(level=level, voice=voice, at=now)
        if source.keyframe:
            layer.keyframes.keyframe_received()
            if layer is self._best_next:
                self._best, self._best_next = layer, None
                self._fan_out_changed()

        abs_send_time = abs_send_time_now()
        # one broken subscriber must not starve the others
        for forward_now in layer.fan_out:
            try:
                forward_now(source, now, abs_send_time)
            except Exception:
                logger.exception("forwarding to %r failed", getattr(forward_now, "__self__", None))

    def _demultiplex(self, packet: RtpPacket) -> tuple[Layer, RtpPacket] | None:
        """The layer of `packet` and the packet (RTX unwrapped) if it is forwardable; counted
        for receiver reports if it belongs to a layer (only those: a publisher spraying SSRCs
        must not grow the statistics)."""
        codec = self._codecs.get(packet.payload_type)
        if codec is None or self.ended:
            return None
        streams = self._streams
        if packet.payload_type == self._payload_type:  # the media codec itself: the common case
            layer = streams.media.get(packet.ssrc) or streams.new_media(packet)
            if layer is None:
                return None
            self._count(packet, codec.clockRate)
            return layer, packet
        if not is_rtx(codec) or codec.parameters.get("apt") != self._payload_type:
            return None
        layer = streams.rtx.get(packet.ssrc) or streams.new_rtx(
            packet, internals.receiver_rtx_ssrcs(self._receiver)
        )
        if layer is None or layer.ssrc is None:
            return None  # a retransmission we cannot place
        self._count(packet, codec.clockRate)
        if len(packet.payload) < 2:
            return None  # padding only
        return layer, unwrap_rtx(packet, payload_type=self._payload_type, ssrc=layer.ssrc)

    def _count(self, packet: RtpPacket, clock_rate: int) -> None:
        """Count `packet` in its stream's statistics (aiortc's receiver reports them)."""
        statistics = self._statistics
        stream = statistics.get(packet.ssrc)
        if stream is None:
            stream = statistics[packet.ssrc] = StreamStatistics(clock_rate)
        stream.add(packet)

    def _forget_stream(self, ssrc: int) -> None:
        """A layer's stream replaced by another: no more reports about it."""
        self._statistics.pop(ssrc, None)

    def _source_packet(self, packet: RtpPacket) -> SourcePacket | None:
        vp8 = None
        if self._is_vp8 and packet.payload:
            try:
                vp8 = parse_descriptor(packet.payload)
            except ValueError:
                logger.debug("dropping packet with malformed VP8 descriptor")
                return None
        return SourcePacket(
            ssrc=packet.ssrc,
            sequence_number=packet.sequence_number,
            timestamp=packet.timestamp,
            marker=bool(packet.marker),
            payload=packet.payload,
            padding_size=packet.padding_size,
            audio_level=packet.extensions.audio_level,
            vp8=vp8,
        )

    def _choose_best(self) -> Layer | None:
        """For simulcast: the best layer sent now, if followers should move to it (at its
        next keyframe, asked for): a better one came, or theirs is no longer sent."""
        live = self.live_layers()
        if not live or not self._followers:
            return None
        top = live[-1]
        best = self._best
        if top is best:
            self._best_next = None  # a move under way no longer applies
            return None
        if top is self._best_next:
            return None
        if best is None or best not in live or top.index > best.index:
            self._best_next = top
            return top
        return None

    async def _run_periodic(self) -> None:
        last_remb = -REMB_INTERVAL
        while True:
            await asyncio.sleep(TICK)
            if self.kind == "video":
                await self._keyframe_requests()
            for layer in self.layers:
                again = layer.nacks.due() if layer.nacks is not None else None
                if again:
                    await self._send_nack(layer, again)
            now = self._clock()
            if self.kind == "video" and now - last_remb >= REMB_INTERVAL:
                last_remb = now
                await self._send_remb()

    async def _keyframe_requests(self) -> None:
        """Repeat or send deferred keyframe requests, per layer, while someone waits."""
        if self.simulcast:
            better = self._choose_best()
            if better is not None and better.keyframes.request():
                await self._send_pli(better)
        followed = self._followed()
        following = any(s.waiting_for_keyframe for s in self._followers)
        for layer in self.layers:
            waiting = (following and layer is followed) or any(
                s.waiting_for_keyframe and s.target_layer == layer.index
                for s, chosen in self._listeners.items()
                if layer.index in chosen
            )
            if layer.keyframes.poll(waiting):
                await self._send_pli(layer)

    async def _send_rtcp(
        self, media_ssrc: int | None, build: Callable[[int, int], RtcpPsfbPacket | RtcpRtpfbPacket]
    ) -> None:
        """Send `build(our RTCP SSRC, media_ssrc)` once both are known."""
        sender_ssrc = internals.receiver_rtcp_ssrc(self._receiver)
        if sender_ssrc is None or media_ssrc is None:
            return
        await internals.send_rtcp(self._receiver, build(sender_ssrc, media_ssrc))

    async def _send_pli(self, layer: Layer) -> None:
        await self._send_rtcp(
            layer.ssrc,
            lambda ssrc, media: RtcpPsfbPacket(fmt=RTCP_PSFB_PLI, ssrc=ssrc, media_ssrc=media),
        )

    async def _send_nack(self, layer: Layer, lost: list[int]) -> None:
        def build(ssrc: int, media: int) -> RtcpRtpfbPacket:
            packet = RtcpRtpfbPacket(fmt=RTCP_RTPFB_NACK, ssrc=ssrc, media_ssrc=media)
            packet.lost = lost
            return packet

        await self._send_rtcp(layer.ssrc, build)

    async def _send_remb(self) -> None:
        bitrate = self.target_bitrate()
        ssrcs = [layer.ssrc for layer in self.layers if layer.ssrc is not None]
        await self._send_rtcp(
            ssrcs[0] if ssrcs else None,
            lambda ssrc, media: RtcpPsfbPacket(
                fmt=RTCP_PSFB_APP, ssrc=ssrc, media_ssrc=0, fci=pack_remb_fci(bitrate, ssrcs)
            ),
        )
