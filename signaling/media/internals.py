"""Every private part of aiortc 1.16.0 the forwarder relies on, in one place (and the few of
aioice, pylibsrtp and asyncio's datagram transport that its own transport needs).

aiortc has no public API for forwarding encoded RTP, so the forwarder reaches into receivers,
senders and the DTLS transport. Each access goes through this module, and
tests/unit/test_aiortc_internals.py fails loudly if any of them moves in another aiortc version.

The forwarder's own transport (`transport.py`) calls these accessors once, when it sets up a
path, and keeps what they return. Per packet it only moves the counters it keeps current in
aiortc's objects, where a call would cost more than the update: they are named here
(`DTLS_RX_BYTES`...) and written there by name; and it reads the DTLS transport's `_state`
(pinned by the same tests).
"""

import asyncio.selector_events
import contextlib
import socket
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, cast

import pylibsrtp
from aioice.ice import CandidatePair
from aiortc.codecs import HEADER_EXTENSIONS
from aiortc.rtcdtlstransport import RTCDtlsTransport, RtpRouter
from aiortc.rtcrtpparameters import (
    RTCRtpCodecParameters,
    RTCRtpHeaderExtensionParameters,
    RTCRtpSendParameters,
)
from aiortc.rtcrtpreceiver import RTCRtpReceiver, StreamStatistics
from aiortc.rtcrtpsender import RTCRtpSender
from aiortc.rtcrtptransceiver import RTCRtpTransceiver
from aiortc.rtp import (
    AnyRtcpPacket,
    HeaderExtensions,
    HeaderExtensionsMap,
    RtcpByePacket,
    RtcpRrPacket,
    RtcpSrPacket,
    RtpPacket,
)
from pylibsrtp._binding import ffi
from pylibsrtp._binding import lib as srtp_lib

RtpSink = Callable[[RtpPacket], None]
"""A synchronous taker of a receiver's RTP packets (see `take_over_rtp`)."""
RtcpSink = Callable[[AnyRtcpPacket], None]
"""A synchronous taker of the RTCP routed to a sender or receiver (see `take_over_rtcp`)."""
SendHandler = Callable[[RTCRtpSendParameters], Awaitable[None]]


def _mangled(owner: type, name: str) -> str:
    """The attribute name under which `owner`'s private `name` (e.g. "__codecs") is stored."""
    return f"_{owner.__name__}{name}"


_RECEIVER_CODECS = _mangled(RTCRtpReceiver, "__codecs")
_RECEIVER_RTX_SSRC = _mangled(RTCRtpReceiver, "__rtx_ssrc")
_RECEIVER_STREAMS = _mangled(RTCRtpReceiver, "__remote_streams")
_RECEIVER_RTCP_SSRC = _mangled(RTCRtpReceiver, "__rtcp_ssrc")
_EXTENSION_IDS = _mangled(HeaderExtensionsMap, "__ids")

# what a sender's RTCP sender reports say was sent, kept by `transport.SenderReportCounters`
SENDER_PACKET_COUNT = _mangled(RTCRtpSender, "__packet_count")
SENDER_OCTET_COUNT = _mangled(RTCRtpSender, "__octet_count")
SENDER_NTP_TIMESTAMP = _mangled(RTCRtpSender, "__ntp_timestamp")
SENDER_RTP_TIMESTAMP = _mangled(RTCRtpSender, "__rtp_timestamp")
SENDER_LSR = _mangled(RTCRtpSender, "__lsr")
SENDER_LSR_TIME = _mangled(RTCRtpSender, "__lsr_time")
_SENDER_RTCP_STARTED = _mangled(RTCRtpSender, "__rtcp_started")
_SENDER_RTCP_EXITED = _mangled(RTCRtpSender, "__rtcp_exited")
# a DTLS transport's counters (its stats), kept by `transport.RtpSendPath` and `ReceivePath`
DTLS_TX_BYTES = _mangled(RTCDtlsTransport, "__tx_bytes")
DTLS_TX_PACKETS = _mangled(RTCDtlsTransport, "__tx_packets")
DTLS_RX_BYTES = _mangled(RTCDtlsTransport, "__rx_bytes")
DTLS_RX_PACKETS = _mangled(RTCDtlsTransport, "__rx_packets")


# --- receiver (publisher side) ----------------------------------------------------------------


RTP_SINK = "_forwarder_rtp_sink"
"""Attribute of a taken-over receiver holding its sink (ours, not aiortc's; `ReceivePath` reads
it per packet). On the receiver itself, not in a table keyed by it: the sink refers back to the
receiver, which would keep every ended track's packet history alive in a weak-keyed table."""


def received_datagrams(transport: RTCDtlsTransport) -> int:
    """Datagrams the transport got from its peer so far after ICE: DTLS, SRTP and SRTCP alike
    (aiortc's own counter, which `ReceivePath` keeps current for the packets it takes)."""
    return int(getattr(transport, DTLS_RX_PACKETS))


def take_over_rtp(receiver: RTCRtpReceiver, sink: RtpSink) -> None:
    """Hand every RTP packet routed to `receiver` to `sink` instead of its jitter buffer and
    decoder: directly from the socket once `ReceivePath` is installed on its transport, and
    through aiortc's receive task (`_handle_rtp_packet`) before that."""

    async def handler(packet: RtpPacket, arrival_time_ms: int) -> None:
        sink(packet)

    setattr(receiver, RTP_SINK, sink)
    setattr(receiver, "_handle_rtp_packet", handler)  # noqa: B010


RTCP_SINK = "_forwarder_rtcp_sink"
"""Attribute of a sender or receiver whose RTCP was taken over (`take_over_rtcp`), holding its
sink: `ReceivePath` calls it per RTCP packet routed there, as `RTP_SINK` for RTP."""


def take_over_rtcp(recipient: RTCRtpSender | RTCRtpReceiver, sink: RtcpSink) -> None:
    """Hand every RTCP packet routed to `recipient` to `sink`, a plain call: from `ReceivePath`
    once installed on its transport, and through aiortc's receive task before that. The sink
    decides what of aiortc's own handling still runs (`aiortc_handles_report`,
    `aiortc_handles_receiver_rtcp`)."""

    async def handler(packet: AnyRtcpPacket) -> None:
        sink(packet)

    setattr(recipient, RTCP_SINK, sink)
    setattr(recipient, "_handle_rtcp_packet", handler)  # noqa: B010


def aiortc_handles_report(sender: RTCRtpSender, packet: RtcpRrPacket | RtcpSrPacket) -> None:
    """aiortc's own handling of a report about what `sender` sent: its round-trip time and its
    remote-inbound stats. That branch of its handler awaits nothing, so it runs to its end
    here (tests/unit/test_aiortc_internals.py pins it)."""
    _run_now(RTCRtpSender._handle_rtcp_packet(sender, packet))


def aiortc_handles_receiver_rtcp(receiver: RTCRtpReceiver, packet: AnyRtcpPacket) -> None:
    """aiortc's own handling of RTCP routed to `receiver` (a sender report: remote-outbound
    stats and what its receiver reports answer; a BYE: its decoder stops), which awaits
    nothing: run to its end here."""
    _run_now(RTCRtpReceiver._handle_rtcp_packet(receiver, packet))


def _run_now(handling: Coroutine[Any, Any, None]) -> None:
    """Run a coroutine that awaits nothing to its end, without the event loop."""
    try:
        handling.send(None)
    except StopIteration:
        return
    handling.close()
    raise RuntimeError("aiortc's RTCP handling now waits for something: see internals.py")


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
    """Send `packet` to the publisher (the way `take_over_receiver_rtcp_send` set)."""
    await receiver._send_rtcp(packet)


def take_over_receiver_rtcp_send(receiver: RTCRtpReceiver, send: Callable[[bytes], object]) -> None:
    """Send the RTCP `receiver` sends (its receiver reports, and what `send_rtcp` sends) with
    `send`, a plain call, instead of aiortc's coroutines down to the socket."""

    async def send_rtcp(packet: AnyRtcpPacket) -> None:
        send(bytes(packet))

    setattr(receiver, "_send_rtcp", send_rtcp)  # noqa: B010


# --- sender (subscriber side) -----------------------------------------------------------------


def take_over_sender_reports(
    sender: RTCRtpSender, running: Callable[[bool], None], send: Callable[[bytes], object]
) -> None:
    """Replace aiortc's RTCP loop of `sender` (a task per sender waking every 0.5-1.5 s to send
    its report) with one that only tells `running` when the sender starts (True) and when it
    stops (False), and then sends its BYE with `send`, as aiortc's does: the forwarder sends
    the reports of all it sends to a participant together (`sender_reports.py`)."""
    started = getattr(sender, _SENDER_RTCP_STARTED)
    exited = getattr(sender, _SENDER_RTCP_EXITED)

    async def run_rtcp() -> None:
        started.set()
        running(True)
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.get_running_loop().create_future()  # until the sender stops
        running(False)
        send(bytes(RtcpByePacket(sources=[sender._ssrc])))
        exited.set()

    setattr(sender, "_run_rtcp", run_rtcp)  # noqa: B010


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


# --- transports (read by transport.py) and transceivers ---------------------------------------


def nominated_pairs(transport: RTCDtlsTransport) -> dict[int, CandidatePair]:
    """ICE component -> the candidate pair nominated for it (none before ICE connects): the
    ICE connection's own dict, which aioice updates in place."""
    return transport.transport._connection._nominated


def rtp_router(transport: RTCDtlsTransport) -> RtpRouter:
    """The transport's table of which receiver takes which SSRC and payload type."""
    return transport._rtp_router


def header_extension_ids(transport: RTCDtlsTransport) -> HeaderExtensions:
    """The RTP header extension ids the transport parses received packets with: one object,
    made with the transport and updated in place at each negotiation."""
    return cast(HeaderExtensions, getattr(transport._rtp_header_extensions_map, _EXTENSION_IDS))


def rx_srtp(transport: RTCDtlsTransport) -> pylibsrtp.Session | None:
    """The SRTP session that unprotects what the peer sends (None until DTLS is done)."""
    return transport._rx_srtp


def tx_srtp(transport: RTCDtlsTransport) -> pylibsrtp.Session:
    """The SRTP session that protects what is sent to the peer (set once DTLS is done)."""
    return transport._tx_srtp


def datagram_socket(udp: object) -> socket.socket | None:
    """The socket under asyncio's selector datagram transport `udp` (its private `_sock`), or
    None for any other transport."""
    sock = getattr(udp, "_sock", None)
    return sock if isinstance(sock, socket.socket) else None


def read_with(udp: object, read_ready: Callable[[], None]) -> bool:
    """Have the event loop call `read_ready` when the socket of asyncio's selector datagram
    transport `udp` is readable, in place of the transport's own read, which reads each
    datagram into a new buffer of `max_size` (256 KB: ~19 us a datagram here, eight times a
    read into a buffer kept). False, and nothing changed, for any other transport or one
    closing. The transport's `close` removes the reader, as it removes its own."""
    loop = getattr(udp, "_loop", None)
    fd = getattr(udp, "_sock_fd", None)
    closing = getattr(udp, "is_closing", None)
    if (
        not isinstance(loop, asyncio.selector_events.BaseSelectorEventLoop)
        or not isinstance(fd, int)
        or closing is None
        or closing()
    ):
        return False
    selector_loop = cast(Any, loop)  # typeshed omits the loop's private reader methods
    selector_loop._remove_reader(fd)
    selector_loop._add_reader(fd, read_ready)
    return True


def srtp_function(name: str) -> int:
    """The address of libsrtp's function `name` in pylibsrtp's own binding, for C to call."""
    return int(ffi.cast("uintptr_t", ffi.addressof(srtp_lib, name)))


def srtp_context(session: pylibsrtp.Session) -> int:
    """The address of `session`'s libsrtp context, for C to use; valid while `session` lives
    (it frees the context)."""
    return int(ffi.cast("uintptr_t", session._srtp[0]))


def transceiver_codecs(transceiver: RTCRtpTransceiver) -> list[RTCRtpCodecParameters]:
    """The codecs negotiated for `transceiver`, primary first, with the remote's payload types."""
    return transceiver._codecs


def negotiate_stream_ids(uris: tuple[str, ...]) -> None:
    """Have aiortc negotiate the header extensions `uris` on every video section it answers and
    offers (its table, `codecs.HEADER_EXTENSIONS`, lists only mid and abs-send-time): the rid
    extensions a simulcast publisher marks its layers with. Idempotent."""
    table = HEADER_EXTENSIONS["video"]
    known = {extension.uri for extension in table}
    # ids are shared by a bundle's sections: free in every kind's table
    taken = {extension.id for kind in HEADER_EXTENSIONS.values() for extension in kind}
    free = iter(sorted(set(range(1, 15)) - taken))
    for uri in uris:
        if uri not in known:
            table.append(RTCRtpHeaderExtensionParameters(id=next(free), uri=uri))
