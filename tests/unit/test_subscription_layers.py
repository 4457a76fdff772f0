"""A Subscription of a simulcast publisher moving between layers (`choose_layer`): it keeps
sending the layer it is on until a keyframe of the chosen one, then sends only that one, as
one continuous stream. A real simulcast PublishedTrack on an unconnected receiver feeds a real
Subscription on an unconnected sender, whose datagrams are captured instead of sent."""

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from itertools import pairwise

import pytest
from aiortc import RTCPeerConnection
from aiortc.rtcrtpparameters import RTCRtpSendParameters
from aiortc.rtp import RTCP_RTPFB_NACK, RtcpRtpfbPacket, RtpPacket

from signaling.media.sharing import BandwidthSharing
from signaling.media.subscriber import SilentTrack, Subscription
from signaling.media.vp8 import parse_descriptor
from tests.unit.test_publisher import RTX, VP8, Harness
from tests.unit.test_publisher_simulcast import (
    SSRCS,
    Clock,
    layer_packet,
    plis_for,
    simulcast_harness,
)


def frame(layer: int, seq: int, keyframe: bool = False) -> RtpPacket:
    """One packet, one frame, of `layer`: its picture id is `seq`, its last byte the layer (to
    tell apart what was sent), its rid sent in the first packets only."""
    packet = layer_packet(layer, seq, keyframe=keyframe, rid=seq <= 2)
    payload = bytearray(packet.payload)
    payload[2:4] = bytes([0x80 | (seq >> 8), seq & 0xFF])
    payload[-1] = layer
    packet.payload = bytes(payload)
    packet.timestamp = 3000 * seq + 1_000_000 * layer  # layers' clocks start apart
    packet.marker = 1
    return packet


@dataclass
class Forwarding:
    publisher: Harness
    subscription: Subscription
    clock: Clock
    sent: list[bytes] = field(default_factory=list)

    async def feed(self, *packets: RtpPacket) -> list[int]:
        """Feed `packets`, 1/30 s apart; the layers of those the subscription sent."""
        before = len(self.sent)
        for packet in packets:
            await self.publisher.feed(packet)
            self.clock.now += 1 / 30
        return [data[-1] for data in self.sent[before:]]

    def output(self) -> list[RtpPacket]:
        return [RtpPacket.parse(data) for data in self.sent]


@pytest.fixture
async def forwarding() -> AsyncIterator[Forwarding]:
    clock, pc = Clock(), RTCPeerConnection()
    publisher = await simulcast_harness(clock)
    subscription = Subscription(
        publisher.track, retransmissions=BandwidthSharing([]).retransmissions
    )
    subscription.bind(pc.addTransceiver(SilentTrack("video"), direction="sendonly"))
    made = Forwarding(publisher, subscription, clock)
    setattr(subscription, "_send", made.sent.append)  # noqa: B010 (the socket is not the subject)
    await subscription._on_sender_started(RTCRtpSendParameters(codecs=[VP8, RTX], muxId="1"))
    yield made
    await publisher.track.stop()
    await publisher.pc.close()
    await pc.close()


def assert_continuous(packets: list[RtpPacket], ssrc: int | None) -> None:
    """One stream: its SSRC, sequence numbers and picture ids without holes, time moving on."""
    assert {p.ssrc for p in packets} == {ssrc}
    for before, after in pairwise(packets):
        assert after.sequence_number == (before.sequence_number + 1) & 0xFFFF
        assert 0 < (after.timestamp - before.timestamp) & 0xFFFFFFFF < 90_000
        picture_before = parse_descriptor(before.payload).picture_id
        picture_after = parse_descriptor(after.payload).picture_id
        assert picture_before is not None and picture_after is not None
        assert picture_after == (picture_before + 1) & 0x7FFF


async def test_the_old_layer_is_sent_until_a_keyframe_of_the_chosen_one(
    forwarding: Forwarding,
) -> None:
    subscription, publisher = forwarding.subscription, forwarding.publisher
    assert await forwarding.feed(frame(1, 1, keyframe=True), frame(2, 1, keyframe=True)) == []
    assert await forwarding.feed(frame(0, 1, keyframe=True)) == [0]  # starts at the lowest
    assert subscription.layer == 0
    assert await forwarding.feed(frame(0, 2), frame(1, 2), frame(2, 2)) == [0]

    await subscription.choose_layer(2)
    assert plis_for(publisher)[-1] == SSRCS[2]  # its keyframe is asked for at once
    assert subscription.waiting_for_keyframe
    sent = await forwarding.feed(frame(2, 3), frame(0, 3), frame(1, 3, keyframe=True))
    assert sent == [0]  # not a keyframe of layer 2; layer 1 was not chosen
    assert subscription.layer == 0
    sent = await forwarding.feed(frame(2, 4, keyframe=True), frame(0, 4), frame(2, 5))
    assert sent == [2, 2]
    assert subscription.layer == 2 and not subscription.waiting_for_keyframe
    assert await forwarding.feed(frame(0, 6, keyframe=True), frame(2, 6)) == [2]

    await subscription.choose_layer(0)  # down again, also at a keyframe
    assert await forwarding.feed(frame(0, 7), frame(2, 7)) == [2]
    assert await forwarding.feed(frame(0, 8, keyframe=True), frame(2, 8), frame(0, 9)) == [0, 0]
    assert_continuous(forwarding.output(), subscription.ssrc)
    assert [data[-1] for data in forwarding.sent] == [0, 0, 0, 2, 2, 2, 2, 0, 0]


async def test_a_nack_after_a_switch_is_answered_from_the_new_layer(
    forwarding: Forwarding,
) -> None:
    subscription = forwarding.subscription
    await forwarding.feed(frame(0, 1, keyframe=True), frame(1, 1), frame(1, 2))
    await subscription.choose_layer(1)
    await forwarding.feed(frame(1, 3, keyframe=True), frame(1, 4))
    *_, keyframe, last = forwarding.output()
    assert subscription.layer == 1 and last.payload[-1] == 1
    before = len(forwarding.sent)
    nack = RtcpRtpfbPacket(fmt=RTCP_RTPFB_NACK, ssrc=1, media_ssrc=subscription.ssrc or 0)
    nack.lost = [keyframe.sequence_number, forwarding.output()[0].sequence_number]
    subscription._handle_rtcp(nack)
    [answer] = [RtpPacket.parse(data) for data in forwarding.sent[before:]]
    assert answer.payload_type == RTX.payloadType  # as RTX: the original sequence number first
    assert answer.payload[:2] == keyframe.sequence_number.to_bytes(2, "big")
    assert answer.payload[2:] == keyframe.payload
