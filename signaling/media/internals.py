"""Every private part of aiortc 1.16.0 the forwarder relies on, in one place.

aiortc has no public API for forwarding encoded RTP, so the forwarder reaches into receivers,
senders and the DTLS transport. Each access goes through this module, and
tests/unit/test_aiortc_internals.py fails loudly if any of them moves in another aiortc version.
"""

import time
from collections.abc import Awaitable, Callable
from typing import Protocol, cast

from aioice.ice import CandidatePair
from aiortc.rtcdtlstransport import RTCDtlsTransport, State
from aiortc.rtcrtpparameters import (
    RTCRtpCodecParameters,
    RTCRtpSendParameters,
)
from aiortc.rtcrtpreceiver import RTCRtpReceiver, StreamStatistics
from aiortc.rtcrtpsender import RTCRtpSender
from aiortc.rtcrtptransceiver import RTCRtpTransceiver
from aiortc.rtp import AnyRtcpPacket, RtcpSrPacket, RtpPacket


class RtpHandler(Protocol):
    """Signature with which the DTLS transport hands a receiver each RTP packet."""

    def __call__(self, packet: RtpPacket, arrival_time_ms: int) -> Awaitable[None]: ...


RtcpHandler = Callable[[AnyRtcpPacket], Awaitable[None]]
SendHandler = Callable[[RTCRtpSendParameters], Awaitable[None]]


def _mangled(owner: type, name: str) -> str:
    """The attribute name under which `owner`'s private `name` (e.g. "__codecs") is stored."""
    return f"_{owner.__name__}{name}"


_RECEIVER_CODECS = _mangled(RTCRtpReceiver, "__codecs")
_RECEIVER_RTX_SSRC = _mangled(RTCRtpReceiver, "__rtx_ssrc")
_RECEIVER_STREAMS = _mangled(RTCRtpReceiver, "__remote_streams")
_RECEIVER_RTCP_SSRC = _mangled(RTCRtpReceiver, "__rtcp_ssrc")
_SENDER_PACKET_COUNT = _mangled(RTCRtpSender, "__packet_count")
_SENDER_OCTET_COUNT = _mangled(RTCRtpSender, "__octet_count")
_SENDER_NTP_TIMESTAMP = _mangled(RTCRtpSender, "__ntp_timestamp")
_SENDER_RTP_TIMESTAMP = _mangled(RTCRtpSender, "__rtp_timestamp")
_DTLS_TX_BYTES = _mangled(RTCDtlsTransport, "__tx_bytes")
_DTLS_TX_PACKETS = _mangled(RTCDtlsTransport, "__tx_packets")

NTP_EPOCH_OFFSET = 2_208_988_800
"""Seconds from 1900-01-01 (NTP) to 1970-01-01 (Unix)."""


def ntp_now() -> int:
    """The current time as a 64-bit NTP timestamp, as aiortc's `clock.current_ntp_time()`
    (which goes through datetime objects) but several times cheaper."""
    return int((time.time() + NTP_EPOCH_OFFSET) * 4_294_967_296.0)


# --- receiver (publisher side) ---------------------------------------------------------------


def replace_rtp_handler(receiver: RTCRtpReceiver, handler: RtpHandler) -> None:
    """Take every RTP packet routed to `receiver` away from its jitter buffer and decoder."""
    setattr(receiver, "_handle_rtp_packet", handler)  # noqa: B010


def observe_sender_reports(
    receiver: RTCRtpReceiver, observer: Callable[[RtcpSrPacket], None]
) -> None:
    """Show `observer` each RTCP sender report routed to `receiver`, before aiortc's own
    handling (which goes on unchanged)."""
    handle = receiver._handle_rtcp_packet

    async def observed(packet: AnyRtcpPacket) -> None:
        if isinstance(packet, RtcpSrPacket):
            observer(packet)
        await handle(packet)

    setattr(receiver, "_handle_rtcp_packet", observed)  # noqa: B010


def receiver_codecs(receiver: RTCRtpReceiver) -> dict[int, RTCRtpCodecParameters]:
    """Payload type -> codec, filled when the receiver starts (empty before)."""
    return cast(dict[int, RTCRtpCodecParameters], getattr(receiver, _RECEIVER_CODECS))


def receiver_rtx_ssrcs(receiver: RTCRtpReceiver) -> dict[int, int]:
    """RTX SSRC -> media SSRC, as signalled in the remote description."""
    return cast(dict[int, int], getattr(receiver, _RECEIVER_RTX_SSRC))


def receiver_statistics(receiver: RTCRtpReceiver) -> dict[int, StreamStatistics]:
    """Per-SSRC statistics from which the receiver builds its RTCP receiver reports."""
    return cast(dict[int, StreamStatistics], getattr(receiver, _RECEIVER_STREAMS))


def receiver_rtcp_ssrc(receiver: RTCRtpReceiver) -> int | None:
    """The SSRC the receiver puts in its RTCP packets (None until negotiated)."""
    return cast(int | None, getattr(receiver, _RECEIVER_RTCP_SSRC))


async def send_rtcp(receiver: RTCRtpReceiver, packet: AnyRtcpPacket) -> None:
    """Send `packet` to the publisher; a closed transport is ignored."""
    await receiver._send_rtcp(packet)


# --- sender (subscriber side) ----------------------------------------------------------------


def replace_rtcp_handler(sender: RTCRtpSender, handler: RtcpHandler) -> None:
    """Receive the subscriber's RTCP (NACK, PLI, FIR, REMB, RR) addressed to `sender`."""
    setattr(sender, "_handle_rtcp_packet", handler)  # noqa: B010


async def default_rtcp_handler(sender: RTCRtpSender, packet: AnyRtcpPacket) -> None:
    """aiortc's own handling (round-trip time and remote-inbound stats from receiver reports)."""
    await RTCRtpSender._handle_rtcp_packet(sender, packet)


def hook_sender_start(sender: RTCRtpSender, after: SendHandler) -> None:
    """Call `after(parameters)` each time aiortc (re)starts `sender` with negotiated parameters.

    aiortc calls `send()` once the DTLS transport is connected and the transceiver's negotiated
    direction includes sending, so this is the moment a subscriber can receive media.
    """
    original = sender.send

    async def send(parameters: RTCRtpSendParameters) -> None:
        await original(parameters)
        await after(parameters)

    setattr(sender, "send", send)  # noqa: B010


def sender_ssrcs(sender: RTCRtpSender) -> tuple[int, int]:
    """The (media, RTX) SSRCs aiortc announced for `sender` in the SDP."""
    return sender._ssrc, sender._rtx_ssrc


class SenderReportCounters:
    """Keeps an idle sender's counters current, so its RTCP sender reports describe what the
    forwarder really sent (packets, octets and the NTP/RTP timestamp pair)."""

    def __init__(self, sender: RTCRtpSender) -> None:
        self._sender = sender
        self._packets = 0
        self._octets = 0
        self._timestamp: int | None = None

    def sent(self, payload_size: int, timestamp: int) -> None:
        self._packets += 1
        self._octets += payload_size
        sender = self._sender
        setattr(sender, _SENDER_PACKET_COUNT, self._packets)
        setattr(sender, _SENDER_OCTET_COUNT, self._octets)
        if timestamp != self._timestamp:
            self._timestamp = timestamp
            setattr(sender, _SENDER_NTP_TIMESTAMP, ntp_now())
            setattr(sender, _SENDER_RTP_TIMESTAMP, timestamp)


# --- transports and transceivers -------------------------------------------------------------


class _DatagramTransport(Protocol):
    """What asyncio's datagram transport (the selector loop's) offers beyond the ABC."""

    def sendto(self, data: bytes, addr: tuple[str, int]) -> None: ...

    def get_write_buffer_size(self) -> int: ...


class RtpSendPath:
    """Sends serialized RTP through a DTLS transport the short way, with no coroutine.

    aiortc's `RTCDtlsTransport._send_rtp` goes through four coroutines (DTLS transport, ICE
    connection, candidate pair protocol) to reach SRTP protect and the datagram transport's
    `sendto`; per forwarded packet that chain cost more than the forwarding itself. This does
    what it does (state check, SRTP protect, send on the nominated pair, the transport's
    counters) with plain calls, and drops a packet rather than letting asyncio queue it
    without limit when the kernel's socket buffer is full (the subscriber NACKs what matters).
    """

    def __init__(self, transport: RTCDtlsTransport) -> None:
        self.transport = transport
        self._nominated: dict[int, CandidatePair] = transport.transport._connection._nominated
        self._pair: CandidatePair | None = None
        self._udp: _DatagramTransport | None = None
        self._address: tuple[str, int] = ("", 0)

    def send(self, data: bytes, max_backlog: int) -> bool:
        """SRTP-protect and send one RTP packet; return False if it was not sent (transport
        not connected, or more than `max_backlog` bytes already wait in user space)."""
        transport = self.transport
        if transport._state is not State.CONNECTED:
            return False
        pair = self._nominated.get(1)
        if pair is not self._pair:
            if pair is None:
                return False
            self._pair = pair
            self._udp = cast(_DatagramTransport, pair.protocol.transport)
            self._address = pair.remote_addr
        udp = self._udp
        assert udp is not None
        if udp.get_write_buffer_size() > max_backlog:
            return False
        protected = transport._tx_srtp.protect(data)
        udp.sendto(protected, self._address)
        setattr(transport, _DTLS_TX_BYTES, getattr(transport, _DTLS_TX_BYTES) + len(protected))
        setattr(transport, _DTLS_TX_PACKETS, getattr(transport, _DTLS_TX_PACKETS) + 1)
        return True


def transceiver_codecs(transceiver: RTCRtpTransceiver) -> list[RTCRtpCodecParameters]:
    """The codecs negotiated for `transceiver`, primary first, with the remote's payload types."""
    return transceiver._codecs
