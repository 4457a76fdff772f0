"""The forwarder's own transport: SRTP media between a connected DTLS transport's socket and the
forwarder, with plain calls where aiortc goes through a chain of coroutines.

`ReceivePath` takes a peer's SRTP and SRTCP packets from the socket's read callback;
`RtpSendPath` protects and sends what goes to the peer (media, and RTCP of both directions);
`SenderReportCounters` keeps the idle aiortc sender's counters right for its RTCP sender
reports. SRTP is the C `Srtp` (`_fastpath.c`) working on pylibsrtp's sessions.

Every private part of aiortc, aioice and pylibsrtp used here is reached through `internals`,
bound once when a path is set up; per packet only the counters `internals` names move and the
DTLS transport's state is read.
"""

import asyncio
import logging
import socket
import time
from collections.abc import Callable
from typing import Any, Protocol, cast

import pylibsrtp
from aioice.ice import CandidatePair
from aiortc.rtcdtlstransport import RTCDtlsTransport, RtpReceiver, RtpRouter, State
from aiortc.rtcrtpsender import RTCRtpSender
from aiortc.rtp import RtcpPacket, RtcpSenderInfo
from pylibsrtp import SRTP_MAX_SRTCP_TRAILER_LEN, SRTP_MAX_TRAILER_LEN

from ._fastpath import Srtp
from .internals import (
    DTLS_RX_BYTES,
    DTLS_RX_PACKETS,
    DTLS_TX_BYTES,
    DTLS_TX_PACKETS,
    RTCP_SINK,
    RTP_SINK,
    SENDER_LSR,
    SENDER_LSR_TIME,
    SENDER_NTP_TIMESTAMP,
    SENDER_OCTET_COUNT,
    SENDER_PACKET_COUNT,
    SENDER_RTP_TIMESTAMP,
    RtcpSink,
    RtpSink,
    datagram_socket,
    header_extension_ids,
    nominated_pairs,
    read_with,
    rtp_router,
    rx_srtp,
    srtp_context,
    srtp_function,
    tx_srtp,
)
from .rtp_parse import header_mid, parse_rtp

logger = logging.getLogger(__name__)

NTP_EPOCH_OFFSET = 2_208_988_800
"""Seconds from 1900-01-01 (NTP) to 1970-01-01 (Unix)."""


def ntp_now() -> int:
    """The current time as a 64-bit NTP timestamp, as aiortc's `clock.current_ntp_time()`
    (which goes through datetime objects) but several times cheaper."""
    return int((time.time() + NTP_EPOCH_OFFSET) * 4_294_967_296.0)


# --- SRTP and the socket ----------------------------------------------------------------------


def _srtp(session: pylibsrtp.Session, function: str, max_trailer: int) -> Srtp:
    """libsrtp's `function` on `session`'s context, called from C (`_fastpath.c`): pylibsrtp
    without its wrapper's per-call copies and checks. It keeps `session`, which frees the
    context."""
    return Srtp(srtp_function(function), srtp_context(session), session, max_trailer)


def srtp_protector(session: pylibsrtp.Session) -> Srtp:
    """SRTP protect of RTP packets, and their send (`Srtp.connect`, `Srtp.send`): the send
    without parsing the address each time, as the socket's `sendto` does."""
    return _srtp(session, "srtp_protect", SRTP_MAX_TRAILER_LEN)


def srtcp_protector(session: pylibsrtp.Session) -> Srtp:
    """SRTCP protect of RTCP packets, and their send, as `srtp_protector` for RTP."""
    return _srtp(session, "srtp_protect_rtcp", SRTP_MAX_SRTCP_TRAILER_LEN)


def srtp_unprotector(session: pylibsrtp.Session) -> Srtp:
    """SRTP unprotect of RTP packets (`Srtp.transform`)."""
    return _srtp(session, "srtp_unprotect", 0)


def srtcp_unprotector(session: pylibsrtp.Session) -> Srtp:
    """SRTCP unprotect of RTCP packets (`Srtp.transform`)."""
    return _srtp(session, "srtp_unprotect_rtcp", 0)


class _DatagramTransport(Protocol):
    """What asyncio's datagram transport (the selector loop's) offers beyond the ABC."""

    def sendto(self, data: bytes, addr: tuple[str, int]) -> None: ...

    def get_write_buffer_size(self) -> int: ...


def unconnected_socket(udp: object) -> socket.socket | None:
    """The unconnected UDP socket under asyncio's selector datagram transport `udp`, or None.

    `_SelectorDatagramTransport.sendto` tries `self._sock.sendto` at once when nothing is
    buffered; `Srtp.send` makes that call itself, from C, skipping asyncio's and the socket's
    argument checks. Anything but a plain unconnected UDP socket goes through `udp`.
    """
    sock = datagram_socket(udp)
    if sock is None or sock.type != socket.SOCK_DGRAM:
        return None
    try:
        sock.getpeername()
    except OSError:
        return sock  # not connected: sendto with an address, as asyncio does
    return None


# --- send (subscriber side) -------------------------------------------------------------------


class SenderReportCounters:
    """Keeps an idle sender's counters, so that its RTCP sender reports describe what the
    forwarder really sent (packets, octets and the NTP/RTP timestamp pair).

    Per packet only our own counters move. They make each sender report (`report`), and are
    written into the sender, for its stats, then and on `flush`: writing four private
    attributes every 0.1 s per stream had cost about as much as the counting itself.
    """

    def __init__(self, sender: RTCRtpSender, clock: Callable[[], float] = time.monotonic) -> None:
        self._sender = sender
        self._clock = clock
        self._packets = 0
        self._octets = 0
        self._timestamp: int | None = None
        self._timestamp_at = 0.0

    def sent(self, payload_size: int, timestamp: int, now: float) -> None:
        """Count one packet, sent at monotonic time `now` with RTP timestamp `timestamp`."""
        self._packets += 1
        self._octets += payload_size
        if timestamp != self._timestamp:
            self._timestamp = timestamp
            self._timestamp_at = now

    def report(self) -> RtcpSenderInfo:
        """The sender info of a report about to go (written into the sender too, for its
        stats, and as the report aiortc matches receiver reports' lsr against)."""
        self.flush()
        sender = self._sender
        info = RtcpSenderInfo(
            ntp_timestamp=getattr(sender, SENDER_NTP_TIMESTAMP),
            rtp_timestamp=getattr(sender, SENDER_RTP_TIMESTAMP),
            packet_count=self._packets & 0xFFFFFFFF,
            octet_count=self._octets & 0xFFFFFFFF,
        )
        setattr(sender, SENDER_LSR, (info.ntp_timestamp >> 16) & 0xFFFFFFFF)
        setattr(sender, SENDER_LSR_TIME, time.time())
        return info

    def flush(self) -> None:
        """Write the counters into the sender now."""
        sender = self._sender
        setattr(sender, SENDER_PACKET_COUNT, self._packets)
        setattr(sender, SENDER_OCTET_COUNT, self._octets)
        if self._timestamp is not None:
            # the NTP time at which the newest timestamp was sent
            age = self._clock() - self._timestamp_at
            setattr(sender, SENDER_NTP_TIMESTAMP, ntp_now() - int(age * 4_294_967_296.0))
            setattr(sender, SENDER_RTP_TIMESTAMP, self._timestamp)


MAX_BACKLOG = 256 * 1024
"""Bytes queued in user space for a peer's socket beyond which packets are dropped."""
_SEND_PATH = "_forwarder_send_path"
"""Attribute of a DTLS transport holding its `RtpSendPath`."""


class RtpSendPath:
    """Sends serialized RTP (and RTCP) through a DTLS transport the short way, with no
    coroutine.

    aiortc's `RTCDtlsTransport._send_rtp` goes through four coroutines (DTLS transport, ICE
    connection, candidate pair protocol) to reach SRTP protect and the datagram transport's
    `sendto`; per forwarded packet that chain cost more than the forwarding itself. This does
    what it does (state check, SRTP protect, send on the nominated pair, the transport's
    counters) with plain calls, and drops a packet rather than letting asyncio queue it
    without limit when the kernel's socket buffer is full (the subscriber NACKs what matters).
    The transport's byte and packet counters (its stats) are brought up to date every
    `COUNTER_BATCH` packets.
    """

    COUNTER_BATCH = 32

    def __init__(self, transport: RTCDtlsTransport) -> None:
        self.transport = transport
        self._nominated: dict[int, CandidatePair] = nominated_pairs(transport)
        self._pair: CandidatePair | None = None
        self._udp: _DatagramTransport | None = None
        self._address: tuple[str, int] = ("", 0)
        self._socket: socket.socket | None = None
        """The pair's socket, when the protectors may send on it themselves (a plain
        unconnected one); else through asyncio's transport."""
        self._protectors: tuple[Srtp, Srtp] | None = None
        """SRTP (RTP) and SRTCP (RTCP), made once the transport has its keys."""
        self._packets = 0

    @classmethod
    def of(cls, transport: RTCDtlsTransport) -> "RtpSendPath":
        """The path of `transport`, made at the first call and shared by everything that
        sends on it (its subscriptions, its publishers' feedback)."""
        path = getattr(transport, _SEND_PATH, None)
        if not isinstance(path, RtpSendPath):
            path = cls(transport)
            setattr(transport, _SEND_PATH, path)
        return path

    def send_rtcp(self, data: bytes, max_backlog: int) -> bool:
        """`send` for a compound RTCP packet (SRTCP)."""
        return self.send(data, max_backlog, rtcp=True)

    def send(self, data: bytes, max_backlog: int, rtcp: bool = False) -> bool:
        """SRTP-protect and send one RTP packet (`rtcp`: an RTCP one); return False if it was
        not sent (transport not connected, or more than `max_backlog` bytes already wait in
        user space)."""
        transport = self.transport
        if transport._state is not State.CONNECTED:
            return False
        protectors = self._protectors
        if protectors is None:
            session = tx_srtp(transport)
            protectors = self._protectors = (srtp_protector(session), srtcp_protector(session))
        pair = self._nominated.get(1)
        if pair is not self._pair:
            if pair is None:
                return False
            self._pair = pair
            self._udp = cast(_DatagramTransport, pair.protocol.transport)
            self._address = pair.remote_addr
            self._socket = unconnected_socket(self._udp)
            if self._socket is not None:
                for protector in protectors:
                    protector.connect(self._socket, *self._address)
        sender = protectors[rtcp]
        udp = self._udp
        assert udp is not None
        backlog = udp.get_write_buffer_size()
        if backlog > max_backlog:
            return False
        if backlog or self._socket is None:
            protected = sender.transform(data)
            udp.sendto(protected, self._address)  # behind what asyncio already holds
        else:
            # None once the kernel took it; else asyncio buffers, retries or reports
            unsent = sender.send(data)
            if unsent is not None:
                udp.sendto(unsent, self._address)
        self._packets += 1
        if self._packets >= self.COUNTER_BATCH:
            self.flush_counters()
        return True

    def flush_counters(self) -> None:
        """Add what was sent since the last call to the transport's counters."""
        transport = self.transport
        sent = sum(p.take_bytes() for p in self._protectors) if self._protectors else 0
        setattr(transport, DTLS_TX_BYTES, getattr(transport, DTLS_TX_BYTES) + sent)
        setattr(transport, DTLS_TX_PACKETS, getattr(transport, DTLS_TX_PACKETS) + self._packets)
        self._packets = 0


# --- receive (publisher side) -----------------------------------------------------------------

_NONE: frozenset[RtpReceiver] = frozenset()
"""No receiver (of a payload type nobody negotiated)."""
DATAGRAM_SIZE = 256 * 1024
"""The largest datagram read whole, as asyncio's datagram transport reads (`max_size`)."""
_BUFFER = bytearray(DATAGRAM_SIZE)
"""Where every `ReceivePath` reads a datagram, copied out at once: the event loop's thread
reads one datagram at a time."""
_VIEW = memoryview(_BUFFER)
_INSTALLED = "_forwarder_receive_path"
"""Attribute of an ICE pair's protocol holding the `ReceivePath` installed on it."""


class ReceivePath:
    """Takes SRTP media packets of a connected DTLS transport from its socket, the short way.

    aiortc hands each datagram to aioice's `StunProtocol.datagram_received`, which parses it
    as STUN first (an exception for every RTP packet), puts it in a queue, and wakes the DTLS
    transport's receive task, which decrypts, parses and routes it through two coroutines.
    Installed on the nominated candidate pair's protocol, this does the same for RTP packets
    whose receiver was taken over (`take_over_rtp`) with plain calls in the socket's read
    callback: classify, route on the clear header, decrypt, parse, call the sink. RTCP too
    (the subscriber's reports, REMB and NACKs; the publisher's sender reports: a few hundred
    a second in a hearing, each of which aiortc's way cost several times an RTP packet):
    decrypt, parse, route, call each recipient's sink (`take_over_rtcp`). Anything else (STUN,
    DTLS, RTP of a receiver not taken over, or any datagram once the transport is no longer
    connected) goes the usual way, untouched.

    The path reads the socket itself (`internals.read_with`): up to `READS` datagrams that
    wait on it at each wake-up (a video frame arrives as a burst of packets), so one trip
    through the event loop and the selector per burst instead of per packet, and each into one
    buffer kept for all paths rather than into a new one as asyncio's transport does, which
    cost more than the rest of a datagram's reception. Where it cannot (not asyncio's selector
    transport), it takes the datagrams asyncio hands over.
    """

    READS = 17
    MAX_STREAMS = 8
    """SSRCs remembered per receiver: a simulcast camera's three layers and their RTX, and a
    restarted stream or two."""

    def __init__(self, transport: RTCDtlsTransport, session: pylibsrtp.Session) -> None:
        """`session`: the transport's SRTP session for what the peer sends."""
        self.transport = transport
        self._router: RtpRouter = rtp_router(transport)
        self._original: Callable[[bytes, tuple[Any, ...]], None] | None = None
        self._udp: asyncio.BaseTransport | None = None
        self._socket: socket.socket | None = None
        self._error_received: Callable[[OSError], None] | None = None
        self._unprotect = srtp_unprotector(session).transform
        self._unprotect_rtcp = srtcp_unprotector(session).transform
        self._waiting: set[asyncio.Task[None]] = set()
        """aiortc's own RTCP handling of a sender or receiver not taken over, under way."""
        self._extension_ids = header_extension_ids(transport)

    @classmethod
    def install(cls, transport: RTCDtlsTransport) -> "ReceivePath | None":
        """Install on `transport`'s nominated pair (None if not connected or done already)."""
        session = rx_srtp(transport)
        if transport._state is not State.CONNECTED or session is None:
            return None
        pair = nominated_pairs(transport).get(1)
        if pair is None or pair.protocol is None:
            return None
        protocol = pair.protocol
        if isinstance(getattr(protocol, _INSTALLED, None), ReceivePath):
            return None
        path = cls(transport, session)
        path._original = protocol.datagram_received
        path._error_received = protocol.error_received
        udp = protocol.transport
        sock = None if udp is None else unconnected_socket(udp)
        if sock is not None and read_with(udp, path._read_ready):
            path._udp, path._socket = udp, sock
        else:
            setattr(protocol, "datagram_received", path._datagram)  # noqa: B010
        setattr(protocol, _INSTALLED, path)
        return path

    def _read_ready(self) -> None:
        """The socket is readable: what waits on it, as asyncio's transport reads it (an
        error is the protocol's to hear), up to `READS` datagrams."""
        sock, udp = self._socket, self._udp
        assert sock is not None and udp is not None
        if udp.is_closing():
            return
        for _ in range(self.READS):
            try:
                size, addr = sock.recvfrom_into(_BUFFER)
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:
                assert self._error_received is not None
                self._error_received(exc)
                return
            # only the protocol, handed a datagram, may close the transport in the loop (a
            # check per datagram was 2-3 % of the server's busy time)
            if self._datagram(_VIEW[:size].tobytes(), addr) and udp.is_closing():
                return

    def _datagram(self, data: bytes, addr: tuple[Any, ...]) -> bool:
        """Take `data` if it is RTCP, or media of a receiver taken over; else hand it to the
        protocol and return True."""
        # RTP or RTCP, version 2, once the keys are known
        if len(data) >= 12 and 127 < data[0] < 192 and self.transport._state is State.CONNECTED:
            if 191 < data[1] < 209:  # RTCP (aiortc's `is_rtcp`)
                self._receive_rtcp(data)
                return False
            receiver = self._route(data, data[1] & 0x7F, int.from_bytes(data[8:12], "big"))
            sink: RtpSink | None = getattr(receiver, RTP_SINK, None)
            if sink is not None:
                self._receive(data, sink)
                return False
        assert self._original is not None
        self._original(data, addr)
        return True

    def _route(self, data: bytes, payload_type: int, ssrc: int) -> RtpReceiver | None:
        """The receiver of a packet, as aiortc's `RtpRouter.route_rtp` finds it (by SSRC, else
        by payload type when one receiver has it), and for an SSRC the offer did not announce
        (a simulcast layer, its RTX) by the mid it carries, since two video sections share
        payload types. A new SSRC is remembered, at most MAX_STREAMS per receiver (the oldest
        forgotten), so that a publisher spraying SSRCs cannot grow the table."""
        router = self._router
        table = router.ssrc_table
        known = table.get(ssrc)
        by_type = router.payload_type_table.get(payload_type, _NONE)
        if known is not None:
            return known if known in by_type else None
        receiver = router.mid_table.get(header_mid(data, self._extension_ids.mid or 0) or "")
        if receiver is None and len(by_type) == 1:
            receiver = next(iter(by_type))
        if receiver is None or receiver not in by_type:
            return None
        streams = [stream for stream, taker in table.items() if taker is receiver]
        for old in streams[: max(0, len(streams) - self.MAX_STREAMS + 1)]:
            del table[old]
        table[ssrc] = receiver
        return receiver

    def _receive(self, data: bytes, sink: RtpSink) -> None:
        self._count(data)
        ids = self._extension_ids
        try:
            # abs-send-time of a frame's last packet (marker bit, clear in SRTP) is all the
            # uplink estimate reads: other packets skip the lookup
            sent_at_id = (ids.abs_send_time or 0) if data[1] & 0x80 else 0
            packet = parse_rtp(
                self._unprotect(data),
                ids.audio_level or 0,
                sent_at_id,
                ids.rtp_stream_id or 0,
                ids.repaired_rtp_stream_id or 0,
            )
        except ValueError as exc:
            logger.debug("dropping undecodable SRTP packet: %s", exc)
            return
        sink(packet)

    def _receive_rtcp(self, data: bytes) -> None:
        """An SRTCP packet: decrypted, parsed and routed as aiortc's `_handle_rtcp_data` does,
        each packet handed to its recipients' sinks (`internals.take_over_rtcp`) at once, or
        to aiortc's own handler of a recipient not taken over, in a task."""
        self._count(data)
        try:
            packets = RtcpPacket.parse(self._unprotect_rtcp(data))
        except ValueError as exc:
            logger.debug("dropping undecodable SRTCP packet: %s", exc)
            return
        for packet in packets:
            for recipient in self._router.route_rtcp(packet):
                sink: RtcpSink | None = getattr(recipient, RTCP_SINK, None)
                if sink is not None:
                    sink(packet)
                else:
                    task = asyncio.ensure_future(recipient._handle_rtcp_packet(packet))
                    self._waiting.add(task)
                    task.add_done_callback(self._waiting.discard)

    def _count(self, data: bytes) -> None:
        """In the transport's counters (its stats, and how a participant is seen alive)."""
        transport = self.transport
        setattr(transport, DTLS_RX_BYTES, getattr(transport, DTLS_RX_BYTES) + len(data))
        setattr(transport, DTLS_RX_PACKETS, getattr(transport, DTLS_RX_PACKETS) + 1)
