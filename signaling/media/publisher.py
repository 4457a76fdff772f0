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
(aiortc's receive-side estimator, fed here with each packet's arrival and abs-send-time) capped
by its role, never a subscriber's: a weak subscriber must not lower what everyone else gets
and what is recorded (each subscriber's own estimate is shared out in `allocation`).
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from aiortc.codecs import is_rtx
from aiortc.rate import RemoteBitrateEstimator
from aiortc.rtcrtpparameters import RTCRtpCodecParameters
from aiortc.rtcrtpreceiver import StreamStatistics
from aiortc.rtcrtptransceiver import RTCRtpTransceiver
from aiortc.rtp import (
    RTCP_PSFB_APP,
    RTCP_PSFB_PLI,
    RTCP_RTPFB_NACK,
    RtcpPsfbPacket,
    RtcpRtpfbPacket,
    RtcpSrPacket,
    RtpPacket,
    pack_remb_fci,
    unwrap_rtx,
)

from . import internals
from .history import PacketHistory
from .keyframes import KeyframePolicy
from .nack import NackTracker
from .packet import SourcePacket
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


@dataclass(frozen=True, slots=True)
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
        clock_fn: Callable[[], float] = time.monotonic,
    ) -> None:
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
        self.history = PacketHistory()
        self.ended = False
        self._receiver = transceiver.receiver
        self._max_bitrate = max_bitrate
        self._clock = clock_fn
        self._is_vp8 = self.codec.name.lower() == "vp8"
        self._keyframes = KeyframePolicy(clock_fn)
        self._nacks = NackTracker(clock_fn) if self.kind == "video" else None
        self._subscribers: list[Subscriber] = []
        # the fan-out, rebuilt on attach/detach rather than copied per packet
        self._fan_out: tuple[Callable[[SourcePacket, float, int], None], ...] = ()
        self._nack_tasks: set[asyncio.Task[None]] = set()
        self._uplink = RemoteBitrateEstimator() if self.kind == "video" else None
        self._uplink_estimate: int | None = None
        self._uplink_bytes = 0
        """Received since the estimator was last fed."""
        self.received_bytes = 0
        """Media payload bytes received (for the rate a paused subscriber would need)."""
        self._media_ssrc: int | None = None
        self._audio_level: AudioLevel | None = None
        self._ended_callbacks: list[Callable[[], None]] = []
        self._task: asyncio.Task[None] | None = None
        internals.take_over_rtp(self._receiver, self._on_rtp)

    @property
    def audio_level(self) -> AudioLevel | None:
        """The latest RFC 6464 audio level the publisher sent, for active-speaker detection."""
        return self._audio_level

    @property
    def uplink_estimate(self) -> int | None:
        """The publisher's uplink as estimated from its packets (None until known)."""
        return self._uplink_estimate

    @property
    def max_bitrate(self) -> int:
        """The role's cap on what this track may send."""
        return self._max_bitrate

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    def reception(self) -> tuple[int, int]:
        """Media packets expected and received so far (retransmissions not counted), for
        judging the publisher's connection."""
        streams = internals.receiver_statistics(self._receiver)
        stream = streams.get(self._media_ssrc) if self._media_ssrc is not None else None
        return (0, 0) if stream is None else (stream.packets_expected, stream.packets_received)

    def on_ended(self, callback: Callable[[], None]) -> None:
        self._ended_callbacks.append(callback)

    def on_sender_report(self, callback: Callable[[int, int, int], None]) -> None:
        """`callback(ssrc, ntp_timestamp, rtp_timestamp)` for each RTCP sender report of the
        publisher (its RTP-to-NTP clock mapping, which lines up its tracks in a recording)."""

        def report(packet: RtcpSrPacket) -> None:
            if self.ended:
                return
            info = packet.sender_info
            try:
                callback(packet.ssrc, info.ntp_timestamp, info.rtp_timestamp)
            except Exception:
                logger.exception("sender report callback failed")

        internals.observe_sender_reports(self._receiver, report)

    def start(self) -> None:
        if self._task is None and not self.ended:
            self._task = asyncio.create_task(self._run_periodic())

    async def stop(self) -> None:
        """The publisher is gone: stop forwarding and tell whoever registered with on_ended."""
        if self.ended:
            return
        self.ended = True
        self._subscribers.clear()
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
        if not self.ended and subscriber not in self._subscribers:
            self._subscribers.append(subscriber)
            self._fan_out_changed()

    def detach(self, subscriber: Subscriber) -> None:
        if subscriber in self._subscribers:
            self._subscribers.remove(subscriber)
            self._fan_out_changed()

    def _fan_out_changed(self) -> None:
        self._fan_out = tuple(s.forward_now for s in self._subscribers)

    async def request_keyframe(self, starting: bool = False) -> None:
        """A subscriber needs a keyframe (`starting`: it has no picture yet); coalesced with
        everyone else's requests."""
        if self.kind == "video" and self._keyframes.request(starting):
            await self._send_pli()

    def target_bitrate(self) -> int:
        """What the publisher is told it may send: its uplink's estimate, capped by its role
        (the cap alone until the estimator has one)."""
        estimate = self._uplink_estimate
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
            # fed once a frame (the receive path reads abs-send-time from a frame's last
            # packet only): the estimator costs ~20 us a call, several times a forward's
            self._uplink_bytes += len(packet.payload) + packet.padding_size
            sent_at = packet.extensions.abs_send_time
            if sent_at is not None:
                estimate = uplink.add(int(now * 1000), sent_at, self._uplink_bytes, packet.ssrc)
                self._uplink_bytes = 0
                if estimate is not None:
                    self._uplink_estimate = estimate[0]
        media = self._media_packet(packet)
        if media is None:
            return
        if media.ssrc != self._media_ssrc:
            self._media_ssrc = media.ssrc
            if self._nacks is not None:  # a new stream: old gaps mean nothing
                self._nacks = NackTracker(self._clock)
        if self._nacks is not None:
            lost = self._nacks.add(media.sequence_number)
            if lost:
                task = asyncio.create_task(self._send_nack(lost))
                self._nack_tasks.add(task)
                task.add_done_callback(self._nack_tasks.discard)

        source = self._source_packet(media)
        if source is None or not self.history.add(source):
            return
        self.received_bytes += len(source.payload)
        if source.audio_level is not None:
            voice, level = source.audio_level
            self._audio_level = AudioLevel(level=level, voice=voice, at=now)
        if source.keyframe:
            self._keyframes.keyframe_received()

        abs_send_time = abs_send_time_now()
        # one broken subscriber must not starve the others
        for forward_now in self._fan_out:
            try:
                forward_now(source, now, abs_send_time)
            except Exception:
                logger.exception("forwarding to %r failed", getattr(forward_now, "__self__", None))

    def _media_packet(self, packet: RtpPacket) -> RtpPacket | None:
        """Count `packet` for receiver reports; return it (RTX unwrapped) if it is forwardable."""
        codec = internals.receiver_codecs(self._receiver).get(packet.payload_type)
        if codec is None or self.ended:
            return None
        statistics = internals.receiver_statistics(self._receiver)
        stream = statistics.get(packet.ssrc)
        if stream is None:
            stream = statistics[packet.ssrc] = StreamStatistics(codec.clockRate)
        stream.add(packet)

        if packet.payload_type == self._payload_type:
            return packet  # the media codec itself (never RTX): the common case
        if not is_rtx(codec):
            return None
        media_ssrc = internals.receiver_rtx_ssrcs(self._receiver).get(packet.ssrc, self._media_ssrc)
        apt = codec.parameters.get("apt")
        if media_ssrc is None or len(packet.payload) < 2 or apt != self._payload_type:
            return None  # padding-only RTX, or a retransmission we cannot place
        return unwrap_rtx(packet, payload_type=self._payload_type, ssrc=media_ssrc)

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

    async def _run_periodic(self) -> None:
        last_remb = -REMB_INTERVAL
        while True:
            await asyncio.sleep(TICK)
            if self.kind == "video" and self._keyframes.poll(
                any(s.waiting_for_keyframe for s in self._subscribers)
            ):
                await self._send_pli()
            if self._nacks is not None:
                again = self._nacks.due()
                if again:
                    await self._send_nack(again)
            now = self._clock()
            if self.kind == "video" and now - last_remb >= REMB_INTERVAL:
                last_remb = now
                await self._send_remb()

    async def _send_rtcp(
        self, build: Callable[[int, int], RtcpPsfbPacket | RtcpRtpfbPacket]
    ) -> None:
        """Send `build(our RTCP SSRC, the publisher's media SSRC)` once both are known."""
        sender_ssrc = internals.receiver_rtcp_ssrc(self._receiver)
        if sender_ssrc is None or self._media_ssrc is None:
            return
        await internals.send_rtcp(self._receiver, build(sender_ssrc, self._media_ssrc))

    async def _send_pli(self) -> None:
        await self._send_rtcp(
            lambda ssrc, media: RtcpPsfbPacket(fmt=RTCP_PSFB_PLI, ssrc=ssrc, media_ssrc=media)
        )

    async def _send_nack(self, lost: list[int]) -> None:
        def build(ssrc: int, media: int) -> RtcpRtpfbPacket:
            packet = RtcpRtpfbPacket(fmt=RTCP_RTPFB_NACK, ssrc=ssrc, media_ssrc=media)
            packet.lost = lost
            return packet

        await self._send_rtcp(build)

    async def _send_remb(self) -> None:
        bitrate = self.target_bitrate()
        await self._send_rtcp(
            lambda ssrc, media: RtcpPsfbPacket(
                fmt=RTCP_PSFB_APP, ssrc=ssrc, media_ssrc=0, fci=pack_remb_fci(bitrate, [media])
            )
        )
