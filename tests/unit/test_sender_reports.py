"""The sender reports of everything sent to a participant, sent together (`SenderReports`):
each running stream's report as aiortc's sender would make it, packed into compound packets."""

import asyncio
import time
from dataclasses import dataclass, field

from aiortc import RTCPeerConnection
from aiortc.rtcrtpparameters import RTCRtcpParameters, RTCRtpSendParameters
from aiortc.rtp import RtcpByePacket, RtcpPacket, RtcpSdesPacket, RtcpSrPacket

from signaling.media import internals
from signaling.media.sender_reports import MAX_DATAGRAM, SenderReports, compound
from signaling.media.sharing import BandwidthSharing
from signaling.media.subscriber import SilentTrack, Subscription
from tests.unit.test_publisher import RTX, VP8, harness, vp8


def test_reports_are_packed_in_order_up_to_the_limit() -> None:
    reports = [bytes([n]) * size for n, size in enumerate((500, 500, 300, 1300, 100, 100))]
    packed = list(compound(reports))
    assert packed == [
        reports[0] + reports[1],
        reports[2],
        reports[3],  # longer than the limit: alone
        reports[4] + reports[5],
    ]
    assert all(len(p) <= MAX_DATAGRAM for p in packed if len(p) != 1300)
    assert list(compound([])) == []


@dataclass(eq=False)
class FakePath:
    """Stands in for a transport's `RtpSendPath` (the socket is not the subject)."""

    sent: list[bytes] = field(default_factory=list)
    media: list[bytes] = field(default_factory=list)

    def send_rtcp(self, data: bytes, max_backlog: int) -> bool:
        self.sent.append(data)
        return True

    def send(self, data: bytes, max_backlog: int) -> bool:
        self.media.append(data)
        return True


@dataclass
class FakeSubscription:
    report: bytes | None
    send_path: FakePath

    def sender_report(self) -> bytes | None:
        return self.report


def test_a_round_sends_the_running_streams_reports_per_path() -> None:
    first, second = FakePath(), FakePath()
    subscriptions = [
        FakeSubscription(b"a" * 600, first),
        FakeSubscription(None, first),  # its sender does not run
        FakeSubscription(b"b" * 600, second),
        FakeSubscription(b"c" * 100, first),
    ]
    reports = SenderReports(subscriptions)  # type: ignore[arg-type]
    assert reports.send_now() == 3
    assert first.sent == [b"a" * 600 + b"c" * 100]
    assert second.sent == [b"b" * 600]


async def test_a_subscriptions_report_while_its_sender_runs() -> None:
    """What aiortc's sender sent: an SR of what was sent, and an SDES with the CNAME; and the
    round trip is measured from it. Nothing before the sender starts nor after it stops, and
    its BYE when it stops."""
    publisher = await harness("video", [VP8, RTX])
    pc = RTCPeerConnection()
    try:
        subscription = Subscription(
            publisher.track, retransmissions=BandwidthSharing([]).retransmissions
        )
        transceiver = pc.addTransceiver(SilentTrack("video"), direction="sendonly")
        subscription.bind(transceiver)
        path = FakePath()
        setattr(subscription, "_path", lambda: path)  # noqa: B010
        assert subscription.sender_report() is None
        parameters = RTCRtpSendParameters(
            codecs=[VP8, RTX], muxId="1", rtcp=RTCRtcpParameters(cname="someone")
        )
        await subscription._on_sender_started(parameters)
        rtcp = asyncio.ensure_future(transceiver.sender._run_rtcp())
        await asyncio.sleep(0.01)
        await publisher.feed(vp8(1, keyframe=True))
        await publisher.feed(vp8(2))
        assert len(path.media) == 2
        report = subscription.sender_report()
        assert report is not None
        sr, sdes = RtcpPacket.parse(report)
        ssrc, _ = internals.sender_ssrcs(transceiver.sender)
        assert isinstance(sr, RtcpSrPacket) and sr.ssrc == ssrc
        assert sr.sender_info.packet_count == 2
        assert sr.sender_info.octet_count == sum(len(vp8(n).payload) for n in (1, 2))
        assert isinstance(sdes, RtcpSdesPacket)
        assert sdes.chunks[0].ssrc == ssrc and sdes.chunks[0].items == [(1, b"someone")]
        lsr = (sr.sender_info.ntp_timestamp >> 16) & 0xFFFFFFFF
        subscription.round_trip.report(lsr, dlsr=0, now=time.monotonic() + 0.05)
        latest = subscription.round_trip.latest
        assert latest is not None and 0.05 <= latest < 1
        rtcp.cancel()
        await rtcp
        assert subscription.sender_report() is None
        assert path.sent == [bytes(RtcpByePacket(sources=[ssrc]))]
    finally:
        await publisher.track.stop()
        await publisher.pc.close()
        await pc.close()
