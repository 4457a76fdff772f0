"""Fails loudly if the private aiortc internals the forwarder relies on move.

signaling/media/internals.py (and negotiation_state.py for the peer connection's negotiation
state) are the only modules touching them, but for what the forwarder's own transport
(signaling/media/transport.py) does per packet: it reads the DTLS transport's `_state` and keeps
the counters internals names. Each test here pins one of their assumptions, by behaviour where
that is cheap and by aiortc's source text where not.
"""

import asyncio
import asyncio.selector_events
import inspect
import re
import socket
import time
from collections.abc import AsyncIterator
from importlib.metadata import version
from typing import Any, TypeVar, cast

import aioice.ice
import pylibsrtp
import pytest
from aiortc import RTCConfiguration, RTCPeerConnection, RTCRtpReceiver, RTCRtpSender, clock
from aiortc.rtcconfiguration import RTCBundlePolicy
from aiortc.rtcdtlstransport import RTCDtlsTransport, RtpRouter, State
from aiortc.rtcicetransport import RTCIceTransport
from aiortc.rtcrtpparameters import RTCRtpHeaderExtensionParameters, RTCRtpParameters
from aiortc.rtcrtpreceiver import StreamStatistics
from aiortc.rtp import (
    RTCP_PSFB_APP,
    AnyRtcpPacket,
    HeaderExtensionsMap,
    RtcpByePacket,
    RtcpPsfbPacket,
    RtcpReceiverInfo,
    RtcpRrPacket,
    RtcpSenderInfo,
    RtcpSrPacket,
    RtpPacket,
    pack_remb_fci,
)
from pylibsrtp import Policy, Session
from pylibsrtp._binding import ffi
from pylibsrtp._binding import lib as srtp_lib

from signaling.media import internals, negotiation_state
from signaling.media.downtrack import MID_URI
from signaling.media.transport import (
    DATAGRAM_SIZE,
    ReceivePath,
    RtpSendPath,
    SenderReportCounters,
    ntp_now,
    srtcp_protector,
    srtp_protector,
    srtp_unprotector,
    unconnected_socket,
)


def test_aiortc_is_the_pinned_version() -> None:
    assert version("aiortc") == "1.16.0", "re-check signaling/media/internals.py first"


@pytest.fixture
async def peer() -> AsyncIterator[RTCPeerConnection]:
    pc = RTCPeerConnection()
    pc.addTransceiver("video")
    yield pc
    await pc.close()


async def test_receiver_private_state(peer: RTCPeerConnection) -> None:
    receiver = peer.getReceivers()[0]
    assert internals.receiver_codecs(receiver) == {}
    assert internals.receiver_rtx_ssrcs(receiver) == {}
    assert internals.receiver_statistics(receiver) == {}
    assert internals.receiver_rtcp_ssrc(receiver) == peer.getSenders()[0]._ssrc


def test_receiver_uses_the_state_we_feed() -> None:
    rtcp = inspect.getsource(RTCRtpReceiver._run_rtcp)
    assert "self.__remote_streams.items()" in rtcp, "receiver reports no longer read our stats"
    assert "self.__rtcp_ssrc" in rtcp
    receive = inspect.getsource(RTCRtpReceiver.receive)
    assert "self.__codecs[codec.payloadType] = codec" in receive
    assert "self.__rtx_ssrc[encoding.rtx.ssrc] = encoding.ssrc" in receive
    assert list(inspect.signature(StreamStatistics).parameters) == ["clockrate"]
    assert inspect.iscoroutinefunction(RTCRtpReceiver._send_rtcp)


async def test_transport_hands_rtp_to_the_sink(peer: RTCPeerConnection) -> None:
    receiver = peer.getReceivers()[0]
    transport: RTCDtlsTransport = receiver.transport
    seen: list[int] = []
    internals.take_over_rtp(receiver, lambda packet: seen.append(packet.sequence_number))
    transport._rtp_router.register_receiver(receiver, ssrcs=[1234], payload_types=[96])
    packet = RtpPacket(payload_type=96, sequence_number=7, ssrc=1234, payload=b"x")
    await transport._handle_rtp_data(packet.serialize(), arrival_time_ms=42)
    assert seen == [7]


def test_receive_path_does_what_aiortc_receive_does() -> None:
    """ReceivePath replaces StunProtocol.datagram_received -> Connection.data_received ->
    queue -> RTCDtlsTransport._recv_next -> _handle_rtp_data; each step it copies is pinned."""
    received = inspect.getsource(aioice.ice.StunProtocol.datagram_received)
    assert "self.receiver.data_received(data, self.local_candidate.component)" in received
    assert "self._queue.put_nowait((data, component))" in inspect.getsource(
        aioice.ice.Connection.data_received
    )
    recv_next = inspect.getsource(RTCDtlsTransport._recv_next)
    for line in (
        "self.__rx_bytes += len(data)",
        "self.__rx_packets += 1",
        "elif first_byte > 127 and first_byte < 192 and self._rx_srtp:",
        "if is_rtcp(data):",
        "data = self._rx_srtp.unprotect(data)",
    ):
        assert line in recv_next, line
    handle = inspect.getsource(RTCDtlsTransport._handle_rtp_data)
    assert "RtpPacket.parse(data, self._rtp_header_extensions_map)" in handle
    assert "receiver = self._rtp_router.route_rtp(packet)" in handle
    # routing reads nothing of the packet but its clear header's SSRC and payload type
    route = inspect.getsource(RtpRouter.route_rtp)
    assert set(re.findall(r"packet\.(\w+)", route)) == {"ssrc", "payload_type"}
    assert "self._rx_srtp = Session(rx_policy)" in inspect.getsource(RTCDtlsTransport)


class _Pair:
    """What ReceivePath reads of aioice's nominated CandidatePair."""

    def __init__(self, protocol: object) -> None:
        self.protocol = protocol


class _Protocol(asyncio.DatagramProtocol):
    """Stands in for aioice's StunProtocol: `transport` is set once its socket is made."""

    def __init__(self) -> None:
        self.passed_on: list[bytes] = []
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str | Any, int]) -> None:
        self.passed_on.append(data)


async def test_receive_path_takes_srtp_media_and_passes_on_the_rest(
    peer: RTCPeerConnection,
) -> None:
    key = bytes(range(30))
    receiver = peer.getReceivers()[0]
    transport: RTCDtlsTransport = receiver.transport
    protocol = _Protocol()
    transport.transport._connection._nominated[1] = _Pair(protocol)  # type: ignore[assignment]
    assert ReceivePath.install(transport) is None  # not connected yet
    transport._state = State.CONNECTED
    transport._rx_srtp = Session(Policy(key=key, ssrc_type=Policy.SSRC_ANY_INBOUND))
    assert ReceivePath.install(transport) is not None
    assert ReceivePath.install(transport) is None  # once per protocol
    seen: list[RtpPacket] = []
    internals.take_over_rtp(receiver, seen.append)
    transport._rtp_router.register_receiver(receiver, ssrcs=[1234], payload_types=[96])
    sender = Session(Policy(key=key, ssrc_type=Policy.SSRC_ANY_OUTBOUND))

    def srtp(payload_type: int, seq: int) -> bytes:
        packet = RtpPacket(payload_type=payload_type, sequence_number=seq, ssrc=1234, payload=b"m")
        return sender.protect(packet.serialize())

    routed, unrouted = srtp(96, 1), srtp(100, 2)  # 100: no receiver has that payload type
    # RTCP, taken (and dropped: not SRTCP)
    rtcp = bytes(RtcpRrPacket(ssrc=1234, reports=[RtcpReceiverInfo(1, 0, 0, 0, 0, 0, 0)]))
    stun = bytes(20)
    for data in (routed, unrouted, rtcp, stun, b"\x80" + routed[1:11]):
        protocol.datagram_received(data, ("127.0.0.1", 9))
    assert [(p.ssrc, p.sequence_number, p.payload) for p in seen] == [(1234, 1, b"m")]
    assert protocol.passed_on == [unrouted, stun, b"\x80" + routed[1:11]]
    stats = [s for s in transport._get_stats().values() if s.type == "transport"]
    assert (stats[0].packetsReceived, stats[0].bytesReceived) == (2, len(routed) + len(rtcp))
    transport._state = State.CLOSED
    protocol.datagram_received(routed, ("127.0.0.1", 9))
    assert len(seen) == 1 and protocol.passed_on[-1] == routed


async def test_receive_path_takes_srtcp_to_each_recipients_sink(peer: RTCPeerConnection) -> None:
    """SRTCP is decrypted, parsed and routed as aiortc routes it; each packet goes to its
    recipients' sinks at once, or, for a recipient not taken over, to aiortc's handler in a
    task. What cannot be decrypted or parsed is dropped, passed on to nothing."""
    assert "packets = RtcpPacket.parse(data)" in inspect.getsource(
        RTCDtlsTransport._handle_rtcp_data
    )
    assert "self._rtp_router.route_rtcp(packet)" in inspect.getsource(
        RTCDtlsTransport._handle_rtcp_data
    )
    assert "data = self._rx_srtp.unprotect_rtcp(data)" in inspect.getsource(
        RTCDtlsTransport._recv_next
    )
    key = bytes(range(30))
    receiver, sender = peer.getReceivers()[0], peer.getSenders()[0]
    transport: RTCDtlsTransport = receiver.transport
    protocol = _Protocol()
    transport.transport._connection._nominated[1] = _Pair(protocol)  # type: ignore[assignment]
    transport._state = State.CONNECTED
    transport._rx_srtp = Session(Policy(key=key, ssrc_type=Policy.SSRC_ANY_INBOUND))
    assert ReceivePath.install(transport) is not None
    router = transport._rtp_router
    router.register_receiver(receiver, ssrcs=[1234], payload_types=[96])
    router.register_sender(sender, ssrc=5678)
    other = RTCRtpSender("audio", transport)  # not taken over: aiortc's own handler
    router.register_sender(other, ssrc=9999)
    to_receiver: list[AnyRtcpPacket] = []
    to_sender: list[AnyRtcpPacket] = []
    to_other: list[AnyRtcpPacket] = []
    internals.take_over_rtcp(receiver, to_receiver.append)
    internals.take_over_rtcp(sender, to_sender.append)

    async def aiortc_handler(packet: AnyRtcpPacket) -> None:
        to_other.append(packet)

    other._handle_rtcp_packet = aiortc_handler  # type: ignore[method-assign]
    protect = Session(Policy(key=key, ssrc_type=Policy.SSRC_ANY_OUTBOUND)).protect_rtcp
    report = RtcpSrPacket(
        ssrc=1234,
        sender_info=RtcpSenderInfo(1 << 32, 90000, 10, 1000),
        reports=[RtcpReceiverInfo(5678, 0, 0, 7, 0, 0, 0)],
    )
    remb = RtcpPsfbPacket(
        fmt=RTCP_PSFB_APP, ssrc=1, media_ssrc=0, fci=pack_remb_fci(300_000, [5678, 9999])
    )
    bye = RtcpByePacket(sources=[1234])
    compound = protect(bytes(report) + bytes(remb) + bytes(bye))
    protocol.datagram_received(compound, ("127.0.0.1", 9))
    assert [type(p) for p in to_receiver] == [RtcpSrPacket, RtcpByePacket]
    assert [type(p) for p in to_sender] == [RtcpSrPacket, RtcpPsfbPacket]
    assert to_other == []  # not yet: in a task
    await asyncio.sleep(0)
    assert [type(p) for p in to_other] == [RtcpPsfbPacket]

    garbage = protect(b"\x80\xc9\x00\x01" + bytes(4) + b"\xff" * 9)  # authentic, unparsable
    forged = compound[:-1] + bytes([compound[-1] ^ 1])  # authentication fails
    replayed = compound
    for data in (garbage, forged, replayed, compound[:12], b"\x80\xc8" + bytes(10)):
        protocol.datagram_received(data, ("127.0.0.1", 9))
    await asyncio.sleep(0)
    assert (len(to_receiver), len(to_sender), len(to_other)) == (2, 2, 1)
    assert protocol.passed_on == []
    stats = [s for s in transport._get_stats().values() if s.type == "transport"]
    assert stats[0].packetsReceived == 6


async def test_receive_path_routes_unannounced_ssrcs_by_mid_and_remembers_few() -> None:
    """Two video sections share payload type 96: a simulcast layer's SSRC, announced nowhere,
    goes where its mid says; an SSRC sprayed on is remembered at most MAX_STREAMS times per
    receiver."""
    pc = RTCPeerConnection(RTCConfiguration(bundlePolicy=RTCBundlePolicy.MAX_BUNDLE))
    try:
        first, second = pc.addTransceiver("video"), pc.addTransceiver("video")
        key = bytes(range(30))
        transport: RTCDtlsTransport = first.receiver.transport
        assert second.receiver.transport is transport
        protocol = _Protocol()
        transport.transport._connection._nominated[1] = _Pair(protocol)  # type: ignore[assignment]
        transport._state = State.CONNECTED
        transport._rx_srtp = Session(Policy(key=key, ssrc_type=Policy.SSRC_ANY_INBOUND))
        router = transport._rtp_router
        for receiver, mid in ((first.receiver, "0"), (second.receiver, "1")):
            router.register_receiver(receiver, ssrcs=[], payload_types=[96], mid=mid)
        internals.header_extension_ids(transport).mid = 4
        assert ReceivePath.install(transport) is not None
        seen: dict[str, list[int]] = {"0": [], "1": []}
        internals.take_over_rtp(first.receiver, lambda p: seen["0"].append(p.ssrc))
        internals.take_over_rtp(second.receiver, lambda p: seen["1"].append(p.ssrc))
        sender = Session(Policy(key=key, ssrc_type=Policy.SSRC_ANY_OUTBOUND))
        extensions = HeaderExtensionsMap()
        extensions.configure(
            RTCRtpParameters(headerExtensions=[RTCRtpHeaderExtensionParameters(id=4, uri=MID_URI)])
        )

        sequence = iter(range(1, 1000))

        def srtp(ssrc: int, mid: str | None) -> bytes:
            packet = RtpPacket(
                payload_type=96, sequence_number=next(sequence), ssrc=ssrc, payload=b"m"
            )
            packet.extensions.mid = mid
            return sender.protect(packet.serialize(extensions))

        for data in (srtp(11, "1"), srtp(12, "0"), srtp(11, None), srtp(13, None), srtp(14, "9")):
            protocol.datagram_received(data, ("127.0.0.1", 9))
        # the mid places a new SSRC (later packets need none); without one, two sections
        # share the payload type and nothing can be placed
        assert seen == {"0": [12], "1": [11, 11]}
        for ssrc in range(100, 150):
            protocol.datagram_received(srtp(ssrc, "1"), ("127.0.0.1", 9))
        assert seen["1"][-1] == 149  # still delivered
        remembered = [s for s, r in router.ssrc_table.items() if r is second.receiver]
        assert remembered == list(range(150 - ReceivePath.MAX_STREAMS, 150))
    finally:
        await pc.close()


_P = TypeVar("_P", bound=_Protocol)


async def _connected_on_endpoint(
    peer: RTCPeerConnection, protocol_type: type[_P]
) -> tuple[RTCDtlsTransport, _P]:
    """The peer's DTLS transport, connected (with SRTP keys) on a nominated pair whose protocol
    is a new `protocol_type` on a loopback socket."""
    transport: RTCDtlsTransport = peer.getReceivers()[0].transport
    loop = asyncio.get_running_loop()
    _, protocol = await loop.create_datagram_endpoint(protocol_type, local_addr=("127.0.0.1", 0))
    assert protocol.transport is not None
    transport.transport._connection._nominated[1] = _Pair(protocol)  # type: ignore[assignment]
    transport._state = State.CONNECTED
    transport._rx_srtp = Session(Policy(key=bytes(range(30)), ssrc_type=Policy.SSRC_ANY_INBOUND))
    return transport, protocol


async def test_receive_path_reads_a_burst_in_one_wakeup(peer: RTCPeerConnection) -> None:
    """The path reads the socket itself, in place of asyncio's transport: a burst waiting on
    it is read at one wake-up, in order, a datagram larger than any RTP packet whole; once the
    transport closes, nothing more is read."""
    transport, protocol = await _connected_on_endpoint(peer, _Protocol)
    assert protocol.transport is not None
    wakeups = 0

    class Counted(ReceivePath):
        def _read_ready(self) -> None:
            nonlocal wakeups
            wakeups += 1
            super()._read_ready()

    await asyncio.sleep(0)  # asyncio's transport registers its reader
    assert Counted.install(transport) is not None
    assert Counted.install(transport) is None  # once
    burst = [bytes([i]) * 20 for i in range(5)] + [b"\x01" * 5000]  # not RTP: passed on
    address = protocol.transport.get_extra_info("sockname")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as source:
        for data in burst:
            source.sendto(data, address)
        for _ in range(100):
            if len(protocol.passed_on) == len(burst):
                break
            await asyncio.sleep(0.01)
        assert protocol.passed_on == burst
        assert wakeups == 1
        protocol.transport.close()
        source.sendto(b"\x02" * 20, address)
        await asyncio.sleep(0.05)
    assert protocol.passed_on == burst and wakeups == 1


class _ClosingProtocol(_Protocol):
    """Closes its transport on the first datagram handed to it (a DTLS close, say)."""

    def datagram_received(self, data: bytes, addr: tuple[str | Any, int]) -> None:
        super().datagram_received(data, addr)
        assert self.transport is not None
        self.transport.close()


async def test_receive_path_stops_reading_when_the_protocol_closes_the_transport(
    peer: RTCPeerConnection,
) -> None:
    """The transport is checked once per wake-up, and again after each datagram handed to the
    protocol, which may close it: nothing is read from a closed transport's socket."""
    transport, protocol = await _connected_on_endpoint(peer, _ClosingProtocol)
    assert protocol.transport is not None
    await asyncio.sleep(0)  # asyncio's transport registers its reader
    assert ReceivePath.install(transport) is not None
    address = protocol.transport.get_extra_info("sockname")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as source:
        for i in range(3):
            source.sendto(bytes([i]) * 20, address)
        await asyncio.sleep(0.05)
    assert protocol.passed_on == [bytes(20)]


async def test_sender_report_counters_reach_sender_stats_and_reports(
    peer: RTCPeerConnection,
) -> None:
    sender = peer.getSenders()[0]
    counters = SenderReportCounters(sender, clock=lambda: 10.0)

    async def sent() -> tuple[int, int]:
        stats = [s for s in (await sender.getStats()).values() if s.type == "outbound-rtp"]
        return stats[0].packetsSent, stats[0].bytesSent

    counters.sent(payload_size=100, timestamp=5, now=10.0)
    counters.sent(payload_size=50, timestamp=5, now=10.0)
    assert await sent() == (0, 0)  # written at each report and on flush, not per packet
    counters.flush()
    assert await sent() == (2, 150)

    counters.sent(payload_size=30, timestamp=8, now=10.0)
    info = counters.report()
    assert (info.packet_count, info.octet_count, info.rtp_timestamp) == (3, 180, 8)
    assert abs(info.ntp_timestamp - ntp_now()) < 4_294_967_296  # within a second of now
    assert await sent() == (3, 180)
    # what aiortc's round trip matches the subscriber's reports against
    assert getattr(sender, internals.SENDER_LSR) == (info.ntp_timestamp >> 16) & 0xFFFFFFFF
    assert abs(getattr(sender, internals.SENDER_LSR_TIME) - time.time()) < 1
    rtcp = inspect.getsource(RTCRtpSender._run_rtcp)
    for name in ("__ntp_timestamp", "__rtp_timestamp", "__packet_count", "__octet_count"):
        assert f"self.{name}" in rtcp, f"sender reports no longer read {name}"
    assert "self.__lsr_time = time.time()" in rtcp
    rtt = inspect.getsource(RTCRtpSender._handle_rtcp_packet)
    assert "rtt = time.time() - self.__lsr_time - (report.dlsr / 65536)" in rtt


async def test_a_senders_rtcp_loop_taken_over(peer: RTCPeerConnection) -> None:
    """aiortc's sender runs `_run_rtcp` from `send()` to `stop()`, which waits for it to start
    and end: the loop taken over says when it runs and sends the BYE with the given send."""
    assert "self.__rtcp_task = asyncio.ensure_future(self._run_rtcp())" in inspect.getsource(
        RTCRtpSender.send
    )
    stop = inspect.getsource(RTCRtpSender.stop)
    for line in (
        "self.__rtcp_started.wait()",
        "self.__rtcp_task.cancel()",
        "self.__rtcp_exited.wait()",
    ):
        assert line in stop, line
    assert "RtcpByePacket(sources=[self._ssrc])" in inspect.getsource(RTCRtpSender._run_rtcp)
    sender = peer.getSenders()[0]
    running: list[bool] = []
    sent: list[bytes] = []
    internals.take_over_sender_reports(sender, running.append, sent.append)
    task = asyncio.ensure_future(sender._run_rtcp())
    await asyncio.sleep(0.01)
    assert running == [True] and sent == [] and not task.done()
    assert vars(sender)["_RTCRtpSender__rtcp_started"].is_set()
    task.cancel()
    await task
    assert running == [True, False]
    assert sent == [bytes(RtcpByePacket(sources=[sender._ssrc]))]
    assert vars(sender)["_RTCRtpSender__rtcp_exited"].is_set()


def test_srtcp_protects_as_pylibsrtp_does() -> None:
    report = bytes(RtcpSrPacket(ssrc=1234, sender_info=RtcpSenderInfo(1, 2, 3, 4)))
    key = bytes(range(30))
    ours = srtcp_protector(Session(Policy(key=key, ssrc_type=Policy.SSRC_ANY_OUTBOUND)))
    theirs = Session(Policy(key=key, ssrc_type=Policy.SSRC_ANY_OUTBOUND))
    inbound = Session(Policy(key=key, ssrc_type=Policy.SSRC_ANY_INBOUND))
    protected = ours.transform(report)
    assert protected == theirs.protect_rtcp(report)
    assert inbound.unprotect_rtcp(protected) == report


async def test_sender_hooks(peer: RTCPeerConnection) -> None:
    sender = peer.getSenders()[0]
    ssrc, rtx_ssrc = internals.sender_ssrcs(sender)
    assert isinstance(ssrc, int) and isinstance(rtx_ssrc, int) and ssrc != rtx_ssrc
    assert "sender.send(self.__localRtp(transceiver))" in inspect.getsource(RTCPeerConnection)
    # a sender taken over hears its RTCP through aiortc's receive task too (before the
    # receive path is installed), and aiortc's own handling of a report runs at once
    seen: list[AnyRtcpPacket] = []
    internals.take_over_rtcp(sender, seen.append)
    report = RtcpRrPacket(
        ssrc=1,
        reports=[
            RtcpReceiverInfo(
                ssrc=ssrc,
                fraction_lost=3,
                packets_lost=2,
                highest_sequence=0,
                jitter=0,
                lsr=0,
                dlsr=0,
            )
        ],
    )
    transport: RTCDtlsTransport = sender.transport
    transport._rtp_router.register_sender(sender, ssrc=ssrc)
    await transport._handle_rtcp_data(bytes(report))
    assert len(seen) == 1
    internals.aiortc_handles_report(sender, report)
    stats = [s for s in (await sender.getStats()).values() if s.type == "remote-inbound-rtp"]
    assert [(s.packetsLost, s.fractionLost) for s in stats] == [(2, 3)]


async def test_aiortc_rtcp_handling_that_would_wait_is_refused(
    peer: RTCPeerConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`aiortc_handles_report` runs aiortc's coroutine without the event loop: were it to wait
    for something (another aiortc), that is an error, not a report silently half handled."""

    async def waits(self: RTCRtpSender, packet: AnyRtcpPacket) -> None:
        await asyncio.sleep(0)

    monkeypatch.setattr(RTCRtpSender, "_handle_rtcp_packet", waits)
    with pytest.raises(RuntimeError, match="waits"):
        internals.aiortc_handles_report(peer.getSenders()[0], RtcpRrPacket(ssrc=1))


def test_transceiver_state() -> None:
    source = inspect.getsource(RTCPeerConnection)
    assert "transceiver._codecs = common" in source
    assert "codecs=transceiver._codecs" in source


def test_offers_can_be_renumbered() -> None:
    """MediaSession.create_offer undoes createOffer's reset of negotiated transceivers'
    `_codecs` / `_headerExtensions` and applies its offer renumbered (signaling/media/numbering.py):
    setLocalDescription must take the SDP as given and leave those alone; the answer sets them."""
    create_offer = inspect.getsource(RTCPeerConnection.createOffer)
    assert "transceiver._codecs = filter_preferred_codecs(" in create_offer
    assert "transceiver._headerExtensions = HEADER_EXTENSIONS[transceiver.kind][:]" in create_offer
    set_local = inspect.getsource(RTCPeerConnection.setLocalDescription)
    assert "description = sdp.SessionDescription.parse(sessionDescription.sdp)" in set_local
    assert "_codecs" not in set_local and "_headerExtensions" not in set_local
    set_remote = inspect.getsource(RTCPeerConnection.setRemoteDescription)
    assert "transceiver._headerExtensions = find_common_header_extensions(" in set_remote
    assert "headerExtensions=transceiver._headerExtensions" in inspect.getsource(RTCPeerConnection)


def test_rtp_send_path_does_what_aiortc_send_rtp_does() -> None:
    """RtpSendPath replaces RTCDtlsTransport._send_rtp -> Connection.send -> sendto ->
    StunProtocol.send_data -> DatagramTransport.sendto; each step it copies is pinned here."""
    send_rtp = inspect.getsource(RTCDtlsTransport._send_rtp)
    assert "if self._state != State.CONNECTED:" in send_rtp
    assert "data = self._tx_srtp.protect(data)" in send_rtp
    assert "await self.transport._send(data)" in send_rtp
    assert "self.__tx_bytes += len(data)" in send_rtp
    assert "self.__tx_packets += 1" in send_rtp
    assert "self._send = self._connection.send" in inspect.getsource(RTCIceTransport)
    assert "await self.sendto(data, 1)" in inspect.getsource(aioice.ice.Connection.send)
    send = inspect.getsource(aioice.ice.Connection.sendto)
    assert "self._nominated.get(component)" in send
    assert "active_pair.protocol.send_data(data, active_pair.remote_addr)" in send
    assert "self.transport.sendto(" in inspect.getsource(aioice.ice.StunProtocol.send_data)
    assert "self._nominated: dict[int, CandidatePair] = {}" in inspect.getsource(
        aioice.ice.Connection.__init__
    )
    assert "self._tx_srtp = Session(tx_policy)" in inspect.getsource(RTCDtlsTransport)


def test_rtp_send_path_sends_as_asyncio_would() -> None:
    """With nothing buffered, asyncio's selector datagram transport sends on its unconnected
    socket at once; RtpSendPath does the same call itself and hands anything else back."""
    transport = getattr(asyncio.selector_events, "_SelectorDatagramTransport")  # noqa: B009
    send = inspect.getsource(transport.sendto)
    assert "if not self._buffer:" in send
    assert "self._sock.sendto(data, addr)" in send
    assert "self._buffer.append((bytes(data), addr))" in send
    read = inspect.getsource(transport._read_ready)
    assert "data, addr = self._sock.recvfrom(self.max_size)" in read
    assert "self._protocol.error_received(exc)" in read
    assert transport.max_size == DATAGRAM_SIZE  # what ReceivePath reads in its place
    close = inspect.getsource(transport.close)
    assert "self._loop._remove_reader(self._sock_fd)" in close  # whichever reader it has


async def test_rtp_send_path_uses_the_transports_socket() -> None:
    loop = asyncio.get_running_loop()
    received: list[bytes] = []

    class Sink(asyncio.DatagramProtocol):
        def datagram_received(self, data: bytes, addr: tuple[str | Any, int]) -> None:
            received.append(data)

    sink, _ = await loop.create_datagram_endpoint(Sink, local_addr=("127.0.0.1", 0))
    udp, _ = await loop.create_datagram_endpoint(
        asyncio.DatagramProtocol, local_addr=("127.0.0.1", 0)
    )
    try:
        sock = unconnected_socket(udp)
        assert sock is not None and sock.getsockname() == udp.get_extra_info("sockname")
        sock.sendto(b"direct", sink.get_extra_info("sockname"))
        for _ in range(100):
            if received:
                break
            await asyncio.sleep(0.01)
        assert received == [b"direct"]
    finally:
        udp.close()
        sink.close()


async def test_rtp_send_path_before_connection(peer: RTCPeerConnection) -> None:
    transport: RTCDtlsTransport = peer.getSenders()[0].transport
    path = RtpSendPath(transport)
    assert not path.send(b"\x80" + bytes(20), max_backlog=0)  # not connected: nothing sent
    assert getattr(transport, "_RTCDtlsTransport__tx_packets") == 0  # noqa: B009


def test_ntp_now_matches_aiortc_clock() -> None:
    assert abs(ntp_now() - clock.current_ntp_time()) < 2**32 // 100  # 10 ms


def test_aioice_host_address_lookup_used_by_tests() -> None:
    assert "get_host_addresses(" in inspect.getsource(aioice.ice.Connection.gather_candidates)


def test_srtp_transforms_as_pylibsrtp_does() -> None:
    """The C transforms call pylibsrtp's own libsrtp on the session's context."""
    session = inspect.getsource(pylibsrtp.Session)
    assert "self._srtp = ffi.gc(srtp, lambda x: lib.srtp_dealloc(x[0]))" in session
    assert "_srtp_assert(func(self._srtp[0], self._cdata, len_p))" in session
    for function in ("srtp_protect", "srtp_unprotect"):
        assert str(ffi.typeof(ffi.addressof(srtp_lib, function))) == (
            "<ctype 'srtp_err_status_t(*)(struct srtp_ctx_t_ *, void *, int *)'>"
        )
    key = bytes(range(30))

    def outbound() -> Session:
        return Session(Policy(key=key, ssrc_type=Policy.SSRC_ANY_OUTBOUND))

    def inbound() -> Session:
        return Session(Policy(key=key, ssrc_type=Policy.SSRC_ANY_INBOUND))

    ours, theirs = srtp_protector(outbound()), outbound()
    ours_in, theirs_in = srtp_unprotector(inbound()), inbound()
    for seq in range(3):
        packet = RtpPacket(payload_type=96, sequence_number=seq, ssrc=5, payload=bytes(seq + 1))
        protected = ours.transform(packet.serialize())
        assert protected == theirs.protect(packet.serialize())
        assert ours_in.transform(protected) == theirs_in.unprotect(protected) == packet.serialize()
    assert ours.take_bytes() == sum(13 + seq + 10 for seq in range(3))  # + auth tag
    assert ours.take_bytes() == 0
    with pytest.raises(ValueError, match="too long"):
        ours.transform(bytes(1500 - pylibsrtp.SRTP_MAX_TRAILER_LEN + 1))
    ours.transform(bytes(1500 - pylibsrtp.SRTP_MAX_TRAILER_LEN))
    with pytest.raises(ValueError, match="SRTP transform failed"):  # a replay
        ours_in.transform(protected)
    with pytest.raises(ValueError, match="SRTP transform failed"):  # not authentic
        ours_in.transform(protected[:-1] + bytes([protected[-1] ^ 1]))


def test_srtp_sender_sends_or_hands_the_packet_back() -> None:
    key = bytes(range(30))
    sender = srtp_protector(Session(Policy(key=key, ssrc_type=Policy.SSRC_ANY_OUTBOUND)))
    inbound = Session(Policy(key=key, ssrc_type=Policy.SSRC_ANY_INBOUND))
    packets = [
        RtpPacket(payload_type=96, sequence_number=seq, ssrc=7, payload=bytes([seq]) * 100)
        for seq in range(3)
    ]
    with (
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as receiver,
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock,
    ):
        receiver.bind(("127.0.0.1", 0))
        receiver.settimeout(5)
        sock.setblocking(False)
        # no destination yet: the protected packet comes back, for asyncio to send
        unsent = sender.send(packets[0].serialize())
        assert unsent is not None and inbound.unprotect(unsent) == packets[0].serialize()
        with pytest.raises(ValueError, match="not a numeric address"):
            sender.connect(sock, "localhost", 1)
        sender.connect(sock, *receiver.getsockname())
        assert sender.send(packets[1].serialize()) is None
        assert inbound.unprotect(receiver.recv(2048)) == packets[1].serialize()
        sock.close()  # a closed socket: handed back, never sent on a reused descriptor
        unsent = sender.send(packets[2].serialize())
        assert unsent is not None and inbound.unprotect(unsent) == packets[2].serialize()


async def test_a_receivers_rtcp_taken_over_both_ways(peer: RTCPeerConnection) -> None:
    """The publisher's sender reports reach the sink (the recorder aligns tracks with them) and
    aiortc's receiver handles them as before (what its receiver reports answer); what the
    receiver sends (its reports, our feedback) goes to the given send."""
    assert "await recipient._handle_rtcp_packet(packet)" in inspect.getsource(
        RTCDtlsTransport._handle_rtcp_data
    )
    assert "await self._send_rtcp(packet)" in inspect.getsource(RTCRtpReceiver._run_rtcp)
    receiver = peer.getReceivers()[0]
    seen: list[AnyRtcpPacket] = []
    internals.take_over_rtcp(receiver, seen.append)
    info = RtcpSenderInfo(
        ntp_timestamp=1 << 32, rtp_timestamp=90000, packet_count=1, octet_count=100
    )
    report = RtcpSrPacket(ssrc=1234, sender_info=info)
    await receiver._handle_rtcp_packet(report)
    assert seen == [report]
    internals.aiortc_handles_receiver_rtcp(receiver, report)
    stats = [s for s in (await receiver.getStats()).values() if s.type == "remote-outbound-rtp"]
    assert [(s.ssrc, s.packetsSent, s.bytesSent) for s in stats] == [(1234, 1, 100)]

    sent: list[bytes] = []
    internals.take_over_receiver_rtcp_send(receiver, sent.append)
    await internals.send_rtcp(receiver, report)
    assert sent == [bytes(report)]


async def test_header_extension_ids_read_by_the_receive_path(peer: RTCPeerConnection) -> None:
    """ReceivePath binds the transport's ids once: negotiation updates that one object."""
    transport: RTCDtlsTransport = peer.getReceivers()[0].transport
    ids = internals.header_extension_ids(transport)
    uri = "urn:ietf:params:rtp-hdrext:ssrc-audio-level"
    transport._rtp_header_extensions_map.configure(
        RTCRtpParameters(headerExtensions=[RTCRtpHeaderExtensionParameters(id=5, uri=uri)])
    )
    assert ids.audio_level == 5
    assert inspect.getsource(RTCDtlsTransport).count("self._rtp_header_extensions_map =") == 1
    assert "self.__ids =" not in inspect.getsource(HeaderExtensionsMap.configure)


async def test_a_remote_offer_can_be_rolled_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """signaling/media/negotiation_state.py: the private state `OfferRollback` notes is where
    setRemoteDescription leaves its changes, and putting it back restores the connection."""
    monkeypatch.setattr(aioice.ice, "get_host_addresses", lambda use_ipv4, use_ipv6: [])
    offerer, answerer = RTCPeerConnection(), RTCPeerConnection()
    offerer.addTransceiver("audio", direction="sendonly")
    offerer.addTransceiver("video", direction="sendonly")
    await offerer.setLocalDescription(await offerer.createOffer())
    rollback = negotiation_state.OfferRollback(answerer)
    await answerer.setRemoteDescription(offerer.localDescription)
    assert answerer.signalingState == "have-remote-offer"
    assert negotiation_state.negotiated_sections(answerer) == [("0", "audio"), ("1", "video")]
    await rollback.restore()
    assert answerer.signalingState == "stable"
    assert answerer.getTransceivers() == [] and answerer.remoteDescription is None
    assert negotiation_state.negotiated_sections(answerer) == []
    await answerer.setRemoteDescription(offerer.localDescription)  # as if never offered
    await answerer.setLocalDescription(await answerer.createAnswer())
    assert [t.mid for t in answerer.getTransceivers()] == ["0", "1"]
    await offerer.close()
    await answerer.close()
