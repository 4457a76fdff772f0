"""Every private part of aiortc 1.16.0 the forwarder relies on, in one place.

aiortc has no public API for forwarding encoded RTP, so the forwarder reaches into receivers,
senders and the DTLS transport. Each access goes through this module, and
tests/unit/test_aiortc_internals.py fails loudly if any of them moves in another aiortc version.
"""

from collections.abc import Awaitable, Callable
from typing import Protocol, cast

from aiortc import clock
from aiortc.rtcdtlstransport import RTCDtlsTransport
from aiortc.rtcrtpparameters import (
    RTCRtpCodecParameters,
    RTCRtpSendParameters,
)
from aiortc.rtcrtpreceiver import RTCRtpReceiver, StreamStatistics
from aiortc.rtcrtpsender import RTCRtpSender
from aiortc.rtcrtptransceiver import RTCRtpTransceiver
from aiortc.rtp import AnyRtcpPacket, RtpPacket


class RtpHandler(Protocol):
    """Signature with which the DTLS transport hands a receiver each RTP packet."""

    def __call__(self, packet: RtpPacket, arrival_time_ms: int) -> Awaitable[None]: ...


RtcpHandler = Callable[[AnyRtcpPacket], Awaitable[None]]
SendHandler = Callable[[RTCRtpSendParameters], Awaitable[None]]


def _private(obj: object, owner: type, name: str) -> object:
    """Read `owner`'s name-mangled attribute `name` (e.g. "__codecs") of `obj`."""
    return getattr(obj, f"_{owner.__name__}{name}")


def _set_private(obj: object, owner: type, name: str, value: object) -> None:
    setattr(obj, f"_{owner.__name__}{name}", value)


# --- receiver (publisher side) ---------------------------------------------------------------


def replace_rtp_handler(receiver: RTCRtpReceiver, handler: RtpHandler) -> None:
    """Take every RTP packet routed to `receiver` away from its jitter buffer and decoder."""
    setattr(receiver, "_handle_rtp_packet", handler)  # noqa: B010


def receiver_codecs(receiver: RTCRtpReceiver) -> dict[int, RTCRtpCodecParameters]:
    """Payload type -> codec, filled when the receiver starts (empty before)."""
    return cast(dict[int, RTCRtpCodecParameters], _private(receiver, RTCRtpReceiver, "__codecs"))


def receiver_rtx_ssrcs(receiver: RTCRtpReceiver) -> dict[int, int]:
    """RTX SSRC -> media SSRC, as signalled in the remote description."""
    return cast(dict[int, int], _private(receiver, RTCRtpReceiver, "__rtx_ssrc"))


def receiver_statistics(receiver: RTCRtpReceiver) -> dict[int, StreamStatistics]:
    """Per-SSRC statistics from which the receiver builds its RTCP receiver reports."""
    return cast(dict[int, StreamStatistics], _private(receiver, RTCRtpReceiver, "__remote_streams"))


def receiver_rtcp_ssrc(receiver: RTCRtpReceiver) -> int | None:
    """The SSRC the receiver puts in its RTCP packets (None until negotiated)."""
    return cast(int | None, _private(receiver, RTCRtpReceiver, "__rtcp_ssrc"))


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
        _set_private(sender, RTCRtpSender, "__packet_count", self._packets)
        _set_private(sender, RTCRtpSender, "__octet_count", self._octets)
        if timestamp != self._timestamp:
            self._timestamp = timestamp
            _set_private(sender, RTCRtpSender, "__ntp_timestamp", clock.current_ntp_time())
            _set_private(sender, RTCRtpSender, "__rtp_timestamp", timestamp)


# --- transports and transceivers -------------------------------------------------------------


def datagram_backlog(transport: RTCDtlsTransport) -> int:
    """Bytes asyncio holds for the socket under `transport` because the kernel's buffer is full.

    asyncio queues datagrams without limit in that case; the forwarder drops packets instead
    once this grows (the subscriber NACKs what matters).
    """
    pair = transport.transport._connection._nominated.get(1)
    if pair is None:
        return 0
    size = getattr(pair.protocol.transport, "get_write_buffer_size", None)
    return int(size()) if size is not None else 0


async def send_rtp(transport: RTCDtlsTransport, data: bytes) -> None:
    """SRTP-protect and send one serialized RTP packet; raises ConnectionError if not connected."""
    await transport._send_rtp(data)


def transceiver_codecs(transceiver: RTCRtpTransceiver) -> list[RTCRtpCodecParameters]:
    """The codecs negotiated for `transceiver`, primary first, with the remote's payload types."""
    return transceiver._codecs
